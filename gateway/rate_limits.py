"""Requests per user at this gateway process: ``RATE_LIMIT_PER_SECOND`` sustained (20; 0: no limit)
and ``RATE_LIMIT_BURST`` at once (60); beyond them, 429 with ``Retry-After``.

Keyed by the token's user (``sub``), not by the token: a user may sign in as
often as they like, and a limit per token would grow with every new token.
"""
import os
from functools import lru_cache

from gateway import metrics
from gateway.token_buckets import TokenBuckets
from services.chassis.errors import TooManyAttempts

DEFAULT_PER_SECOND = "20"
DEFAULT_BURST = "60"
MAX_USERS = 10_000


class RateLimitSettingError(ValueError):
    """RATE_LIMIT_PER_SECOND or RATE_LIMIT_BURST is unusable; the gateway refuses to start."""


def buckets() -> TokenBuckets:
    """This process's buckets for the settings the environment names now."""
    return _buckets(os.environ.get("RATE_LIMIT_PER_SECOND", DEFAULT_PER_SECOND),
                    os.environ.get("RATE_LIMIT_BURST", DEFAULT_BURST))


@lru_cache(maxsize=4)
def _buckets(per_second: str, burst: str) -> TokenBuckets:
    try:
        return TokenBuckets(float(per_second or DEFAULT_PER_SECOND), int(burst or DEFAULT_BURST), MAX_USERS)
    except ValueError:
        raise RateLimitSettingError(f"RATE_LIMIT_PER_SECOND must be a number >= 0 (0: no limit) and "
                                    f"RATE_LIMIT_BURST a whole number >= 1, not {per_second!r} and {burst!r}")


def spend(user_id: str) -> None:
    """Count one request of the user's; 429 when their bucket is empty."""
    wait = buckets().take(user_id)
    if wait:
        metrics.count_rate_limited()
        raise TooManyAttempts(f"more than the requests allowed per user; try again in {wait} s",
                              retry_after=wait)
