"""Webhook signatures (pure): ``X-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``.

The body carries ``timestamp`` (Unix seconds when it was sent, also sent as
``X-Timestamp``), so the signed material includes the time: a receiver that
refuses bodies older than a few minutes cannot be fed a recorded delivery again.
"""
import hashlib
import hmac
import secrets

TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str, timestamp: int, now: float,
           tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver checks: the signature over the body, and a timestamp inside it that is recent."""
    return hmac.compare_digest(signature(secret, body), header or "") and abs(now - timestamp) <= tolerance
