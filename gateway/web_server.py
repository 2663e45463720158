"""nameko's web server, answering problem+json wherever it would answer by itself.

eventlet.wsgi refuses some requests before any application code runs (request
line too long, header line too long, malformed request line or Content-Length)
and werkzeug's routing answers unknown paths and methods with HTML. Here each
of those is problem+json with the gateway's headers. Routes declared with
``http`` (below) share this server instead of nameko's own.
"""
import socket
import time
import uuid

import eventlet
from eventlet.wsgi import HeaderLineTooLong, HeadersTooLarge
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Request, Response

from gateway import metrics
from gateway.responses import finish, problem, raw_problem, request_id_of
from services.chassis.entrypoints import SignatureOnce

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
# Unread request bytes at close make the kernel reset the connection, which can
# destroy the answer before the client reads it: read (and drop) this much first.
DRAIN_BYTES, DRAIN_SECONDS = 256 * 1024, 1.0
LISTEN_BACKLOG = 1024
# On SIGTERM: how long requests already received may take to be answered before the process goes.
STOP_GRACE_SECONDS = 8.0


class GatewayProtocol(HttpOnlyProtocol):
    server_version = "alliance-gateway"
    sys_version = ""

    def _read_request_line(self) -> str:
        line = super()._read_request_line()
        if len(line) >= self.server.url_length_limit:
            self.refuse(414, "URI too long", f"the request line may be at most "
                                             f"{self.server.url_length_limit} bytes")
            return ""
        return line

    def handle_one_response(self) -> None:
        self.server.in_flight += 1
        try:
            super().handle_one_response()
        finally:
            self.server.in_flight -= 1

    def parse_request(self) -> bool:
        try:
            if not super().parse_request():
                return False
        except (HeaderLineTooLong, HeadersTooLarge):
            self.refuse(431, "Request header fields too large", "a header line or the headers are too long")
            return False
        length = self.headers.get("Content-Length")
        if length is not None and not (length.isascii() and length.isdigit()):
            self.refuse(400, "Malformed request", "Content-Length is not a number")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        title = message or self.responses.get(code, ("Error",))[0]
        self.refuse(code, title, explain or "")

    def refuse(self, status: int, title: str, detail: str) -> None:
        self.close_connection = 1
        self.wfile.write(raw_problem(status, title, detail))
        self.wfile.flush()
        self._drain()

    def _drain(self) -> None:
        deadline, left = time.monotonic() + DRAIN_SECONDS, DRAIN_BYTES
        try:
            self.connection.settimeout(0.2)
            while left > 0 and time.monotonic() < deadline:
                chunk = self.connection.recv(min(left, 65536))
                if not chunk:
                    return
                left -= len(chunk)
        except OSError:
            return


def _allowed(adapter: MapAdapter) -> list[str]:
    methods = set(adapter.allowed_methods())
    return sorted(methods | {"OPTIONS"}) if methods else []


def unrouted(request: Request, adapter: MapAdapter, exc: HTTPException) -> Response:
    """The answer when no route takes the request: OPTIONS 204, else 405 or 404."""
    allowed = _allowed(adapter)
    if request.method == "OPTIONS" and allowed:
        response = Response(status=204)
    elif isinstance(exc, MethodNotAllowed):
        response = problem(405, "Method not allowed", f"{request.path} allows {', '.join(allowed)}")
    else:
        response = problem(404, "Not found", f"no route {request.path}")
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


class GatewayWsgiApp(WsgiApp):
    def __call__(self, environ: dict, start_response: object) -> object:
        request = Request(environ, shallow=True)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            provider, values = adapter.match()
        except HTTPException as exc:
            started = time.perf_counter()
            response = finish(unrouted(request, adapter, exc), request_id_of(request))
            method = request.method if request.method in METHODS else "OTHER"
            metrics.observe(method, "(unrouted)", response.status_code, time.perf_counter() - started)
            return response(environ, start_response)
        request.path_values = values
        return provider.handle_request(request)(environ, start_response)


class GatewayWebServer(WebServer):
    def get_wsgi_app(self) -> WsgiApp:
        return GatewayWsgiApp(self)

    def start(self) -> None:
        # nameko listens with eventlet's default backlog of 50: a rush of a few hundred clients
        # connecting at once overflowed it.
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, backlog=LISTEN_BACKLOG)
            self._sock.settimeout(None)  # nameko's workaround for kombu#838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def stop_taking_requests(self) -> None:
        """Stop accepting connections, close each kept-alive one after its next answer, and wait (up to
        STOP_GRACE_SECONDS) until every request already received is answered."""
        if self._serv is None:  # never started
            return
        if self._is_accepting:
            self._is_accepting = False
            self._gt.kill()
            self._sock.close()
            self._serv.keepalive = False  # answers now say "Connection: close"
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while self._serv.in_flight and time.monotonic() < deadline:
            eventlet.sleep(0.02)

    def process_request(self, sock: socket.socket, address: object) -> None:
        # eventlet.wsgi sends the headers, then a body larger than its buffer: with Nagle's algorithm
        # the body's last segment waits for the client's delayed ACK of the headers, 40 ms on Linux,
        # on every keep-alive request whose answer is a few kilobytes (a referral's matches, say).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().process_request(sock, address)

    def get_wsgi_server(self, sock: object, wsgi_app: object, protocol: type = GatewayProtocol,
                        debug: bool = False) -> object:
        server = super().get_wsgi_server(sock, wsgi_app, protocol=protocol, debug=debug)
        server.in_flight = 0  # requests read and not yet answered
        return server


class GatewayHttpEntrypoint(SignatureOnce, HttpRequestHandler):
    server = GatewayWebServer()

    def stop(self) -> None:
        # nameko stops entrypoints first, then waits for workers: the server must stop taking
        # requests here and answer those it has, or it would accept new ones until the very end.
        self.server.stop_taking_requests()
        super().stop()

    def response_from_exception(self, exc: Exception) -> Response:
        # Only when a worker cannot run at all (the gateway is stopping, say).
        return finish(problem(503, "Service unavailable", "the gateway cannot take requests now"),
                      str(uuid.uuid4()))


http = GatewayHttpEntrypoint.decorator
