"""Hostile input over HTTP: every answer is the right status, as problem+json, with security headers."""
import base64
import hashlib
import json
import re
import socket
from urllib.parse import urlsplit

import pytest
import requests

import gateway.service  # noqa: F401 (declares every route)
from gateway.http import ROUTES
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.courses_world import course_body, eventually, published_course, soon

pytestmark = pytest.mark.e2e
PROBLEM = "application/problem+json"
NUL, SURROGATE = "\u0000", "\ud800"


def problem(answer: requests.Response, status: int) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.text[:500])
    assert answer.headers["Content-Type"] == PROBLEM, answer.headers
    body = answer.json()
    assert body["status"] == status
    return body


def invalid(answer: requests.Response, field: str) -> dict:
    body = problem(answer, 422)
    assert field in body["errors"], body
    return body


def raw_json(api, method: str, path: str, text: str, content_type: str = "application/json"):
    return api.request(method, path, data=text.encode("utf-8"), headers={"Content-Type": content_type})


@pytest.fixture(scope="module")
def course(world):
    return published_course(world.a1_staff, world.a1["id"], title="Hostile input", capacity=5)


@pytest.fixture(scope="module")
def leader(world):
    return world.a1_admin.created("/api/v1/system-leaders", {
        "name": "Hostile Leader", "email": "leader@hostile.test", "designation": "SLE", "school_urn": "110002",
        "alliance_id": world.a1["id"], "specialisms": ["governance"], "days_available": 1})


@pytest.fixture(scope="module")
def webhook(world):
    def create():
        answer = world.a1_admin.post("/api/v1/webhooks", {
            "alliance_id": world.a1["id"], "url": "http://127.0.0.1:9/hostile", "event_types": ["course_published"]})
        return answer.json() if answer.status_code == 201 else None
    return eventually(create)


@pytest.fixture(scope="module")
def booking(world, course):
    def book():
        answer = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings", {
            "school_urn": "110002", "participant": {"name": "Ada", "email": "ada@hostile.test"}})
        return answer.json() if answer.status_code == 201 else None
    booked = eventually(book)
    assert booked["status"] == "confirmed"
    return booked


# --- 1. NUL, lone surrogates, extreme datetimes and huge integers are 422/404, never 500 ---

@pytest.mark.parametrize("field", ["title", "description", "venue"])
def test_nul_in_course_strings_is_422(world, field):
    body = course_body(world.a1["id"])
    if field == "venue":
        body["sessions"][0]["venue"] = f"Hall{NUL}"
        field = "sessions"
    else:
        body[field] = f"Bad{NUL}title"
    invalid(world.a1_staff.post("/api/v1/courses", body), field)


def test_nul_in_membership_strings_is_422(admin, world):
    invalid(admin.post("/api/v1/regions", {"name": f"North{NUL}", "code": "NX"}), "name")
    invalid(admin.post("/api/v1/schools", {"urn": "170001", "name": f"A{NUL}", "local_authority": "Leeds",
                                           "phase": "primary"}), "name")
    members = f"/api/v1/alliances/{world.a1['id']}/members"
    invalid(admin.post(members, {"school_urn": "110001", "tier": "partner", "mou_version": f"v1{NUL}"}),
            "mou_version")


def test_nul_in_a_participant_is_422(world, course):
    answer = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings", {
        "school_urn": "110002", "participant": {"name": f"Ada{NUL}", "email": "ada2@hostile.test"}})
    assert "name" in invalid(answer, "participant")["errors"]["participant"]


def test_nul_in_the_sign_in_email_is_422(anonymous):
    invalid(anonymous.post("/api/v1/auth/token", {"email": f"admin{NUL}@e2e.test", "password": "x"}), "email")


def test_a_lone_surrogate_is_422(admin):
    answer = raw_json(admin, "POST", "/api/v1/regions", '{"name": "\\ud800", "code": "SG"}')
    invalid(answer, "name")
    invalid(admin.post("/api/v1/schools", {"urn": "170002", "name": SURROGATE, "local_authority": "Leeds",
                                           "phase": "primary"}), "name")


def test_nul_in_a_path_segment_is_404(admin, world):
    problem(admin.get("/api/v1/schools/%00"), 404)
    problem(admin.get("/api/v1/regions/%00"), 404)
    problem(admin.get("/api/v1/courses/%01x"), 404)
    problem(admin.patch(f"/api/v1/alliances/{world.a1['id']}/members/%00", {"tier": "lead"}), 404)
    problem(admin.get("/api/v1/system-leaders/%00"), 404)
    problem(admin.patch("/api/v1/system-leaders/%00", {"status": "inactive"}), 404)


@pytest.mark.parametrize("leader_id", ["not-a-uuid", "a" * 100, "6f1c2f0e-3c1a-4a3e-9a68-1d2f3e4a5b6c"])
def test_a_malformed_or_unknown_leader_id_is_404(admin, leader_id):
    problem(admin.get(f"/api/v1/system-leaders/{leader_id}"), 404)
    problem(admin.patch(f"/api/v1/system-leaders/{leader_id}", {"status": "inactive"}), 404)


