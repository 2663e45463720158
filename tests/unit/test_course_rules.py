"""Courses' pure rules: pricing, cancellation fees, booking windows, the waitlist."""
from datetime import datetime, timedelta, timezone

import pytest

from services.courses.bookings import cancelling_costs
from services.courses.pricing import (
    cancellation_fee,
    free_cancellation_until,
    pays_member_price,
    place_price,
    price_for_school,
)
from services.courses.schedule import booking_closed_reason
from services.courses.waitlist import Placement, place, places_to_fill

EMSYH, NW = "region-emsyh", "region-nw"
START = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("regions, member", [
    ([EMSYH], True),          # member of the course's own alliance (same region)
    ([NW, EMSYH], True),      # member of another alliance of the same region, and elsewhere
    ([NW], False),            # member of an alliance in another region only
    ([], False),              # no membership at all
])
def test_members_of_any_alliance_in_the_region_pay_the_member_price(regions, member):
    assert pays_member_price(EMSYH, regions) is member
    assert place_price(member, 15000, 25000) == (15000 if member else 25000)
    course = {"region_id": EMSYH, "price_member_pence": 15000, "price_non_member_pence": 25000}
    assert price_for_school(course, regions) == (member, 15000 if member else 25000)


def test_cancelling_is_free_before_the_deadline_and_full_price_from_it():
    deadline = START - timedelta(days=14)
    assert cancellation_fee(15000, START, 14, deadline - timedelta(seconds=1)) == 0
    assert cancellation_fee(15000, START, 14, deadline) == 15000
    assert cancellation_fee(15000, START, 0, START - timedelta(minutes=1)) == 0
    assert cancellation_fee(15000, START, 0, START) == 15000
    assert free_cancellation_until(START, 14) == deadline


@pytest.mark.parametrize("status, fee", [
    ("confirmed", 15000), ("waitlisted", 0), ("cancelled", None), ("completed", None)])
def test_what_cancelling_a_booking_costs_by_its_status(status, fee):
    late = START - timedelta(days=1)
    assert cancelling_costs({"status": status, "price_pence": 15000}, START, 14, late) == fee


def test_bookings_close_at_the_deadline_or_when_the_course_starts():
    closes = START - timedelta(days=7)
    assert booking_closed_reason("published", closes, START, closes - timedelta(seconds=1)) is None
    assert "closed" in booking_closed_reason("published", closes, START, closes)
    assert booking_closed_reason("published", None, START, START - timedelta(hours=1)) is None
    assert "closed" in booking_closed_reason("published", None, START, START)
    assert booking_closed_reason("draft", None, START, closes) == "the course is draft"
    assert booking_closed_reason("cancelled", None, START, closes) == "the course is cancelled"


def test_places_are_confirmed_until_full_then_waitlisted_in_order():
    assert place(capacity=2, confirmed=0, waitlisted=0) == Placement("confirmed", None)
    assert place(capacity=2, confirmed=1, waitlisted=0) == Placement("confirmed", None)
    assert place(capacity=2, confirmed=2, waitlisted=0) == Placement("waitlisted", 1)
    assert place(capacity=2, confirmed=2, waitlisted=7) == Placement("waitlisted", 8)


def test_freed_places_are_filled_from_the_waitlist():
    assert places_to_fill(capacity=50, confirmed=49, waitlisted=10) == 1
    assert places_to_fill(capacity=60, confirmed=50, waitlisted=4) == 4
    assert places_to_fill(capacity=50, confirmed=50, waitlisted=4) == 0
    assert places_to_fill(capacity=50, confirmed=40, waitlisted=0) == 0
