"""Signing in and out, the session running out, and pages outside a role."""
from selenium.webdriver.common.by import By

from tests.browser.conftest import DEMO_PASSWORD, SCHOOL


def test_sign_in_shows_the_roles_home_and_sign_out_returns_to_sign_in(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    browser.sees("School staff")
    browser.screenshot("home-school")
    browser.assert_accessible()
    browser.press("Sign out")
    browser.heading("Sign in")
    browser.sees("You have signed out.")


def test_a_wrong_password_is_shown_next_to_the_form_not_as_a_crash(browser):
    browser.open("/")
    browser.heading("Sign in")
    browser.fill("Email address", SCHOOL)
    browser.fill("Password", "not-the-password")
    browser.press("Sign in")
    alert = browser.wait(lambda: browser.driver.find_element(By.CSS_SELECTOR, "[role=alert]"), "an error")
    assert "password" in alert.text.lower() or "sign" in alert.text.lower(), alert.text
    browser.heading("Sign in")
    browser.assert_accessible()


def test_an_expired_session_signs_out_and_comes_back_to_the_same_page(browser):
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    browser.go("/notifications/preferences")
    browser.heading("Email preferences")
    # The gateway refuses a token that is no longer good: as when it runs out.
    browser.driver.execute_script("sessionStorage.setItem('alliance.token', 'expired.token.value')")
    browser.driver.refresh()
    browser.heading("Sign in")
    browser.sees("signed out")
    browser.submit_sign_in(SCHOOL, DEMO_PASSWORD)
    browser.heading("Email preferences")


def test_the_page_runs_under_a_policy_with_no_inline_script(browser, web_stack):
    import requests
    page = requests.get(f"{web_stack.base_url}/", timeout=5)
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.headers["Cache-Control"] == "no-cache"
    assert "<script>" not in page.text
    asset = next(part.split('"')[0] for part in page.text.split('src="')[1:] if part.startswith("/assets/"))
    cached = requests.get(f"{web_stack.base_url}{asset}", timeout=5)
    assert cached.status_code == 200 and "immutable" in cached.headers["Cache-Control"]
    browser.sign_in(SCHOOL, DEMO_PASSWORD)
    assert not [e for e in browser.console_errors() if "Content Security Policy" in e]
