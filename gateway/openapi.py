"""The OpenAPI 3 document, generated from the routes and their marshmallow schemas."""
import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from gateway.http import ROUTES, RouteSpec

ERRORS = {
    400: "Malformed JSON", 401: "No or bad token", 403: "Authenticated but not allowed",
    404: "Unknown, or not visible to the caller", 409: "Conflict with the current state",
    413: "Body larger than 1 MiB", 422: "Invalid fields (unknown fields are rejected)",
    429: "Rate-limited (see Retry-After)", 503: "A service is unavailable",
    504: "A service did not answer in time",
}


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


@lru_cache(maxsize=None)
def _page_of(item: type[Schema]) -> type[Schema]:
    return type(f"{item.__name__}Page", (Schema,), {
        "items": fields.List(fields.Nested(item)),
        "next_cursor": fields.String(allow_none=True),
    })


def _operation(spec: RouteSpec) -> dict:
    parameters = [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", spec.path)]
    if spec.query is not None:
        parameters.append({"in": "query", "schema": spec.query})
    if spec.paginated:
        parameters += [
            {"in": "query", "name": "limit", "schema": {"type": "integer", "default": 50, "maximum": 200}},
            {"in": "query", "name": "cursor", "schema": {"type": "string"}},
        ]
    if spec.idempotent:
        parameters.append({"in": "header", "name": "Idempotency-Key", "schema": {"type": "string"},
                           "description": "Replays return the first response and create nothing"})
    ok: dict = {"description": "OK" if spec.status == 200 else "Created"}
    if spec.response is not None:
        schema = _page_of(spec.response) if spec.paginated else spec.response
        ok["content"] = {"application/json": {"schema": schema}}
    responses = {str(spec.status): ok}
    problem = {"content": {"application/problem+json": {"schema": "Problem"}}}
    for status, text in ERRORS.items():
        if spec.public and status in (401, 403):
            continue
        responses[str(status)] = {"description": text, **problem}
    operation = {"summary": spec.summary, "tags": [spec.tag], "operationId": spec.name,
                 "parameters": parameters, "responses": responses}
    if spec.body is not None:
        operation["requestBody"] = {"required": spec.body_required,
                                    "content": {"application/json": {"schema": spec.body}}}
    if not spec.public:
        operation["security"] = [{"bearer": []}]
    return operation


@lru_cache(maxsize=1)
def document() -> dict:
    api = APISpec(title="Alliance Network gateway", version="1.0.0", openapi_version="3.0.3",
                  plugins=[MarshmallowPlugin()],
                  info={"description": "The public HTTP contract of Alliance Network (API.md)."})
    api.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    api.components.schema("Problem", schema=Problem)
    paths: dict[str, dict] = {}
    for spec in ROUTES:
        if spec.path.startswith("/api/"):
            paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    for path, operations in paths.items():
        api.path(path=path, operations=operations)
    return api.to_dict()
