"""The browser tests' stack: docker-compose.yml's commands with the demo data, and Chromium."""
import os
from pathlib import Path

import pytest

from deploy import demo_data
from deploy.stack import Stack
from tests.browser.browser import PHONE, Browser, missing
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, FAST_NOTIFICATIONS, stack_env

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS") or ROOT / ".run" / "test-output" / "screenshots")
DEMO_PASSWORD = demo_data.DEMO_PASSWORD
SCHOOL, COORDINATOR = "office@brookside.alliance.local", "coordinator@alliance.local"
ALLIANCE_ADMIN, ALLIANCE_STAFF = "admin.lets@alliance.local", "staff.lets@alliance.local"


def pytest_collection_modifyitems(items):
    why = missing()
    if why:
        skip = pytest.mark.skip(reason=f"browser tests skipped: {why}")
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="package")
def web_stack(broker, postgres, tmp_path_factory):
    """A stack of its own, seeded with the demo data the README signs in with; stopped when the browser tests
    are done, so that it does not hold database connections through the rest of the run."""
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("web/dist is not built: run `make web` (make test does)")
    settings = stack_env(broker, postgres, "browser", tmp_path_factory.mktemp("mail"), **FAST_NOTIFICATIONS)
    running = Stack(settings, run_dir=tmp_path_factory.mktemp("browser-stack"))
    running.up(timeout=120)
    client = demo_data.Client(running.base_url)
    client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    demo_data.seed(client)
    yield running
    running.down()


@pytest.fixture
def browser(web_stack):
    person = Browser(web_stack.base_url, SCREENSHOTS)
    yield person
    person.close()


@pytest.fixture
def phone(web_stack):
    person = Browser(web_stack.base_url, SCREENSHOTS, size=PHONE)
    yield person
    person.close()


@pytest.fixture(scope="session")
def platform_admin_login() -> tuple[str, str]:
    return ADMIN_EMAIL, ADMIN_PASSWORD
