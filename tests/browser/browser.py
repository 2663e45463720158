"""A person at a browser: Debian's Chromium, headless, driven through chromedriver.

Pages are found the way a person finds them: by headings, labels, button and
link text. ``accessibility_violations`` runs axe-core (web/node_modules, from
the npm registry) in the page.
"""
import json
import re
import time
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Flags for a machine with no network beyond itself (see the env notes: background fetches are refused).
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--lang=en-GB"]
DESKTOP, PHONE = (1280, 900), (390, 844)


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is not installed (Debian packages chromium and chromium-driver: `make browser`)"
    if not AXE.exists():
        return f"{AXE} is missing (`make web` installs the web app's npm packages)"
    return None


def xpath_text(text: str) -> str:
    """``text`` as an XPath string literal (curly quotes and all)."""
    if '"' not in text:
        return json.dumps(text, ensure_ascii=False)
    return "concat(" + ", '\"', ".join(json.dumps(part, ensure_ascii=False) for part in text.split('"')) + ")"


class Browser:
    def __init__(self, base_url: str, screenshots: Path, size: tuple[int, int] = DESKTOP) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--window-size={size[0]},{size[1]}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
        self.base_url = base_url.rstrip("/")
        self.screenshots = screenshots

    def close(self) -> None:
        self.driver.quit()

    # -- finding things, waiting until they are there -------------------------------------------
    def wait(self, find, what: str, seconds: float = 10.0):
        deadline = time.monotonic() + seconds
        while True:
            try:
                found = find()
                if found:
                    return found
            except (NoSuchElementException, StaleElementReferenceException):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {seconds:.0f}s for {what}; the page says:\n{self.text()[:2000]}")
            time.sleep(0.05)

    def text(self) -> str:
        try:
            return self.driver.find_element(By.TAG_NAME, "body").text
        except WebDriverException:
            return ""

    def heading(self, text: str, seconds: float = 10.0) -> WebElement:
        path = f"//h1[contains(normalize-space(.), {xpath_text(text)})]"
        return self.wait(lambda: self.driver.find_element(By.XPATH, path), f"the heading {text!r}", seconds)

    def sees(self, text: str, seconds: float = 10.0) -> None:
        self.wait(lambda: text in self.text(), f"the text {text!r}", seconds)

    def sees_pattern(self, pattern: str, seconds: float = 10.0) -> re.Match:
        return self.wait(lambda: re.search(pattern, self.text()), f"text matching {pattern!r}", seconds)

    def field(self, label: str) -> WebElement:
        """The input, select or textarea whose <label> starts with ``label``."""
        def find():
            tag = self.driver.find_element(By.XPATH, f"//label[starts-with(normalize-space(.), {xpath_text(label)})]")
            return self.driver.find_element(By.ID, tag.get_attribute("for"))
        return self.wait(find, f"a field labelled {label!r}")

    def fill(self, label: str, value: str) -> None:
        element = self.field(label)
        if element.tag_name == "select":
            Select(element).select_by_visible_text(value)
            return
        element.clear()
        element.send_keys(value)

    def button(self, text: str, within: WebElement | None = None) -> WebElement:
        scope = within or self.driver
        quoted = xpath_text(text)
        path = f".//button[normalize-space(.)={quoted} or starts-with(normalize-space(.), {quoted})][not(@disabled)]"
        return self.wait(lambda: scope.find_element(By.XPATH, path), f"an enabled button {text!r}")

    def press(self, text: str, within: WebElement | None = None) -> None:
        self.button(text, within).click()

    def link(self, text: str) -> WebElement:
        path = f"//a[contains(normalize-space(.), {xpath_text(text)})]"
        return self.wait(lambda: self.driver.find_element(By.XPATH, path), f"a link {text!r}")

    def follow(self, text: str) -> None:
        self.link(text).click()

    def row(self, text: str) -> WebElement:
        """The table row (or list item) that mentions ``text``."""
        path = f"//*[self::tr or self::li][contains(normalize-space(.), {xpath_text(text)})]"
        return self.wait(lambda: self.driver.find_element(By.XPATH, path), f"a row with {text!r}")

    # -- the app --------------------------------------------------------------------------------
    def open(self, path: str = "/") -> None:
        self.driver.get(f"{self.base_url}/#{path}" if path != "/" else f"{self.base_url}/")

    def go(self, path: str) -> None:
        """Type a route into the address bar of the open app."""
        self.driver.get(f"{self.base_url}/#{path}")

    def sign_in(self, email: str, password: str) -> None:
        self.open("/")
        self.heading("Sign in")
        self.submit_sign_in(email, password)
        self.heading("Welcome")

    def submit_sign_in(self, email: str, password: str) -> None:
        """Fill in and send the sign-in form on the page."""
        self.fill("Email address", email)
        self.fill("Password", password)
        self.press("Sign in")

    def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def accessibility_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
        """axe-core's WCAG 2 A/AA violations of these impacts on the page as it is now."""
        self.driver.execute_script(AXE.read_text())
        self.driver.set_script_timeout(30)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))),"
            " e => done([{id: 'axe-error', impact: 'critical', help: String(e)}]));")
        return [v for v in result if v["impact"] in impacts]

    def assert_accessible(self) -> None:
        violations = self.accessibility_violations()
        assert not violations, "axe-core: " + json.dumps(violations, indent=1)

    def console_errors(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]
