"""The web app's budgets: first page usable in under 1 s with the stack warm, under 300 KB of JS and CSS.

Starts its own stack with the demo data and drives Debian's Chromium
headless. For each of ``--loads`` loads it times, from the navigation's start
(the page's own ``performance`` clock):
- the sign-in page usable (its form on screen), with the browser cache
  emptied first (every script and style fetched) and with it warm;
- a signed-in page usable after typing its route: the school's courses, the
  coordinator's referral board (each list or chart on screen).
It prints p50/p99/max of each beside the 1 s budget, the bytes of script and
style (raw and gzipped) beside the 300 KB budget, and the reference loop.
It prints; it asserts nothing.

    make bench-web   # or: .venv/bin/python -m tests.benchmarks.bench_web --loads 30
"""
import argparse
import gzip
import statistics
import time
from pathlib import Path

from selenium.webdriver.common.by import By

from deploy import demo_data
from tests.benchmarks.bench_stack import ADMIN_EMAIL, ADMIN_PASSWORD, bench_stack
from tests.benchmarks.measure import reference_loop_seconds
from tests.browser.browser import Browser, missing

DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
BUDGET_MS, BUDGET_BYTES = 1000, 300 * 1024
# (who, route, what shows the page is usable)
SIGNED_IN_PAGES = [
    ("office@brookside.alliance.local", "/courses", "main table, main .empty"),
    ("coordinator@alliance.local", "/board", "main table, main svg, main .empty"),
]


def asset_bytes() -> tuple[int, int]:
    files = [p for p in (DIST / "assets").glob("*") if p.suffix in (".js", ".css")]
    return sum(p.stat().st_size for p in files), sum(len(gzip.compress(p.read_bytes())) for p in files)


def usable_ms(browser: Browser, css: str, since: str = "0") -> float:
    """Milliseconds from ``since`` (a performance.now() value) until ``css`` matches, by the page's clock."""
    browser.wait(lambda: browser.driver.find_elements(By.CSS_SELECTOR, css), css, seconds=15)
    return browser.driver.execute_script(f"return performance.now() - {since}")


def sign_in_page(browser: Browser, cold: bool) -> float:
    if cold:
        browser.driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    browser.driver.execute_script("sessionStorage.clear()")
    browser.driver.get(f"{browser.base_url}/")
    return usable_ms(browser, "form input[type=password]")


def signed_in_page(browser: Browser, route: str, css: str) -> float:
    browser.driver.get(f"{browser.base_url}/#/")
    browser.heading("Welcome")
    start = browser.driver.execute_script(f"const t = performance.now(); location.hash = '{route}'; return t")
    return usable_ms(browser, css, since=str(start))


def summary(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    verdict = "within" if p99 <= BUDGET_MS else "OVER"
    return (f"  {name:44} p50 {statistics.median(ordered):6.0f} ms  p99 {p99:6.0f} ms  max {ordered[-1]:6.0f} ms"
            f"  ({verdict} the {BUDGET_MS} ms budget)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=30)
    args = parser.parse_args()
    why = missing()
    if why:
        raise SystemExit(f"bench_web: {why}")
    raw, zipped = asset_bytes()
    print(f"reference loop: {reference_loop_seconds():.2f} s")
    print(f"script and style: {raw / 1024:.1f} KB ({zipped / 1024:.1f} KB gzipped); budget {BUDGET_BYTES // 1024} KB: "
          f"{'within' if raw <= BUDGET_BYTES else 'OVER'}")
    with bench_stack(workers=10) as (stack, _token):
        client = demo_data.Client(stack.base_url)
        client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        demo_data.seed(client)
        browser = Browser(stack.base_url, Path("/tmp"))
        try:
            browser.driver.get(f"{stack.base_url}/")  # on the app's origin, where sessionStorage exists
            for cold in (True, False):  # one load each to warm the stack, not counted
                sign_in_page(browser, cold)
            results = {"sign-in page, empty cache": [sign_in_page(browser, True) for _ in range(args.loads)],
                       "sign-in page, warm cache": [sign_in_page(browser, False) for _ in range(args.loads)]}
            for email, route, css in SIGNED_IN_PAGES:
                browser.sign_in(email, demo_data.DEMO_PASSWORD)
                signed_in_page(browser, route, css)
                results[f"{route} as {email.split('@')[0]}"] = [signed_in_page(browser, route, css)
                                                                for _ in range(args.loads)]
                browser.driver.execute_script("sessionStorage.clear()")
        finally:
            browser.close()
    print(f"page usable ({args.loads} loads each, Chromium headless, stack warm):")
    for name, samples in results.items():
        print(summary(name, samples))


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"({time.monotonic() - started:.0f} s)")
