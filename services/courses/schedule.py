"""When a course takes bookings."""
from datetime import datetime


def booking_closed_reason(status: str, booking_closes_at: datetime | None,
                          first_session_starts_at: datetime, now: datetime) -> str | None:
    """Why the course cannot be booked now, or None when it can.

    Without its own deadline a course takes bookings until its first session starts.
    """
    if status != "published":
        return f"the course is {status}"
    closes = booking_closes_at or first_session_starts_at
    if now >= closes:
        return f"bookings closed at {closes.isoformat()}"
    return None
