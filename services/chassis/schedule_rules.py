"""When a periodic job is next due (pure rules, no database)."""
from datetime import datetime, timedelta


def next_due(due: datetime, now: datetime, every: timedelta) -> datetime:
    """The first slot after ``now`` on the grid ``due + k * every``: missed periods are not run twice."""
    if every <= timedelta(0):
        raise ValueError("a period must be positive")
    if now < due:
        return due + every
    missed = (now - due) // every
    return due + (missed + 1) * every
