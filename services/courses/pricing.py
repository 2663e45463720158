"""What a place costs, and what cancelling it costs."""
from datetime import datetime, timedelta
from typing import Iterable


def pays_member_price(course_region_id: str, regions_of_active_memberships: Iterable[str]) -> bool:
    """Members of *any* alliance in the course's region pay the member price."""
    return course_region_id in set(regions_of_active_memberships)


def place_price(member: bool, price_member_pence: int, price_non_member_pence: int) -> int:
    return price_member_pence if member else price_non_member_pence


def price_for_school(course: dict, regions_of_active_memberships: Iterable[str]) -> tuple[bool, int]:
    """Whether a school pays the member price of ``course``, and the price of a place to it."""
    member = pays_member_price(course["region_id"], regions_of_active_memberships)
    return member, place_price(member, course["price_member_pence"], course["price_non_member_pence"])


def free_cancellation_until(first_session_starts_at: datetime, deadline_days: int) -> datetime:
    """The moment from which cancelling a confirmed place costs its full price."""
    return first_session_starts_at - timedelta(days=deadline_days)


def cancellation_fee(price_pence: int, first_session_starts_at: datetime, deadline_days: int,
                     now: datetime) -> int:
    """Free until ``deadline_days`` before the first session; the full price from then on."""
    return 0 if now < free_cancellation_until(first_session_starts_at, deadline_days) else price_pence