def test_nul_in_a_query_filter_is_422(admin):
    invalid(admin.get("/api/v1/schools", params={"q": NUL}), "q")
    invalid(admin.get("/api/v1/courses", params={"q": f"x{NUL}"}), "q")
    invalid(admin.get("/api/v1/bookings", params={"school_urn": NUL}), "school_urn")


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+00:00",
                                       "2026-01-01T00:00:00+20:00", "2026-01-01T00:00:00"])
def test_extreme_datetimes_are_422(world, starts_at):
    body = course_body(world.a1["id"], sessions=[{"starts_at": starts_at, "ends_at": soon(30)}])
    invalid(world.a1_staff.post("/api/v1/courses", body), "sessions")


def test_an_integer_beyond_postgres_is_422(admin, world):
    members = f"/api/v1/alliances/{world.a1['id']}/members"
    invalid(admin.post(members, {"school_urn": "110001", "tier": "partner", "subscription_pence": 2**70}),
            "subscription_pence")
    invalid(world.a1_staff.post("/api/v1/courses", course_body(world.a1["id"], capacity=2**70)), "capacity")


# --- 3. Loose input: floats, numeric strings, non-object bodies, content types ---

@pytest.mark.parametrize("field, value", [("capacity", 1.5), ("price_non_member_pence", 10.7),
                                          ("capacity", "9"), ("capacity", True), ("capacity", 10.0)])
def test_integers_must_be_json_integers(world, field, value):
    invalid(world.a1_staff.post("/api/v1/courses", course_body(world.a1["id"], **{field: value})), field)


def test_an_integer_edit_must_be_a_json_integer(world, course):
    invalid(world.a1_staff.patch(f"/api/v1/courses/{course['id']}", {"capacity": 7.5}), "capacity")
    assert world.a1_staff.get(f"/api/v1/courses/{course['id']}").json()["capacity"] == 5


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "3", "[{}]"])
def test_a_cancel_body_that_is_not_an_object_cancels_nothing(world, booking, body):
    answer = raw_json(world.a1_staff, "POST", f"/api/v1/bookings/{booking['id']}/cancel", body)
    assert problem(answer, 422)["errors"] == {"_schema": ["expected an object"]}
    assert world.a1_staff.get(f"/api/v1/bookings/{booking['id']}").json()["status"] == "confirmed"


def test_json_sent_as_text_plain_is_415(admin, anonymous):
    problem(raw_json(admin, "POST", "/api/v1/regions", '{"name": "Plain", "code": "PL"}', "text/plain"), 415)
    problem(raw_json(anonymous, "POST", "/api/v1/auth/token", '{"email": "a@b.c", "password": "x"}',
                     "application/x-www-form-urlencoded"), 415)
    assert "PL" not in [r["code"] for r in admin.get("/api/v1/regions", params={"limit": 200}).json()["items"]]
    created = raw_json(admin, "POST", "/api/v1/regions", '{"name": "Charset", "code": "CS"}',
                       "application/json; charset=utf-8")
    assert created.status_code == 201, created.text


def test_json_with_nan_or_deep_nesting_is_400(admin):
    problem(raw_json(admin, "POST", "/api/v1/regions", '{"name": NaN, "code": "NN"}'), 400)
    problem(raw_json(admin, "POST", "/api/v1/regions", "[" * 200_000 + "]" * 200_000), 400)


def test_a_bad_idempotency_key_is_400(admin):
    answer = admin.post("/api/v1/regions", {"name": "Keyed", "code": "KY"},
                        headers={"Idempotency-Key": "k" * 300})
    assert "Idempotency-Key" in problem(answer, 400)["errors"]


def test_a_long_path_id_with_an_idempotency_key_is_404(world):
    body = {"school_urn": "110002", "participant": {"name": "Ada", "email": "ada3@hostile.test"}}
    answer = world.a1_staff.post("/api/v1/courses/" + "a" * 100 + "/bookings", body,
                                 headers={"Idempotency-Key": "long-path-1"})
    problem(answer, 404)


# --- 2. Edited cursors on every list route ---

def _cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


UUID = "6f1c2f0e-3c1a-4a3e-9a68-1d2f3e4a5b6c"
# Each is wrong for every list's keys (text, UUID, datetime or a 6-digit URN, in pairs).
BAD_CURSORS = [
    _cursor([1, 2]), _cursor([True, False]), _cursor([1.5, 2.5]), _cursor([["a"], {"b": 1}]),
    _cursor([UUID, "not a time"]), _cursor(["0001-01-01T00:00:00-23:59", "0001-01-01T00:00:00-23:59"]),
    _cursor({"a": 1}),
    _cursor([]), _cursor(["a", UUID, "c"]), _cursor([None, None]), _cursor([f"a{NUL}", UUID]),
    _cursor(["x" * 300, "y" * 300]), "garbage!", "W05hTl0", NUL,
]
LIST_ROUTES = [spec.path for spec in ROUTES if spec.paginated]
REQUIRED_QUERY = {"/api/v1/ops/audit-log": {"service": "membership"}}


