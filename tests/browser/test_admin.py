"""The platform admin's pages (regions, alliances, users, parked events, the audit log) and who cannot reach them."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from services.chassis.envelope import make_envelope
from tests.browser.conftest import ALLIANCE_ADMIN, ALLIANCE_STAFF, COORDINATOR, DEMO_PASSWORD, SCHOOL
from tests.events import publish

ADMIN_PAGES = ["/admin/regions", "/users", "/admin/parked-events", "/alliances", "/admin/audit-log"]


def nav_links(browser) -> list[str]:
    return [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, "nav[aria-label=Main] a")]


def assert_no_csp_errors(browser):
    assert not [e for e in browser.console_errors() if "Content Security Policy" in e]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_school_user_cannot_reach_an_admin_page_even_by_typing_its_url(browser, path):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    assert not {"Regions", "Users", "Parked events", "Alliances", "Audit log"} & set(nav_links(browser))
    browser.go(path)
    browser.heading("Not available to you")
    text = browser.text()
    for leaked in ("EMSYH", "New region", "New user", "Replay", "Amrit Sandhu", "admin.lets@alliance.local"):
        assert leaked not in text, leaked
    assert not {"Regions", "Users", "Parked events", "Alliances"} & set(nav_links(browser))


def test_alliance_staff_cannot_reach_regions_or_users(browser):
    browser.sign_in(ALLIANCE_STAFF, DEMO_PASSWORD)
    assert not {"Regions", "Users", "Parked events"} & set(nav_links(browser))
    for path in ("/admin/regions", "/users"):
        browser.go(path)
        browser.heading("Not available to you")
        assert "EMSYH" not in browser.text() and "New user" not in browser.text()


def test_the_platform_admin_creates_a_region_and_sees_it(browser, platform_admin_login):
    browser.sign_in(*platform_admin_login)
    browser.follow("Regions")
    browser.heading("Regions")
    browser.row("EMSYH")
    code = f"T{uuid.uuid4().hex[:8].upper()}"
    browser.press("Create region")  # empty: the gateway's errors appear next to the fields
    browser.sees("Length must be between 1 and 200.")
    assert browser.field("Name").get_attribute("aria-invalid") == "true"
    browser.fill("Name", f"Test region {code}")
    browser.fill("Code", code)
    browser.press("Create region")
    browser.sees(f"Region Test region {code} ({code}) created.")
    browser.row(code)
    browser.fill("Name", "Again")
    browser.fill("Code", code)
    browser.press("Create region")
    browser.wait(lambda: browser.driver.find_element(By.CSS_SELECTOR, "[role=alert]"), "the conflict")
    browser.screenshot("admin-regions")
    browser.assert_accessible()
    assert_no_csp_errors(browser)


def test_the_platform_admin_lists_creates_and_changes_alliances(browser, platform_admin_login):
    browser.sign_in(*platform_admin_login)
    browser.follow("Alliances")
    browser.heading("Alliances and hubs")
    browser.fill("Region", "East Midlands, South Yorkshire and Humber")
    browser.row("Leicester Teaching School (LeTS)")
    assert "Teaching school hub" in browser.row("Leicester Teaching School (LeTS)").text
    name = f"Test alliance {uuid.uuid4().hex[:6]}"
    form = browser.driver.find_element(By.XPATH, "//form[.//h2[normalize-space(.)='New alliance or hub']]")
    browser.fill("Lead school URN", "12")
    browser.press("Create", within=form)
    browser.sees("a URN is 6 digits")
    browser.fill("Name", name)
    browser.fill("Lead school URN", "120017")
    browser.press("Create", within=form)
    browser.sees(f"{name} created.")
    assert "120017" in browser.row(name).text
    browser.press(f"Change {name}")
    browser.wait(lambda: browser.driver.switch_to.active_element.text == f"Change {name}", "the form to take focus")
    edit = browser.driver.find_element(By.XPATH, f"//form[.//h2[normalize-space(.)='Change {name}']]")
    Select(edit.find_element(By.NAME, "kind")).select_by_visible_text("Teaching school hub")
    browser.press("Save changes", within=edit)
    browser.sees(f"{name} saved.")
    browser.wait(lambda: "Teaching school hub" in browser.row(name).text, "the new kind in the list")
    browser.assert_accessible()


def test_a_coordinator_sees_the_alliances_of_its_region(browser):
    browser.sign_in(COORDINATOR, DEMO_PASSWORD)
    browser.follow("Alliances")
    browser.heading("Alliances and hubs")
    browser.row("Affinity")
    assert not browser.driver.find_elements(By.XPATH, "//label[normalize-space(.)='Region']")
    assert "Users" not in nav_links(browser) and "Regions" not in nav_links(browser)


def test_the_platform_admin_creates_a_user_and_deactivates_it(browser, platform_admin_login):
    browser.sign_in(*platform_admin_login)
    browser.follow("Users")
    browser.heading("Users")
    browser.row("office@brookside.alliance.local")
    suffix = uuid.uuid4().hex[:6]
    email, name = f"new.staff.{suffix}@alliance.local", f"Test Staff {suffix}"
    browser.fill("Full name", name)
    browser.fill("Email address", email)
    browser.fill("Password", "short")
    browser.fill("Role", "Alliance staff")
    browser.fill("Alliance", "Oadby Learning Partnership (East Midlands, South Yorkshire and Humber)")
    browser.press("Create user")
    browser.sees("Length must be between 12 and 256.")  # next to the password field
    browser.fill("Password", "a-long-enough-password")
    browser.press("Create user")
    browser.sees(f"{name} ({email}) can now sign in as alliance staff.")
    row = browser.row(email)
    assert "Oadby Learning Partnership" in row.text and "active" in row.text
    browser.press(f"Deactivate {name}", within=row)
    browser.sees(f"Deactivate {name}?")
    browser.sees("can no longer sign in")
    browser.screenshot("admin-users")
    browser.assert_accessible()
    browser.press("Yes, deactivate")
    browser.sees(f"{name} is deactivated.")
    browser.wait(lambda: "deactivated" in browser.row(email).text, "the row deactivated")
    assert not browser.row(email).find_elements(By.XPATH, ".//button")
    assert_no_csp_errors(browser)


def test_an_alliance_admin_sees_only_its_alliances_users(browser):
    browser.sign_in(ALLIANCE_ADMIN, DEMO_PASSWORD)
    browser.follow("Users")
    browser.heading("Users")
    browser.row("staff.lets@alliance.local")
    text = browser.text()
    for other in ("staff.oadby@alliance.local", "admin.oadby@alliance.local", "office@brookside.alliance.local",
                  "coordinator@alliance.local"):
        assert other not in text, other
    assert "You" in browser.row(ALLIANCE_ADMIN).text
    role = browser.field("Role")
    assert {o.text for o in role.find_elements(By.TAG_NAME, "option")} == {"Alliance staff", "Alliance admin"}
    assert not browser.driver.find_elements(By.XPATH, "//label[normalize-space(.)='Alliance']")
    browser.sees("They join your alliance, Leicester Teaching School (LeTS).")
    browser.assert_accessible()


def test_the_platform_admin_sees_the_parked_events(browser, platform_admin_login):
    browser.sign_in(*platform_admin_login)
    browser.follow("Parked events")
    browser.heading("Parked events")
    browser.sees_pattern(r"No parked events|Replay")
    browser.screenshot("admin-parked-events")
    browser.assert_accessible()
    assert_no_csp_errors(browser)


def test_a_parked_event_is_replayed_after_a_confirm(browser, platform_admin_login, web_stack):
    # An event of a schema version courses does not know: courses parks it, and parks it again on a replay.
    envelope = make_envelope("membership", "membership_started", {
        "id": str(uuid.uuid4()), "alliance_id": str(uuid.uuid4()), "region_id": str(uuid.uuid4()),
        "school_urn": "499999", "tier": "partner", "status": "active"})
    envelope["schema_version"] = 2
    publish(web_stack.host_env["AMQP_URI"], envelope)
    browser.sign_in(*platform_admin_login)
    browser.go("/admin/parked-events")
    browser.heading("Parked events")

    def parked_row():
        if "version 2" in browser.text():
            return browser.row("membership_started")
        browser.press("Refresh")  # enabled again once the list is back
        return None
    row = browser.wait(parked_row, "the parked event", seconds=20)
    parked_id = row.text.split(":")[0].split()[-1]
    browser.press(f"Replay event {parked_id}", within=row)
    browser.sees(f"Replay event {parked_id}?")
    browser.sees("If it fails again it stays parked.")
    browser.assert_accessible()
    browser.press("Yes, replay")
    browser.sees(f"Replayed event {parked_id} in courses: its handler failed again, so it stays parked.")
    browser.row("membership_started")


def test_the_platform_admin_reads_a_services_audit_log_page_by_page(browser, platform_admin_login):
    browser.sign_in(*platform_admin_login)
    browser.follow("Audit log")
    browser.heading("Audit log")
    browser.row("create_user")  # the demo data, written through the API: its users last, so first
    rows = "//table/tbody/tr"

    def shown() -> int:
        return len(browser.driver.find_elements(By.XPATH, rows))
    assert shown() == 25
    while "Status: none → active" not in browser.text():  # the demo's memberships, before the users
        before = shown()
        browser.press("Show more")
        browser.wait(lambda: shown() > before, "the next page")
    browser.row("add_member")
    browser.assert_accessible()
    browser.fill("Service", "Courses")
    browser.row("create_course")
    assert "create_region" not in browser.text()
    assert_no_csp_errors(browser)


def test_the_users_page_on_a_phone(phone, platform_admin_login):
    phone.sign_in(*platform_admin_login)
    phone.go("/users")
    phone.heading("Users")
    phone.row("office@brookside.alliance.local")
    assert phone.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    phone.field("Full name")
    phone.screenshot("admin-users-phone")
    phone.assert_accessible()
