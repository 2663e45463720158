"""Gateway rules that need no running service: tokens, client addresses, the API document."""
import base64
import hashlib
import hmac
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


NEW_KEY, OLD_KEY = "new-key-of-enough-length-for-hs256-0123", "old-key-of-enough-length-for-hs256-0123"


def test_a_token_names_its_key_and_verifies_while_the_ring_holds_that_key(monkeypatch):
    monkeypatch.setenv("JWT_SIGNING_KEYS", f"2026-05:{OLD_KEY}")
    old = issue_token(USER)["access_token"]
    assert jwt.get_unverified_header(old)["kid"] == "2026-05"
    monkeypatch.setenv("JWT_SIGNING_KEYS", f"2026-05:{OLD_KEY},2026-11:{NEW_KEY}")  # the new key added second
    assert jwt.get_unverified_header(issue_token(USER)["access_token"])["kid"] == "2026-05"
    monkeypatch.setenv("JWT_SIGNING_KEYS", f"2026-11:{NEW_KEY},2026-05:{OLD_KEY}")  # then moved first
    new = issue_token(USER)["access_token"]
    assert jwt.get_unverified_header(new)["kid"] == "2026-11"
    for token in (old, new):
        assert caller_from_header(bearer(token))["user_id"] == "u-1"
    monkeypatch.setenv("JWT_SIGNING_KEYS", f"2026-11:{NEW_KEY}")  # the old key dropped
    assert caller_from_header(bearer(new))["user_id"] == "u-1"
    with pytest.raises(Unauthorized, match="the token is not valid"):
        caller_from_header(bearer(old))  # even though this process verified it before


def _signed(secret: str, headers: dict | None) -> str:
    now = int(time.time())
    claims = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "sub": "u", "iat": now, "exp": now + 60,
              "role": "platform_admin"}
    return jwt.encode(claims, secret, algorithm="HS256", headers=headers)


def _with_header(token: str, header: dict, secret: str) -> str:
    """The token's claims under another header (one PyJWT would not write), signed with ``secret``."""
    def encoded(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")
    signing_input = encoded(json.dumps(header).encode()) + b"." + token.split(".")[1].encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + encoded(signature)).decode()


def test_a_token_with_an_unknown_kid_or_none_is_refused_by_a_ring(monkeypatch):
    monkeypatch.setenv("JWT_SIGNING_KEYS", f"2026-11:{NEW_KEY}")
    for headers in ({"kid": "2025-11"}, {"kid": "default"}, None):
        with pytest.raises(Unauthorized, match="the token is not valid"):
            caller_from_header(bearer(_signed(NEW_KEY, headers)))
    resigned = _with_header(_signed(NEW_KEY, None), {"alg": "HS256", "kid": "2026-11"}, NEW_KEY)
    assert caller_from_header(bearer(resigned))["user_id"] == "u"  # crafted rightly, the header is the only flaw
    for kid in (None, 1, ["2026-11"]):
        with pytest.raises(Unauthorized, match="the token is not valid"):
            caller_from_header(bearer(_with_header(_signed(NEW_KEY, None), {"alg": "HS256", "kid": kid}, NEW_KEY)))
    with pytest.raises(Unauthorized, match="the token is not valid"):  # the right kid, another key
        caller_from_header(bearer(_signed(OLD_KEY, {"kid": "2026-11"})))


def test_jwt_secret_alone_accepts_tokens_issued_before_they_carried_a_kid():
    secret = "unit-test-secret-of-enough-length-123"
    assert caller_from_header(bearer(_signed(secret, None)))["user_id"] == "u"
    assert jwt.get_unverified_header(issue_token(USER)["access_token"])["kid"] == "default"
    with pytest.raises(Unauthorized):
        caller_from_header(bearer(_signed(secret, {"kid": "2026-11"})))


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
