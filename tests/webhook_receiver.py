"""A real HTTP receiver for webhooks on this machine: it records every request and answers as scripted.

``WebhookReceiver([500, 500, 200])`` answers the first three requests with
those codes, then ``then`` (200); ``HANG`` in the script holds that request
open without an answer until the receiver closes. ``verify(secret)`` checks
every recorded request as a receiver in production would. ``keep_alive``
answers in HTTP/1.1 and keeps connections open, as most servers do (a
benchmark's receiver); otherwise each request has a connection of its own.
"""
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable

from services.notifications.signing import verify as signature_holds

HANG = "hang"
Answer = int | str


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # Unix seconds when it arrived
    answered: Answer | None = None  # the code it was answered with, or HANG

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), None)

    def json(self) -> dict:
        return json.loads(self.body)

    def why_not_verified(self, secret: str, now: float | None = None) -> str | None:
        try:
            timestamp = int(self.header("X-Timestamp") or "")
            inside = self.json().get("timestamp")
        except (ValueError, AttributeError):
            return "X-Timestamp is not a number, or the body is not JSON"
        if inside != timestamp:
            return f"the body's timestamp {inside!r} is not X-Timestamp {timestamp}"
        if not signature_holds(secret, self.body, self.header("X-Signature") or "", timestamp,
                               self.at if now is None else now):
            return "X-Signature does not match the body and secret, or the timestamp is too old"
        return None


class WebhookReceiver:
    def __init__(self, script: Iterable[Answer] = (), then: Answer = 200, port: int = 0,
                 keep_alive: bool = False) -> None:
        self._script = list(script)
        self._then = then
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._received: list[Received] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler_class(keep_alive))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def answer(self, *script: Answer, then: Answer = 200) -> None:
        """Answer the next requests with ``script``, then with ``then``."""
        with self._lock:
            self._script, self._then = list(script), then

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The requests once at least ``count`` have arrived; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} requests arrived within {timeout} s")
            time.sleep(0.02)
        return self.received

    def verify(self, secret: str) -> int:
        """How many requests arrived, each signed with ``secret`` and timestamped; else fails naming the first."""
        received = self.received
        for n, request in enumerate(received, 1):
            problem = request.why_not_verified(secret)
            if problem:
                raise AssertionError(f"request {n} of {len(received)}: {problem}")
        return len(received)

    def start(self) -> "WebhookReceiver":
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "WebhookReceiver":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _next_answer(self) -> Answer:
        with self._lock:
            return self._script.pop(0) if self._script else self._then

    def _record(self, request: Received) -> None:
        with self._lock:
            self._received.append(request)

    def _handler_class(self, keep_alive: bool) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at, answer = time.time(), receiver._next_answer()
                receiver._record(Received(self.command, self.path, dict(self.headers.items()), body, at, answer))
                if answer == HANG:
                    receiver._released.wait()
                    return
                self.send_response(int(answer))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