def test_every_paginated_route_is_tested():
    assert "/api/v1/schools" in LIST_ROUTES and len(LIST_ROUTES) >= 7


@pytest.mark.parametrize("path", LIST_ROUTES)
def test_an_edited_cursor_is_400_naming_cursor(admin, world, course, leader, webhook, path):
    known = {"alliance_id": world.a1["id"], "course_id": course["id"], "region_id": world.region1["id"],
             "urn": "110002", "leader_id": leader["id"], "webhook_id": webhook["id"]}
    url = re.sub(r"{(\w+)}", lambda m: known[m.group(1)], path)
    required = REQUIRED_QUERY.get(path, {})
    assert admin.get(url, params=required).status_code == 200
    for cursor in BAD_CURSORS:
        body = problem(admin.get(url, params={**required, "cursor": cursor}), 400)
        assert "cursor" in body["errors"], (cursor, body)


# --- What eventlet and routing answer by themselves ---

def test_a_20_kb_url_is_414(stack):
    answer = requests.get(stack.base_url + "/api/v1/schools?q=" + "a" * 20_000, timeout=10)
    problem(answer, 414)


def test_a_70_kb_header_is_431(stack):
    answer = requests.get(stack.base_url + "/health", headers={"X-Big": "a" * 70_000}, timeout=10)
    problem(answer, 431)


def _raw(stack, request: bytes) -> tuple[str, dict, bytes]:
    where = urlsplit(stack.base_url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v for k, v in (line.split(": ", 1) for line in lines)}, body


@pytest.mark.parametrize("request_bytes, status", [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET /health HTTP/9.9\r\n\r\n", 505),
    (b"POST /api/v1/regions HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400),
])
def test_malformed_requests_are_problems(stack, request_bytes, status):
    line, headers, body = _raw(stack, request_bytes)
    assert line.split(" ")[1] == str(status), line
    assert headers["content-type"] == PROBLEM and json.loads(body)["status"] == status
    assert headers["x-content-type-options"] == "nosniff"


def test_an_unknown_method_on_a_route_is_405_with_allow(admin, course):
    answer = admin.request("PUT", "/api/v1/courses", {"title": "x"})
    problem(answer, 405)
    assert {"GET", "POST"} <= set(answer.headers["Allow"].replace(" ", "").split(","))
    answer = admin.request("PUT", f"/api/v1/courses/{course['id']}", {"title": "x"})
    problem(answer, 405)
    assert "PATCH" in answer.headers["Allow"]
    problem(admin.request("DELETE", "/health"), 405)


def test_options_answers_204_with_allow(anonymous):
    answer = anonymous.request("OPTIONS", "/api/v1/courses")
    assert answer.status_code == 204 and answer.content == b""
    assert {"GET", "POST", "OPTIONS"} <= set(answer.headers["Allow"].replace(" ", "").split(","))
    problem(anonymous.request("OPTIONS", "/nowhere"), 404)


def test_an_unknown_path_is_a_404_problem(anonymous):
    problem(anonymous.get("/nowhere"), 404)
    problem(anonymous.request("PUT", "/api/v1/nothing/here"), 404)


# --- 4. Security headers on every response ---

def assert_secure(answer: requests.Response) -> None:
    headers = answer.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "no-store" in headers["Cache-Control"]
    assert not re.search(r"[0-9/]", headers.get("Server", "")), headers.get("Server")
    assert headers["X-Request-ID"]


def test_security_headers_on_every_kind_of_response(anonymous, admin, stack):
    answers = [
        anonymous.get("/health"), admin.get("/api/v1/regions"), anonymous.get("/api/v1/regions"),
        anonymous.get("/nowhere"), admin.request("PUT", "/api/v1/regions"), anonymous.request("OPTIONS", "/health"),
        anonymous.post("/api/v1/auth/token", {"email": "admin@e2e.test", "password": "wrong-password"}),
        anonymous.get("/api/v1/openapi.json"), anonymous.get("/docs"),
        requests.get(stack.base_url + "/health?" + "a" * 20_000, timeout=10),
    ]
    for answer in answers:
        assert_secure(answer)


def test_the_token_response_is_not_cached(anonymous):
    answer = anonymous.post("/api/v1/auth/token", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert_secure(answer)


def test_the_docs_page_has_a_policy_that_lets_it_work(anonymous):
    answer = anonymous.get("/docs")
    policy = dict(part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'self'"
    assert policy["script-src"].startswith("'sha256-") and "unsafe-inline" not in policy["script-src"]
    assert policy["style-src"].startswith("'sha256-")
    script = re.search(r"<script>(.*?)</script>", answer.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy["script-src"]
