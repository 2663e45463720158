"""Moving bookings between the waitlist, confirmed places and cancelled ones.

Every function here runs with the course's row locked by the caller, so
counts and waitlist positions never race.
"""
from datetime import datetime

import sqlalchemy as sa

from services.chassis.database import Transaction
from services.courses.events import emit
from services.courses.lifecycle import LIVE
from services.courses.models import bookings, courses, schools


def booking_record(tx: Transaction, booking: dict, course: dict, school_name: str | None = None) -> dict:
    """A booking with what its events carry: course title, alliance, region, school name."""
    if school_name is None:
        school_name = tx.execute(sa.select(schools.c.name).where(schools.c.urn == booking["school_urn"])).scalar()
    return {**booking, "course_title": course["title"], "alliance_id": course["alliance_id"],
            "region_id": course["region_id"], "school_name": school_name}


def close_gap(tx: Transaction, course_id: str, position: int) -> None:
    """Everyone behind ``position`` on the waitlist moves up one."""
    tx.execute(sa.update(bookings).where(
        bookings.c.course_id == course_id, bookings.c.status == "waitlisted",
        bookings.c.waitlist_position > position,
    ).values(waitlist_position=bookings.c.waitlist_position - 1))


def promote(tx: Transaction, course: dict) -> dict:
    """Confirm the first waitlisted booking into a free place; returns the course after."""
    first = tx.execute(sa.update(bookings).where(
        bookings.c.course_id == course["id"], bookings.c.status == "waitlisted",
        bookings.c.waitlist_position == 1,
    ).values(status="confirmed", waitlist_position=None).returning(*bookings.c)).mappings().first()
    if first is None:
        return course
    close_gap(tx, course["id"], 1)
    after = dict(tx.execute(sa.update(courses).where(courses.c.id == course["id"]).values(
        confirmed_count=courses.c.confirmed_count + 1, waitlist_count=courses.c.waitlist_count - 1,
    ).returning(*courses.c)).mappings().one())
    emit(tx, "booking_promoted", booking_record(tx, dict(first), after), after)
    return after


def cancel_all(tx: Transaction, course: dict, now: datetime) -> None:
    """The course is cancelled: every live booking is cancelled with no fee."""
    cancelled = tx.execute(sa.update(bookings).where(
        bookings.c.course_id == course["id"], bookings.c.status.in_(LIVE),
    ).values(status="cancelled", fee_pence=0, waitlist_position=None, cancelled_at=now,
             cancel_reason="the course was cancelled").returning(*bookings.c)).mappings().all()
    for booking in cancelled:
        emit(tx, "booking_cancelled", {**booking_record(tx, dict(booking), course), "course_cancelled": True}, course)
