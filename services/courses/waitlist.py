"""Places and the waitlist: confirmed while places remain, else first come, first served."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    status: str                   # "confirmed" | "waitlisted"
    waitlist_position: int | None


def place(capacity: int, confirmed: int, waitlisted: int) -> Placement:
    """Where a new booking goes, given the course's counts (read under its row lock)."""
    if confirmed < capacity:
        return Placement("confirmed", None)
    return Placement("waitlisted", waitlisted + 1)


def places_to_fill(capacity: int, confirmed: int, waitlisted: int) -> int:
    """How many waitlisted bookings to promote now (after a cancellation or a bigger course)."""
    return max(0, min(capacity - confirmed, waitlisted))
