"""One way to handle every HTTP route: request id, auth, body, errors, metrics.

``@route`` registers a gateway method with nameko's ``@http`` and records
what the OpenAPI document needs. The method receives a ``Call`` and returns
a JSON-able value; errors become ``application/problem+json``.
"""
import functools
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from marshmallow import Schema
from nameko.exceptions import RemoteError
from nameko.web.handlers import http
from werkzeug.wrappers import Request, Response

from gateway import metrics
from gateway.auth import authenticated_caller
from services.chassis.errors import ServiceError, TooManyAttempts

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


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
    idempotent: bool = False


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
        return self.request.headers.get("Idempotency-Key") or None

    @property
    def page(self) -> dict:
        return {k: self.request.args[k] for k in ("limit", "cursor") if k in self.request.args}

    @property
    def filters(self) -> dict:
        names = self.spec.query._declared_fields if self.spec and self.spec.query else {}
        return {k: v for k, v in self.request.args.items() if k in names}


class BadRequest(ServiceError):
    status = 400
    title = "Malformed request"


class PayloadTooLarge(ServiceError):
    status = 413
    title = "Body too large"


def problem(status: int, title: str, detail: str = "", errors: dict | None = None) -> Response:
    body = {"type": f"/problems/{status}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


def _request_id(request: Request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.match(given) else str(uuid.uuid4())


def _read_json(request: Request, required: bool = True) -> Any:
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body may be at most {MAX_BODY_BYTES} bytes")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"the body may be at most {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        if not required:
            return {}
        raise BadRequest("a JSON body is required")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}")


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
    request_id = _request_id(request)
    try:
        service.rpc.set_correlation_id(request_id)
        caller = None if spec.public else authenticated_caller(request.headers.get("Authorization"), service.rpc)
        body = _read_json(request, spec.body_required) if spec.body is not None else None
        result = fn(service, Call(request, request_id, caller, body, spec), **path_args)
        if isinstance(result, Response):
            response = result
        else:
            response = Response(json.dumps(result), status=spec.status, mimetype="application/json")
    except Exception as exc:
        response = _error_response(exc)
    response.headers["X-Request-ID"] = request_id
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
