"""Bearer tokens: HS256 JWTs with a fixed algorithm, issuer, audience and expiry."""
import logging
import secrets
import time
import uuid
from collections import OrderedDict
from typing import Any

import jwt

from gateway import active_users
from services.chassis.config import int_setting, setting
from services.chassis.errors import Unauthorized
from services.chassis.scope import CallerScope

log = logging.getLogger(__name__)
ISSUER = "alliance-network"
AUDIENCE = "alliance-network-api"
ALGORITHMS = ["HS256"]
_process_secret = secrets.token_urlsafe(48)


def _secret() -> str:
    secret = setting("JWT_SECRET", "")
    if not secret:
        log.warning("JWT_SECRET is not set: tokens are signed with a per-process secret")
        return _process_secret
    return secret


def issue_token(user: dict) -> dict:
    ttl = int_setting("TOKEN_TTL_SECONDS", 3600)
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": AUDIENCE, "sub": user["id"], "iat": now, "exp": now + ttl,
        "jti": str(uuid.uuid4()), "role": user["role"], "region_id": user.get("region_id"),
        "alliance_id": user.get("alliance_id"), "school_urn": user.get("school_urn"),
    }
    token = jwt.encode(claims, _secret(), algorithm=ALGORITHMS[0])
    return {"access_token": token, "token_type": "bearer", "expires_in": ttl}


# Tokens already verified, with their scope and expiry: a client sends the same
# token on every call, and checking its signature each time costs the gateway.
_verified: OrderedDict[str, tuple[dict, int]] = OrderedDict()
VERIFIED_CACHE_SIZE = 10_000


def caller_from_header(header: str | None) -> dict:
    """The caller's scope from ``Authorization: Bearer <token>``, or 401."""
    if not header or not header.startswith("Bearer "):
        raise Unauthorized("send Authorization: Bearer <token>")
    token = header[len("Bearer "):].strip()
    known = _verified.get(token)
    if known is not None and known[1] > time.time():
        _verified.move_to_end(token)
        return dict(known[0])
    scope, expires = _verify(token)
    _verified[token] = (scope, expires)
    if len(_verified) > VERIFIED_CACHE_SIZE:
        _verified.popitem(last=False)
    return dict(scope)


def authenticated_caller(header: str | None, rpc: Any) -> dict:
    """The caller's scope; 401 for a bad token, or one whose user is deactivated or gone."""
    scope = caller_from_header(header)
    if not active_users.is_active(scope["user_id"], rpc):
        raise Unauthorized("the account is deactivated or no longer exists")
    return scope


def _verify(token: str) -> tuple[dict, int]:
    try:
        claims = jwt.decode(
            token, _secret(), algorithms=ALGORITHMS,
            audience=AUDIENCE, issuer=ISSUER,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired")
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is not valid")
    claims["user_id"] = claims["sub"]
    return CallerScope.from_dict(claims).to_dict(), claims["exp"]
