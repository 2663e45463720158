"""What a school user does: find a course at the price the school pays, book a participant, see and
cancel its bookings; and the region's catalogue with fill rates for the coordinator."""
import uuid

from selenium.webdriver.common.by import By

from tests.browser.conftest import COORDINATOR, DEMO_PASSWORD, SCHOOL

# A region-shared course of LeTS: Brookside is a member of Oadby, in the same region, so it pays the
# member price (deploy/demo_data.py: £950 member, £1,250 non-member).
REGION_COURSE = "NPQ for Senior Leadership"
MATHS = "Leading maths across the primary school"      # Oadby's own, area cpd, programme subject_cpd
GOVERNORS = "Governors: understanding your school's data"  # public, area cpd, programme governors


def open_course(browser, title: str) -> None:
    browser.go("/courses")
    browser.heading("Courses for your school")
    browser.follow(title)
    browser.heading(title)


def book(browser, name: str, email: str, role: str = "Class teacher") -> None:
    browser.fill("Participant name", name)
    browser.fill("Participant email", email)
    browser.fill("Participant role", role)
    browser.press("Book a place")


def unique(who: str) -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"{who} {tag}", f"{who.lower().replace(' ', '.')}.{tag}@brookside.alliance.local"


def test_the_school_books_a_region_course_at_the_member_price(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    browser.follow("Courses")
    browser.heading("Courses for your school")
    row = browser.row(REGION_COURSE)
    assert "£950.00 member price" in row.text, row.text
    assert "Leicester Teaching School (LeTS)" in row.text, row.text
    browser.screenshot("school-courses")
    browser.assert_accessible()

    browser.follow(REGION_COURSE)
    browser.heading(REGION_COURSE)
    browser.sees("£950.00 a place (member price)")
    browser.sees("times are UK time")
    name, email = unique("Asha Member")
    book(browser, name, email)
    browser.sees(f"Booked: {name}'s place is confirmed")
    notice = browser.driver.find_element(By.CSS_SELECTOR, ".notice").text
    assert "£950.00 (member price)" in notice, notice
    browser.screenshot("school-course")
    browser.assert_accessible()

    browser.follow("Bookings")
    browser.heading("Your school's bookings")
    row = browser.row(name)
    assert REGION_COURSE in row.text and "confirmed" in row.text and "£950.00 member price" in row.text, row.text
    browser.screenshot("school-bookings")
    browser.assert_accessible()
    assert not [e for e in browser.console_errors() if "Content Security Policy" in e]


def test_the_catalogue_filters_by_programme_and_area(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    browser.go("/courses")
    browser.heading("Courses for your school")
    browser.sees(MATHS)
    browser.fill("Programme", "Governors")
    browser.wait(lambda: "programme=governors" in browser.driver.current_url, "the programme in the address")
    assert browser.driver.execute_script("return document.activeElement.name") == "programme"  # focus stays put
    browser.sees(GOVERNORS)
    browser.wait(lambda: MATHS not in browser.text() and REGION_COURSE not in browser.text(), "other programmes gone")

    browser.fill("Programme", "All programmes")
    browser.fill("Area", "Continuing professional development")
    browser.wait(lambda: "area=cpd" in browser.driver.current_url, "the area in the address")
    browser.sees(MATHS)
    browser.sees(GOVERNORS)
    browser.wait(lambda: REGION_COURSE not in browser.text(), "the NPQ (area npq) gone")

    browser.fill("Search titles and descriptions", "maths")
    browser.press("Search")
    browser.wait(lambda: GOVERNORS not in browser.text(), "only the maths course")
    browser.sees(MATHS)
    browser.fill("Area", "Initial teacher training")
    browser.sees("No course matches these filters.")
    browser.assert_accessible()


def test_cancelling_a_booking_shows_the_fee_before_confirming(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    open_course(browser, GOVERNORS)
    name, email = unique("Cal Cancel")
    book(browser, name, email, role="Governor")
    browser.sees(f"Booked: {name}'s place is confirmed")
    browser.follow("See the booking")
    browser.heading("Booking")
    browser.sees(name)
    browser.sees("Cancelling now is free until")

    browser.press("Cancel this booking")
    browser.heading("Booking")
    confirm = browser.driver.find_element(By.CSS_SELECTOR, "form.confirm")
    assert f"Cancel {name}'s place?" in confirm.text and "Cancelling now is free until" in confirm.text, confirm.text
    assert "from then it costs £45.00" in confirm.text, confirm.text
    browser.assert_accessible()
    browser.press("Keep the booking")
    browser.wait(lambda: not browser.driver.find_elements(By.CSS_SELECTOR, "form.confirm"), "the confirm step closed")
    browser.sees("confirmed")

    browser.press("Cancel this booking")
    browser.fill("Reason (optional)", "Governor unwell")
    browser.press("Cancel the booking")
    browser.sees("Booking cancelled. No fee is charged.")
    browser.sees("Governor unwell")
    browser.sees_pattern(r"Status\s+cancelled")

    browser.go("/bookings?status=cancelled")
    browser.heading("Your school's bookings")
    assert "cancelled" in browser.row(name).text
    browser.fill("Status", "Confirmed")
    browser.wait(lambda: name not in browser.text(), "the cancelled booking left the confirmed list")


def test_a_bad_email_is_shown_next_to_the_email_field(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    open_course(browser, GOVERNORS)
    name, _ = unique("Bad Email")
    book(browser, name, "not-an-email")
    field = browser.field("Participant email")
    browser.wait(lambda: field.get_attribute("aria-invalid") == "true", "the email field marked invalid")
    message = browser.driver.find_element(By.ID, field.get_attribute("aria-describedby").split()[-1])
    assert message.text and "email" in message.text.lower(), message.text
    container = field.find_element(By.XPATH, "..")
    assert message in container.find_elements(By.CSS_SELECTOR, ".field-error")
    browser.driver.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert not browser.field("Participant name").get_attribute("aria-invalid")
    browser.assert_accessible()


def test_the_coordinator_sees_every_alliances_courses_with_fill_rates(browser):
    browser.sign_in(COORDINATOR, DEMO_PASSWORD)
    browser.follow("Course catalogue")
    browser.heading("Course catalogue")
    browser.sees("Fill rate")
    row = browser.row(MATHS)  # Oadby's alliance-only course: the coordinator oversees the whole region
    assert "Oadby Learning Partnership" in row.text, row.text
    assert "%" in row.text and "of 20 confirmed" in row.text, row.text
    assert "member price" not in row.text
    browser.sees("Leicester Teaching School (LeTS)")
    browser.assert_accessible()
    browser.follow(MATHS)
    browser.heading(MATHS)
    browser.sees("Fill rate")
    browser.sees("Waitlist")
    assert not browser.driver.find_elements(By.XPATH, "//h2[normalize-space(.)='Book a participant']")


def test_the_courses_page_on_a_phone(phone):
    phone.sign_in(SCHOOL, DEMO_PASSWORD)
    phone.go("/courses")
    phone.heading("Courses for your school")
    phone.sees(REGION_COURSE)
    assert phone.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot("school-courses-phone")
    phone.assert_accessible()
    phone.follow(REGION_COURSE)
    phone.heading(REGION_COURSE)
    assert phone.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
