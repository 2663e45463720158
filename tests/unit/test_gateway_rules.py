"""Gateway rules that need no running service: tokens, throttling, the API document."""
import time

import jwt
import pytest

from gateway import auth
from gateway.auth import LoginThrottle, TooManyAttempts, caller_from_header, issue_token
from services.chassis.errors import Unauthorized

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


def test_the_throttle_refuses_past_its_limit_and_says_when_to_retry():
    throttle = LoginThrottle(limit=3, window=60)
    for _ in range(3):
        throttle.check("1.2.3.4|a@b")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("1.2.3.4|a@b")
    assert refused.value.status == 429 and 1 <= refused.value.retry_after <= 61
    throttle.check("1.2.3.4|other@b")  # another account is not affected


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
