"""Sign-in limits, the pure rules: which keys a failed sign-in counts against, and the waits.

Two keys per attempt: the account from this client address, and the client
address across accounts. A key's first failures are free; each further one
makes the key wait 1 s, 2 s, 4 s … up to ``max_delay``. Once a key has been
quiet for ``reset_after`` seconds after its last wait ended, it counts from
zero again. No key is the account alone, so an attacker's failures never slow
the owner signing in from another address.
"""
import math
from dataclasses import dataclass
from datetime import datetime

from services.chassis.config import float_setting, int_setting

UNKNOWN_CLIENT = "unknown"


@dataclass(frozen=True)
class Backoff:
    free: int
    first_delay: float = 1.0
    max_delay: float = 900.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after a key's ``failures``-th failure in a row."""
        beyond = failures - self.free
        if beyond <= 0:
            return 0.0
        return min(self.max_delay, self.first_delay * 2.0 ** min(beyond - 1, 40))


@dataclass(frozen=True)
class Limits:
    account: Backoff  # one account from one client address
    client: Backoff  # one client address, whichever accounts it tries
    reset_after: float

    @classmethod
    def from_settings(cls) -> "Limits":
        max_delay = float_setting("SIGN_IN_MAX_DELAY_SECONDS", 900.0)
        return cls(account=Backoff(int_setting("SIGN_IN_FREE_FAILURES", 5), max_delay=max_delay),
                   client=Backoff(int_setting("SIGN_IN_CLIENT_FREE_FAILURES", 20), max_delay=max_delay),
                   reset_after=float_setting("SIGN_IN_RESET_SECONDS", 3600.0))

    def keys(self, email: str, client: str | None) -> dict[str, Backoff]:
        """The keys an attempt counts against, each with its schedule."""
        return {account_key(email, client): self.account, client_key(client): self.client}


def account_key(email: str, client: str | None) -> str:
    return f"account:{email.strip().lower()}|{client_key(client)}"


def client_key(client: str | None) -> str:
    return f"client:{client or UNKNOWN_CLIENT}"


def retry_after(blocked_until: datetime, now: datetime) -> int:
    """Whole seconds until ``blocked_until`` (at least 1), for the Retry-After header."""
    return max(1, math.ceil((blocked_until - now).total_seconds()))
