"""Bearer tokens: HS256 JWTs with a fixed algorithm, issuer, audience and expiry, signed by the key ring.

Each token names its signing key in the header (``kid``); verification uses
that key of the ring (gateway/signing_keys.py), so keys rotate without
signing anybody out (README "Signing keys and their rotation").
"""
import logging
import os
import time
import uuid
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import jwt

from gateway import active_users
from gateway.signing_keys import KeyRing, ring_from_environment
from services.chassis.config import int_setting
from services.chassis.errors import Unauthorized
from services.chassis.scope import CallerScope

log = logging.getLogger(__name__)
ISSUER = "alliance-network"
AUDIENCE = "alliance-network-api"
ALGORITHMS = ["HS256"]


def signing_ring() -> KeyRing:
    """The ring the environment names now (read once per distinct setting; refused if unusable)."""
    return _ring(os.environ.get("JWT_SIGNING_KEYS", ""), os.environ.get("JWT_SECRET", ""))


@lru_cache(maxsize=4)
def _ring(signing_keys: str, secret: str) -> KeyRing:
    ring = ring_from_environment({"JWT_SIGNING_KEYS": signing_keys, "JWT_SECRET": secret})
    if ring.random:
        log.warning("neither JWT_SIGNING_KEYS nor JWT_SECRET is set: tokens are signed with a per-process key")
    return ring


def issue_token(user: dict) -> dict:
    ttl = int_setting("TOKEN_TTL_SECONDS", 3600)
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": user["id"], "iat": now, "exp": now + ttl,
        "jti": str(uuid.uuid4()), "role": user["role"], "region_id": user.get("region_id"),
        "alliance_id": user.get("alliance_id"), "school_urn": user.get("school_urn"),
    }
    ring = signing_ring()
    token = jwt.encode(claims, ring.signing_secret, algorithm=ALGORITHMS[0], headers={"kid": ring.signing_kid})
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl}


# Tokens already verified, with their scope, expiry and the ring that verified them: a client sends
# the same token on every call, and checking its signature each time costs the gateway.
_verified: OrderedDict[str, tuple[dict, int, KeyRing]] = OrderedDict()
VERIFIED_CACHE_SIZE = 10_000


def caller_from_header(header: str | None) -> dict:
    """The caller's scope from ``Authorization: Bearer <token>``, or 401."""
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("send Authorization: Bearer <token>")
    token = header[len("Bearer "):].strip()
    ring = signing_ring()
    known = _verified.get(token)
    if known is not None and known[1] > time.time() and known[2] is ring:
        _verified.move_to_end(token)
        return dict(known[0])
    scope, expires = _verify(token, ring)
    _verified[token] = (scope, expires, ring)
    if len(_verified) > VERIFIED_CACHE_SIZE:
        _verified.popitem(last=False)
    return dict(scope)


def authenticated_caller(header: str | None, rpc: Any) -> dict:
    """The caller's scope; 401 for a bad token, or one whose user is deactivated or gone."""
    scope = caller_from_header(header)
    if not active_users.is_active(scope["user_id"], rpc):
        raise Unauthorized("the account is deactivated or no longer exists")
    return scope


def _verify(token: str, ring: KeyRing) -> tuple[dict, int]:
    try:
        secret = ring.secret_for(jwt.get_unverified_header(token).get("kid"))
        if secret is None:
            raise jwt.InvalidTokenError("no key of the ring has this kid")
        claims = jwt.decode(
            token, secret, algorithms=ALGORITHMS,
            audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired")
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is not valid")
    claims["user_id"] = claims["sub"]
    return CallerScope.from_dict(claims).to_dict(), claims["exp"]
