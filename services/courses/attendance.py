"""Attendance per session; a booking that attended every session is completed."""
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import NotFound, ValidationFailed
from services.chassis.scope import ALLIANCE_ROLES, CallerScope
from services.courses.catalogue import find_course, sessions_of
from services.courses.events import emit
from services.courses.exceptions import WrongCourseState
from services.courses.models import attendance, bookings
from services.courses.places import booking_record
from services.courses.visibility import run_by


def record(tx: Transaction, caller: CallerScope, course_id: str, session_index: int, data: dict) -> dict:
    caller.require(*ALLIANCE_ROLES)
    course = find_course(tx, course_id, run_by(caller), lock=True)
    if course["status"] != "published":
        raise WrongCourseState(f"attendance is recorded on a published course; this one is {course['status']}")
    sessions = sessions_of(tx, course_id)
    if not 0 <= session_index < len(sessions):
        raise NotFound(f"the course has sessions 0 to {len(sessions) - 1}")
    wanted = set(data["attended"])
    placed = set(tx.execute(sa.select(bookings.c.id).where(
        bookings.c.course_id == course_id, bookings.c.id.in_(wanted),
        bookings.c.status.in_(("confirmed", "completed")))).scalars()) if wanted else set()
    if wanted - placed:
        raise ValidationFailed("not confirmed bookings of this course", {
            "attended": [f"{b} is not a confirmed booking of this course" for b in sorted(wanted - placed)]})
    if placed:
        tx.execute(insert(attendance).on_conflict_do_nothing(),
                   [{"booking_id": b, "session_index": session_index} for b in placed])
    completed = _complete(tx, course, placed, len(sessions))
    result = {"course_id": course_id, "session_index": session_index,
              "attended": sorted(placed), "completed": sorted(completed)}
    emit(tx, "attendance_recorded", result, course)
    return result


def _complete(tx: Transaction, course: dict, booking_ids: set[str], session_count: int) -> list[str]:
    """Bookings among ``booking_ids`` that have now attended every session become completed."""
    if not booking_ids:
        return []
    every_session = (sa.select(attendance.c.booking_id).where(attendance.c.booking_id.in_(booking_ids))
                     .group_by(attendance.c.booking_id)
                     .having(sa.func.count() == session_count))
    done = tx.execute(sa.update(bookings).where(
        bookings.c.id.in_(every_session), bookings.c.status == "confirmed",
    ).values(status="completed", completed_at=datetime.now(timezone.utc))
        .returning(*bookings.c)).mappings().all()
    for booking in done:
        emit(tx, "course_completed", booking_record(tx, dict(booking), course), course)
    return [b["id"] for b in done]
