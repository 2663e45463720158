"""A webhook receiver on this machine that answers 500 while ``failing`` is set, else 200, and keeps every request."""
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    delivery_id: str  # the X-Delivery-ID header
    attempt: int  # X-Delivery-Attempt
    signature: str
    body: bytes
    answered: int
    at: float  # wall-clock seconds (time.time()) when the request was read

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class FlakyReceiver:
    def __init__(self, failing: bool = True) -> None:
        self.failing = failing
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def start(self) -> "FlakyReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would allow

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                at = time.time()
                status = 500 if receiver.failing else 200
                with receiver._lock:
                    receiver.received.append(Received(
                        self.headers.get("X-Delivery-ID", ""), int(self.headers.get("X-Delivery-Attempt") or 0),
                        self.headers.get("X-Signature", ""), body, status, at))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
