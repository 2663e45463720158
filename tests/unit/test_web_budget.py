"""The web app's build: within its byte budget, every asset content-hashed, no inline script or style."""
import re
from pathlib import Path

import pytest

from gateway.web_app import PAGE_POLICY

DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
BUDGET_BYTES = 300 * 1024


@pytest.fixture(scope="module")
def dist() -> Path:
    if not (DIST / "index.html").exists():
        pytest.fail("web/dist is not built: run `make web` (make test does)")
    return DIST


def test_script_and_style_stay_under_300_kb(dist):
    files = [p for p in (dist / "assets").glob("*") if p.suffix in (".js", ".css")]
    assert files, "no scripts or styles in the build"
    assert sum(p.stat().st_size for p in files) <= BUDGET_BYTES


def test_every_asset_name_carries_a_content_hash_so_it_can_be_cached_for_a_year(dist):
    for path in (dist / "assets").glob("*"):
        assert re.search(r"-[A-Za-z0-9_-]{8}\.\w+$", path.name), path.name


def test_the_page_has_no_inline_script_or_style_for_the_policy_to_refuse(dist):
    page = (dist / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page and " style=" not in page and "on" + "click=" not in page
    assert "script-src 'self'" in PAGE_POLICY and "unsafe" not in PAGE_POLICY
