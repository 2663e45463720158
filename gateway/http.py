"""One way to handle every HTTP route: request id, auth, the per-user rate limit, body, errors, metrics.

``@route`` registers a gateway method with nameko's ``@http`` and records
what the OpenAPI document needs. The method receives a ``Call`` and returns
a JSON-able value; errors become ``application/problem+json``.
"""
import functools
import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from marshmallow import Schema
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Request, Response

from gateway import metrics, rate_limits
from gateway.auth import authenticated_caller
from gateway.responses import finish, problem, request_id_of
from gateway.web_server import http
from services.chassis.errors import BadRequest, NotFound, ServiceError, TooManyAttempts
from services.chassis.validation import require_object

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
# Control characters (NUL included) and lone surrogates: no id or name has them.
UNROUTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass
class RouteSpec:
    method: str
    path: str
    name: str
    summary: str
    tag: str
    status: int = 200
    body: type[Schema] | None = None
    body_required: bool = True
    response: type[Schema] | None = None
    query: type[Schema] | None = None
    paginated: bool = False
    public: bool = False
    checks_credentials: bool = False  # a public route that answers 401 (signing in)
    idempotent: bool = False
    csv: bool = False  # also answers text/csv to Accept: text/csv


ROUTES: list[RouteSpec] = []


@dataclass
class Call:
    request: Request
    request_id: str
    caller: dict | None
    body: Any = None
    spec: RouteSpec | None = field(default=None, repr=False)

    @property
    def idempotency_key(self) -> str | None:
        key = self.request.headers.get("Idempotency-Key") or None
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise BadRequest("bad Idempotency-Key",
                             {"Idempotency-Key": ["1 to 255 printable ASCII characters"]})
        return key

    @property
    def page(self) -> dict:
        return {k: self.request.args[k] for k in ("limit", "cursor") if k in self.request.args}

    @property
    def wants_csv(self) -> bool:
        """Whether Accept prefers text/csv to JSON (JSON when both are equal or nothing is said)."""
        return self.request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv"

    @property
    def filters(self) -> dict:
        names = self.spec.query._declared_fields if self.spec and self.spec.query else {}
        return {k: v for k, v in self.request.args.items() if k in names}


class PayloadTooLarge(ServiceError):
    status = 413
    title = "Body too large"


class UnsupportedMediaType(ServiceError):
    status = 415
    title = "Unsupported media type"


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _read_raw(request: Request) -> bytes:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body may be at most {MAX_BODY_BYTES} bytes")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body may be at most {MAX_BODY_BYTES} bytes")
    return raw


def _require_json_type(request: Request) -> None:
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if request.mimetype != "application/json" or charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType("send the body as Content-Type: application/json (UTF-8)")


def _read_json(request: Request, required: bool = True) -> Any:
    """The body as a JSON object; an absent body is ``{}`` where the route allows it."""
    raw = _read_raw(request)
    if not raw.strip():
        if not required:
            return {}
        raise BadRequest("a JSON body is required")
    _require_json_type(request)
    try:
        body = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}")
    return require_object(body)


def _check_path(path_args: dict) -> None:
    if any(UNROUTABLE.search(value) for value in path_args.values()):
        raise NotFound("no such resource")


def path_integer(text: str, what: str) -> int:
    """A path segment that must be a small non-negative integer (404 otherwise)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise NotFound(f"no such {what}")
    return int(text)


def _error_response(exc: Exception) -> Response:
    if isinstance(exc, ServiceError):
        response = problem(exc.status, exc.title, exc.detail, exc.errors)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, RemoteError):
        return problem(500, "Internal error", "a service failed; the error is logged")
    log.exception("gateway error")
    return problem(500, "Internal error", "the gateway failed; the error is logged")


def handle(service: Any, request: Request, spec: RouteSpec, fn: Callable, path_args: dict) -> Response:
    started = time.perf_counter()
    request_id = request_id_of(request)
    try:
        _check_path(path_args)
        service.rpc.set_correlation_id(request_id)
        caller = None if spec.public else authenticated_caller(request.headers.get("Authorization"), service.rpc)
        if caller is not None:
            rate_limits.spend(caller["user_id"])
        body = _read_json(request, spec.body_required) if spec.body is not None else None
        result = fn(service, Call(request, request_id, caller, body, spec), **path_args)
        if isinstance(result, Response):
            response = result
        else:
            response = Response(json.dumps(result), status=spec.status, mimetype="application/json")
    except Exception as exc:
        response = _error_response(exc)
    finish(response, request_id)
    metrics.observe(spec.method, spec.path, response.status_code, time.perf_counter() - started)
    return response


def route(method: str, path: str, summary: str, tag: str, **options: Any) -> Callable:
    """Declare a gateway route at ``path`` (OpenAPI style, ``{name}`` parameters)."""
    def decorator(fn: Callable) -> Callable:
        spec = RouteSpec(method, path, fn.__name__, summary, tag, **options)
        ROUTES.append(spec)

        @functools.wraps(fn)
        def entrypoint(self: Any, request: Request, **path_args: Any) -> Response:
            return handle(self, request, spec, fn, path_args)

        return http(method, re.sub(r"{(\w+)}", r"<\1>", path))(entrypoint)
    return decorator
