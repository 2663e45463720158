"""The keys that sign and verify tokens: a ring from the environment, each key named by a ``kid``.

``JWT_SIGNING_KEYS="2026-11:<secret>,2026-05:<older secret>"``: the first key
signs, every listed key verifies. Without it, ``JWT_SECRET`` is a ring of one
key named ``default`` that also accepts tokens without a ``kid`` (issued
before tokens carried one). Without either, each process signs with a
random key of its own. Every gateway replica reads the same environment, so
they share the ring.
"""
import re
import secrets
from dataclasses import dataclass
from typing import Mapping

MIN_SECRET_LENGTH = 32  # HS256 wants a key of at least 256 bits (RFC 7518, 3.2)
DEFAULT_KID = "default"
KID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class SigningKeyError(ValueError):
    """The signing keys in the environment are unusable; the gateway refuses to start."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, str], ...]  # (kid, secret), the signing key first
    accepts_no_kid: bool = False
    random: bool = False  # a per-process key: no other process verifies its tokens

    @property
    def signing_kid(self) -> str:
        return self.keys[0][0]

    @property
    def signing_secret(self) -> str:
        return self.keys[0][1]

    def secret_for(self, kid: object) -> str | None:
        """The secret that verifies a token with header ``kid`` (None when absent), or None."""
        if kid is None and self.accepts_no_kid:
            return self.signing_secret
        return dict(self.keys).get(kid) if isinstance(kid, str) else None


def parse_ring(text: str) -> KeyRing:
    """``kid:secret`` pairs separated by commas; the first signs."""
    keys: list[tuple[str, str]] = []
    for entry in (part.strip() for part in text.split(",")):
        kid, colon, secret = entry.partition(":")
        kid = kid.strip()
        if not colon or not KID.match(kid):
            raise SigningKeyError(f"JWT_SIGNING_KEYS: each entry is <kid>:<secret>, the kid 1 to 64 of "
                                  f"A-Z a-z 0-9 . _ - (entry {len(keys) + 1} is not)")
        if kid in dict(keys):
            raise SigningKeyError(f"JWT_SIGNING_KEYS: the kid {kid!r} is listed twice")
        keys.append((kid, _long_enough(secret.strip(), f"JWT_SIGNING_KEYS: the key {kid!r}")))
    return KeyRing(tuple(keys))


def ring_from_environment(env: Mapping[str, str]) -> KeyRing:
    if env.get("JWT_SIGNING_KEYS", "").strip():
        return parse_ring(env["JWT_SIGNING_KEYS"])
    if env.get("JWT_SECRET", ""):
        return KeyRing(((DEFAULT_KID, _long_enough(env["JWT_SECRET"], "JWT_SECRET")),), accepts_no_kid=True)
    return KeyRing(((f"process-{secrets.token_hex(4)}", secrets.token_urlsafe(48)),), random=True)


def _long_enough(secret: str, what: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise SigningKeyError(f"{what} is {len(secret)} characters; a signing key needs at least {MIN_SECRET_LENGTH}"
                              " (make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return secret
