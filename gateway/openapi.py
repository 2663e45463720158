"""The OpenAPI 3 document, generated from the routes and their marshmallow schemas."""
import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from gateway.http import ROUTES, RouteSpec
from services.chassis.pagination import PageSchema

# Every error status the gateway answers, and which operations can answer it:
# any, those that take a body, those that need a token.
ANY, BODY, SIGNED_IN = "any", "body", "signed in"
ERRORS = {
    400: ("Malformed JSON, query parameter, cursor, header or request line", ANY),
    401: ("No or bad token", SIGNED_IN),
    403: ("Authenticated but not allowed", SIGNED_IN),
    404: ("Unknown, or not visible to the caller", ANY),
    409: ("Conflict with the current state", ANY),
    413: ("Body larger than 1 MiB", BODY),
    414: ("Request line longer than 8 KiB", ANY),
    415: ("A body sent without Content-Type: application/json", BODY),
    422: ("Invalid fields (unknown fields are rejected)", ANY),
    429: ("Rate-limited (see Retry-After)", ANY),
    431: ("A header line or the headers too large", ANY),
    503: ("A service is unavailable", ANY),
    504: ("A service did not answer in time", ANY),
}


def _answers(spec: RouteSpec, status: int, when: str) -> bool:
    if status == 401 and spec.checks_credentials:
        return True
    return when == ANY or (when == BODY and spec.body is not None) or (when == SIGNED_IN and not spec.public)


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "field -> its messages: a list of strings, or for a nested object or a list's "
                       "items an object of the same shape (item index or field -> messages)"})


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
        parameters.append({"in": "query", "schema": PageSchema})
    if spec.idempotent:
        parameters.append({"in": "header", "name": "Idempotency-Key", "schema": {"type": "string"},
                           "description": "Replays return the first response and create nothing"})
    ok: dict = {"description": "OK" if spec.status == 200 else "Created"}
    if spec.response is not None:
        schema = _page_of(spec.response) if spec.paginated else spec.response
        ok["content"] = {"application/json": {"schema": schema}}
        if spec.csv:
            ok["content"]["text/csv"] = {"schema": {"type": "string"}}
    responses = {str(spec.status): ok}
    problem = {"content": {"application/problem+json": {"schema": "Problem"}}}
    for status, (text, when) in ERRORS.items():
        if _answers(spec, status, when):
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
