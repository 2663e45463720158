"""Status moves, declared once per kind of thing (pure rules, no broker)."""
import pytest

from services.courses.lifecycle import BOOKING, COURSE, BookingStatus, CourseStatus
from services.membership.consent import MEMBERSHIP, MembershipStatus


@pytest.mark.parametrize("current, target, allowed", [
    ("draft", CourseStatus.PUBLISHED, True), ("draft", CourseStatus.CANCELLED, True),
    ("published", CourseStatus.CANCELLED, True), ("published", CourseStatus.DRAFT, False),
    ("cancelled", CourseStatus.PUBLISHED, False), ("cancelled", CourseStatus.CANCELLED, False),
])
def test_a_course_is_drafted_published_and_cancelled_once(current, target, allowed):
    assert COURSE.allows(current, target) is allowed


@pytest.mark.parametrize("current, target, allowed", [
    ("waitlisted", BookingStatus.CONFIRMED, True), ("waitlisted", BookingStatus.CANCELLED, True),
    ("confirmed", BookingStatus.COMPLETED, True), ("confirmed", BookingStatus.WAITLISTED, False),
    ("completed", BookingStatus.CANCELLED, False), ("cancelled", BookingStatus.CONFIRMED, False),
])
def test_a_booking_moves_forward_only(current, target, allowed):
    assert BOOKING.allows(current, target) is allowed


def test_what_a_membership_may_become_and_come_from():
    assert MEMBERSHIP.sources(MembershipStatus.ENDED) == ("pending", "active")
    assert MEMBERSHIP.sources(MembershipStatus.ACTIVE) == ("pending",)
    assert not MEMBERSHIP.allows("declined", MembershipStatus.ACTIVE)


def test_an_unknown_status_is_refused_not_guessed():
    with pytest.raises(ValueError):
        COURSE.allows("archived", CourseStatus.CANCELLED)
