"""When a periodic job is next due, and when a failed delivery is tried again (pure rules)."""
from datetime import datetime, timedelta


def next_due(due: datetime, now: datetime, every: timedelta) -> datetime:
    """The first slot after ``now`` on the grid ``due + k * every``: missed periods are not run twice."""
    if every <= timedelta(0):
        raise ValueError("a period must be positive")
    if now < due:
        return due + every
    missed = (now - due) // every
    return due + (missed + 1) * every


def delivery_retry_seconds(attempts: int, first: float = 10.0, cap: float = 3600.0, growth: float = 2.0) -> float:
    """Wait after ``attempts`` failed sends: by default 10 s, 20 s, 40 s ... at most an hour (a far end
    may be down for a while: ten attempts span about an hour and a half)."""
    return min(cap, first * growth ** min(max(0, attempts - 1), 30))
