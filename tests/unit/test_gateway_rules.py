"""Gateway rules that need no running service: tokens, client addresses, the API document."""
import json
import time

import jwt
import pytest
from nameko.exceptions import deserialize, serialize
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import active_users, auth
from gateway.auth import authenticated_caller, caller_from_header, issue_token
from gateway.client_address import client_address
from gateway.clients import ServiceUnavailable
from services.chassis.errors import TooManyAttempts, Unauthorized

USER = {"id": "u-1", "role": "alliance_admin", "region_id": "r-1", "alliance_id": "a-1",
        "school_urn": None}


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv("JWT_SECRET", "unit-test-secret-of-enough-length-123")


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_a_token_carries_the_callers_scope():
    token = issue_token(USER)
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    scope = caller_from_header(bearer(token["access_token"]))
    assert scope == {"user_id": "u-1", "role": "alliance_admin", "region_id": "r-1",
                     "alliance_id": "a-1", "school_urn": None}


def test_an_expired_token_is_refused(monkeypatch):
    monkeypatch.setenv("TOKEN_TTL_SECONDS", "-10")
    with pytest.raises(Unauthorized, match="expired"):
        caller_from_header(bearer(issue_token(USER)["access_token"]))


@pytest.mark.parametrize("claims_change", [
    {"aud": "someone-else"}, {"iss": "someone-else"},
])
def test_a_token_for_another_audience_or_issuer_is_refused(claims_change):
    now = int(time.time())
    claims = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "sub": "u", "iat": now, "exp": now + 60,
              "role": "platform_admin", **claims_change}
    token = jwt.encode(claims, "unit-test-secret-of-enough-length-123", algorithm="HS256")
    with pytest.raises(Unauthorized):
        caller_from_header(bearer(token))


def test_unsigned_and_wrongly_signed_tokens_are_refused():
    now = int(time.time())
    claims = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "sub": "u", "iat": now, "exp": now + 60,
              "role": "platform_admin"}
    unsigned = jwt.encode(claims, None, algorithm="none")
    forged = jwt.encode(claims, "another-secret-of-enough-length-123456", algorithm="HS256")
    for token in (unsigned, forged):
        with pytest.raises(Unauthorized):
            caller_from_header(bearer(token))
    with pytest.raises(Unauthorized):
        caller_from_header(None)
    with pytest.raises(Unauthorized):
        caller_from_header("Basic abc")


def test_too_many_attempts_keeps_its_retry_after_across_rpc():
    sent = json.loads(json.dumps(serialize(TooManyAttempts("wait", retry_after=17))))
    received = deserialize(sent)
    assert isinstance(received, TooManyAttempts)
    assert (received.status, received.detail, received.retry_after) == (429, "wait", 17)


def request_from(peer: str, forwarded: str | None = None) -> Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": peer}).get_environ())


def test_the_client_address_is_the_peer_unless_the_peer_is_a_trusted_proxy(monkeypatch):
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(request_from("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
    # Only the hops the trusted proxies appended count: the client may have sent its own header.
    assert client_address(request_from("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2")) == "198.51.100.1"
    assert client_address(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(request_from("127.0.0.1")) == "127.0.0.1"


class Membership:
    """Answers user_is_active like the membership service, counting the calls."""

    def __init__(self, inactive: set[str] = frozenset(), down: bool = False) -> None:
        self.inactive, self.down, self.calls = set(inactive), down, 0

    def user_is_active(self, user_id: str) -> bool:
        self.calls += 1
        if self.down:
            raise ServiceUnavailable("the membership service is not running")
        return user_id not in self.inactive


class Rpc:
    def __init__(self, membership: Membership) -> None:
        self.membership = membership


@pytest.fixture(autouse=True)
def no_remembered_users():
    active_users._answers.clear()


def test_a_deactivated_users_token_is_refused_once_the_cached_answer_expires(monkeypatch):
    monkeypatch.setenv("ACTIVE_USER_CACHE_SECONDS", "0.2")
    header = bearer(issue_token(USER)["access_token"])
    membership = Membership()
    for _ in range(50):
        assert authenticated_caller(header, Rpc(membership))["user_id"] == "u-1"
    assert membership.calls == 1  # one RPC per user per TTL, not one per request
    membership.inactive.add("u-1")
    assert authenticated_caller(header, Rpc(membership))["user_id"] == "u-1"  # still cached
    time.sleep(0.25)
    with pytest.raises(Unauthorized):
        authenticated_caller(header, Rpc(membership))


def test_without_membership_the_last_answer_stands():
    header = bearer(issue_token(USER)["access_token"])
    assert authenticated_caller(header, Rpc(Membership(down=True)))["user_id"] == "u-1"
    active_users.remember("u-1", False, time.monotonic() - 1)
    with pytest.raises(Unauthorized):
        authenticated_caller(header, Rpc(Membership(down=True)))


def test_the_openapi_document_covers_every_membership_route():
    import gateway.service  # noqa: F401  (registers the routes)
    from gateway.openapi import document
    paths = document()["paths"]
    for path, method in [("/api/v1/schools", "post"), ("/api/v1/schools/{urn}", "get"),
                         ("/api/v1/alliances/{alliance_id}/members/{urn}", "patch"),
                         ("/api/v1/alliances/{alliance_id}/members/{urn}", "delete"),
                         ("/api/v1/auth/token", "post"), ("/api/v1/system-leaders", "get")]:
        assert method in paths[path], (path, method)
    create = paths["/api/v1/schools"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SchoolCreate"}
    assert "422" in create["responses"] and "201" in create["responses"]
