"""The built web app (``web/dist``), held in memory: its page and its hashed assets.

``make web`` builds it with Vite; every asset name carries a hash of its
content, so assets are cached for a year and the page itself is revalidated.
"""
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path

DIST = Path(os.environ.get("WEB_DIST_DIR") or Path(__file__).resolve().parent.parent / "web" / "dist")
ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}

# Scripts and styles only from the gateway's own files: no inline script, no eval.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str


def _content_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _load(dist: Path) -> tuple[bytes | None, dict[str, Asset]]:
    page = dist / "index.html"
    if not page.is_file():
        return None, {}
    assets = {path.name: Asset(path.read_bytes(), _content_type(path))
              for path in (dist / "assets").glob("*") if path.is_file() and ASSET_NAME.match(path.name)}
    return page.read_bytes(), assets


class Build:
    """The build on disk, read again when ``make web`` replaces it (no gateway restart)."""

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.stamp: float | None = None
        self.page: bytes | None = None
        self.assets: dict[str, Asset] = {}

    def _fresh(self) -> "Build":
        try:
            stamp = (self.dist / "index.html").stat().st_mtime
        except OSError:
            stamp = None
        if stamp != self.stamp:
            self.page, self.assets = _load(self.dist)
            self.stamp = stamp
        return self

    def index(self) -> bytes | None:
        return self._fresh().page

    def asset(self, name: str) -> Asset | None:
        return self._fresh().assets.get(name) if ASSET_NAME.match(name) else None


BUILD = Build(DIST)
