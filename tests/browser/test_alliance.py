"""Alliance staff and admins: their courses, bookings and attendance, members, system leaders, webhooks."""
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.browser.conftest import ALLIANCE_ADMIN, ALLIANCE_STAFF, DEMO_PASSWORD, SCHOOL

LONDON = ZoneInfo("Europe/London")
BROOKSIDE = "120017"


def london_input(days: float, hour: int) -> str:
    """A date-time as <input type="datetime-local"> holds it, in London time."""
    moment = (datetime.now(LONDON) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M")


def set_input(browser, label: str, value: str) -> None:
    """Set a date-time field as a picker does (typing into one differs between browsers)."""
    element = browser.field(label)
    browser.driver.execute_script(
        "const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
        "set.call(arguments[0], arguments[1]);"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", element, value)


def token(base_url: str, email: str) -> dict:
    answer = requests.post(f"{base_url}/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD},
                           timeout=10)
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def api(base_url: str, who: dict, method: str, path: str, body=None) -> dict:
    answer = requests.request(method, f"{base_url}/api/v1{path}", json=body, headers=who, timeout=10)
    assert answer.ok, answer.text
    return answer.json()


def draft_course(base_url: str, who: dict, title: str, days: float, sessions: int = 1, **fields) -> dict:
    me = api(base_url, who, "GET", "/me")
    start = datetime.now(timezone.utc) + timedelta(days=days)
    return api(base_url, who, "POST", "/courses", {
        "alliance_id": me["scope"]["alliance_id"], "title": f"{title} {uuid.uuid4().hex[:6]}",
        "programme": "subject_cpd", "area": "cpd", "visibility": "region", "capacity": 5,
        "price_member_pence": 5000, "price_non_member_pence": 9000,
        "sessions": [{"starts_at": (start + timedelta(days=7 * n)).isoformat(),
                      "ends_at": (start + timedelta(days=7 * n, hours=3)).isoformat()} for n in range(sessions)],
        **fields})


def fill_course(browser, title: str) -> None:
    browser.fill("Programme", "Subject CPD")
    browser.fill("Title", title)
    browser.fill("Places", "12")
    browser.fill("Price for member schools", "75.50")
    browser.fill("Price for other schools", "120")


def test_staff_draft_a_course_with_two_sessions_publish_it_and_see_it(browser):
    title = f"Phonics for new teachers {uuid.uuid4().hex[:6]}"
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go("/courses")
    browser.heading("Courses")
    browser.sees("Your alliance's courses")
    browser.sees("NPQ for Senior Leadership")
    browser.screenshot("alliance-courses")
    browser.assert_accessible()

    browser.follow("Draft a course")
    browser.heading("Draft a course")
    fill_course(browser, title)
    set_input(browser, "Session 1 starts", london_input(40, 9))
    set_input(browser, "Session 1 ends", london_input(40, 12))
    browser.fill("Session 1 venue", "Rushey Mead Academy")
    browser.press("Add a session")
    set_input(browser, "Session 2 starts", london_input(47, 13))
    set_input(browser, "Session 2 ends", london_input(47, 16))
    browser.assert_accessible()
    browser.press("Save draft")

    browser.heading(title)
    browser.sees("£75.50 for members, £120.00 for others")
    assert browser.driver.find_element(By.CSS_SELECTOR, ".status-draft").text == "draft"
    browser.sees("Rushey Mead Academy")
    rows = browser.driver.find_elements(By.XPATH, "//table[caption[normalize-space(.)='Sessions']]/tbody/tr")
    assert len(rows) == 2
    browser.press("Publish")
    browser.sees("Published: schools it is offered to can book it now.")
    browser.follow("Edit details")
    browser.heading("Edit a course")
    assert browser.field("Price for member schools").get_attribute("value") == "75.50"
    browser.fill("Places", "15")
    browser.press("Save changes")
    browser.heading(title)
    browser.sees("0 of 15 taken, 15 left")

    browser.go("/courses")
    browser.heading("Courses")
    row = browser.row(title)
    assert "published" in row.text and "0 of 15 taken" in row.text, row.text
    assert not [e for e in browser.console_errors() if "Content Security Policy" in e]


def test_a_field_error_is_shown_next_to_its_field(browser):
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go("/courses/new")
    browser.heading("Draft a course")
    fill_course(browser, f"Backwards {uuid.uuid4().hex[:6]}")
    set_input(browser, "Session 1 starts", london_input(30, 15))
    set_input(browser, "Session 1 ends", london_input(30, 10))
    browser.press("Save draft")
    browser.sees("a session must end after it starts")
    ends = browser.field("Session 1 ends")
    assert ends.get_attribute("aria-invalid") == "true"
    error = browser.driver.find_element(By.ID, ends.get_attribute("aria-describedby"))
    assert error.text == "a session must end after it starts"
    assert browser.driver.find_element(By.CSS_SELECTOR, "[role=alert]")
    browser.heading("Draft a course")  # nothing was saved
    browser.assert_accessible()


def test_staff_record_attendance_and_the_booking_becomes_completed(browser, web_stack):
    base = web_stack.base_url
    staff, school = token(base, ALLIANCE_STAFF), token(base, SCHOOL)
    course = draft_course(base, staff, "Behaviour that works", days=2, sessions=2, capacity=1)
    api(base, staff, "POST", f"/courses/{course['id']}/publish")
    name = f"Sam Attender {uuid.uuid4().hex[:4]}"
    placed = api(base, school, "POST", f"/courses/{course['id']}/bookings", {
        "school_urn": BROOKSIDE, "participant": {"name": name, "email": f"{uuid.uuid4().hex[:8]}@brookside.test"}})
    waiting = api(base, school, "POST", f"/courses/{course['id']}/bookings", {
        "school_urn": BROOKSIDE, "participant": {"name": "Wendy Waiting", "email": f"{uuid.uuid4().hex[:8]}@b.test"}})
    assert placed["status"] == "confirmed" and waiting["status"] == "waitlisted"

    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go(f"/courses/{course['id']}")
    browser.heading(course["title"])
    assert "confirmed" in browser.row(name).text
    waits = browser.row("Wendy Waiting")
    assert "waitlisted" in waits.text and "1" in waits.text
    browser.screenshot("alliance-course-bookings")
    browser.assert_accessible()

    browser.field(f"{name} ({BROOKSIDE})").click()
    browser.press("Save attendance")
    browser.sees("Attendance saved for session 1: 1 attended.")
    Select(browser.field("Session")).select_by_index(1)
    browser.field(f"{name} ({BROOKSIDE})").click()
    browser.press("Save attendance")
    browser.sees(f"Attendance saved for session 2: 1 attended. Completed the course: {name}.")
    browser.wait(lambda: "completed" in browser.row(name).text, "the booking shown completed")
    assert api(base, staff, "GET", f"/bookings/{placed['id']}")["status"] == "completed"


def test_cancelling_a_course_asks_first_and_says_every_booking_goes_without_a_fee(browser, web_stack):
    base = web_stack.base_url
    staff = token(base, ALLIANCE_STAFF)
    course = draft_course(base, staff, "To be called off", days=20, visibility="alliance")
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go(f"/courses/{course['id']}")
    browser.heading(course["title"])
    browser.press("Cancel the course")
    browser.sees("is cancelled without a fee")
    browser.assert_accessible()
    browser.press("Yes, cancel the course")
    browser.sees("Cancelled: every booking was cancelled without a fee.")
    browser.go("/courses")
    browser.fill("Status", "Cancelled")
    assert "cancelled" in browser.row(course["title"]).text


def test_members_with_tiers_and_mous(browser):
    browser.sign_in(ALLIANCE_ADMIN, DEMO_PASSWORD)
    browser.go("/members")
    browser.heading("Members")
    assert "Strategic partner" in browser.row("138202").text
    assert "Associate" in browser.row("139880").text
    browser.sees("MoU signed")
    browser.screenshot("alliance-members")
    browser.assert_accessible()
    row = browser.row("139880")
    browser.press("End membership", within=row)
    browser.sees("membership? Its later bookings pay the non-member price")
    browser.press("No, keep it")
    browser.driver.find_element(By.XPATH, "//summary[.='Invite a school']").click()
    browser.fill("School URN", "12")
    browser.press("Invite")
    browser.sees("a URN is 6 digits")
    assert browser.field("School URN").get_attribute("aria-invalid") == "true"


def test_staff_see_members_but_do_not_manage_them(browser):
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go("/members")
    browser.heading("Members")
    browser.row("138202")
    assert not browser.driver.find_elements(By.XPATH, "//button[starts-with(normalize-space(.), 'Change tier')]")
    assert not browser.driver.find_elements(By.XPATH, "//summary[.='Invite a school']")


def test_system_leaders_of_the_region(browser):
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go("/system-leaders")
    browser.heading("System leaders")
    assert "NLE" in browser.row("Priya Mistry").text
    browser.row("Sarah Okafor")
    browser.assert_accessible()


def test_webhooks_as_admin_the_secret_once_and_staff_cannot_open_them(browser, web_stack):
    url = f"http://127.0.0.1:9/hooks/{uuid.uuid4().hex[:8]}"
    browser.sign_in(ALLIANCE_ADMIN, DEMO_PASSWORD)
    browser.go("/webhooks")
    browser.heading("Webhooks")
    browser.driver.find_element(By.XPATH, "//summary[.='Add a webhook']").click()
    browser.fill("URL", url)
    browser.press("Add webhook")
    browser.sees("Copy this secret now: it is shown only once.")
    secret = browser.field("Secret of").get_attribute("value")
    assert len(secret) >= 16
    assert "active" in browser.row(url).text
    browser.screenshot("alliance-webhooks")
    browser.assert_accessible()
    browser.press("Turn off", within=browser.row(url))
    browser.press("Yes, turn it off")
    browser.sees(f"{url} is turned off.")
    assert "disabled" in browser.row(url).text
    browser.press("Turn on", within=browser.row(url))
    browser.sees(f"{url} is turned on again.")
    browser.driver.refresh()
    browser.heading("Webhooks")
    browser.row(url)
    assert secret not in browser.driver.page_source
    # A course of the alliance published: the webhook is sent it (to a port nobody listens on).
    admin = token(web_stack.base_url, ALLIANCE_ADMIN)
    course = draft_course(web_stack.base_url, admin, "Sent to the webhook", days=30)
    api(web_stack.base_url, admin, "POST", f"/courses/{course['id']}/publish")
    browser.follow(url)
    browser.heading("Webhook deliveries")

    def delivered():
        browser.driver.refresh()
        browser.heading("Webhook deliveries")
        return browser.wait(lambda: browser.row("Course published"), "the delivery", seconds=3)
    delivery = browser.wait(delivered, "a delivery of course_published", seconds=60)
    assert any(state in delivery.text for state in ("pending", "failed", "sent")), delivery.text
    browser.assert_accessible()

    browser.press("Sign out")
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    browser.go("/webhooks")
    browser.heading("Not available to you")


def test_the_courses_page_on_a_phone(phone):
    phone.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    phone.go("/courses")
    phone.heading("Courses")
    phone.sees("NPQ for Senior Leadership")
    assert phone.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot("alliance-courses-phone")
    phone.assert_accessible()
