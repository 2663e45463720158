"""What every gateway response carries: problem+json errors, a request id, security headers.

``finish`` is the one place the headers are set, for routed, unrouted and
refused-before-routing (``raw_problem``) responses alike.
"""
import json
import re
import uuid
from http import HTTPStatus

from werkzeug.wrappers import Request, Response

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
SERVER = "alliance-gateway"
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": API_POLICY,
}


def problem_body(status: int, title: str, detail: str = "", errors: dict | None = None) -> bytes:
    body = {"type": f"/problems/{status}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return json.dumps(body).encode()


def problem(status: int, title: str, detail: str = "", errors: dict | None = None) -> Response:
    return Response(problem_body(status, title, detail, errors), status=status,
                    mimetype="application/problem+json")


def request_id_of(request: Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.match(given) else str(uuid.uuid4())


def finish(response: Response, request_id: str) -> Response:
    """Add the request id and the security headers (a route may set its own CSP)."""
    response.headers["X-Request-ID"] = request_id
    response.headers["Server"] = SERVER
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def raw_problem(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP response, for requests refused before there is a request to route."""
    body = problem_body(status, title, detail)
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = title
    head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/problem+json",
            f"Content-Length: {len(body)}", "Connection: close", f"Server: {SERVER}",
            f"X-Request-ID: {uuid.uuid4()}", *(f"{k}: {v}" for k, v in SECURITY_HEADERS.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
