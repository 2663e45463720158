"""Courses: drafting, publishing, editing, cancelling, and the catalogue."""
from datetime import datetime, timezone

import sqlalchemy as sa

from services.chassis.database import Transaction
from services.chassis.errors import NotFound, ValidationFailed
from services.chassis.pagination import paginate
from services.chassis.request_pipeline import contains
from services.chassis.scope import ALLIANCE_ROLES, CallerScope, Role
from services.chassis.validation import is_uuid
from services.courses import lifecycle, pricing, schemas, waitlist
from services.courses.events import emit
from services.courses.exceptions import CapacityBelowConfirmed, WrongCourseState
from services.courses.lifecycle import CourseStatus
from services.courses.models import alliances, course_sessions, courses
from services.courses.places import cancel_all, promote
from services.courses.visibility import (
    active_member_regions,
    alliances_run_by,
    listed_for,
    overseen_by,
    readable_by,
    run_by,
)

MANAGERS = ALLIANCE_ROLES
COURSE = schemas.Course()
PRICES = ("price_member_pence", "price_non_member_pence")  # their changes go to the audit log


def find_course(tx: Transaction, course_id: str, where: sa.ColumnElement, lock: bool = False) -> dict:
    """The course if ``where`` lets the caller see it (locked for update if asked), else 404."""
    if not is_uuid(course_id):
        raise NotFound("no such course")
    query = sa.select(courses).where(courses.c.id == course_id, where)
    row = tx.execute(query.with_for_update(of=courses) if lock else query).mappings().first()
    if row is None:
        raise NotFound("no such course")
    return dict(row)


def sessions_of(tx: Transaction, course_id: str) -> list[dict]:
    return [dict(r) for r in tx.execute(
        sa.select(course_sessions).where(course_sessions.c.course_id == course_id)
        .order_by(course_sessions.c.index)).mappings()]


def with_sessions(tx: Transaction, course: dict) -> dict:
    return {**course, "sessions": sessions_of(tx, course["id"])}


def create_course(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*MANAGERS)
    alliance = tx.execute(sa.select(alliances).where(
        alliances.c.id == data["alliance_id"],
        alliances_run_by(caller),
    )).mappings().first()
    if alliance is None:
        raise ValidationFailed("unknown alliance", {"alliance_id": ["no such alliance of yours"]})
    sessions = sorted(data.pop("sessions"), key=lambda s: s["starts_at"])
    course = tx.execute(sa.insert(courses).values(
        **data, region_id=alliance["region_id"], starts_at=sessions[0]["starts_at"],
    ).returning(*courses.c)).mappings().one()
    tx.execute(sa.insert(course_sessions), [
        {"course_id": course["id"], "index": n, **session} for n, session in enumerate(sessions)])
    return COURSE.dump(with_sessions(tx, dict(course)))


def as_offered(tx: Transaction, caller: CallerScope, found: list[dict]) -> list[dict]:
    """Courses as the catalogue shows them to the caller: with sessions, the alliance's name, and
    for a school user the price their school pays (the rule a booking applies, pricing.price_for_school)."""
    names = dict(tx.execute(sa.select(alliances.c.id, alliances.c.name).where(
        alliances.c.id.in_({c["alliance_id"] for c in found}))).all()) if found else {}
    regions = None
    if caller.role is Role.SCHOOL_USER and caller.school_urn and found:
        regions = tx.execute(sa.select(active_member_regions(caller.school_urn))).scalar()
    shown = []
    for course in found:
        extra: dict = {"alliance_name": names.get(course["alliance_id"])}
        if regions is not None:
            extra["your_member_price"], extra["your_price_pence"] = pricing.price_for_school(course, regions)
        shown.append(COURSE.dump({**with_sessions(tx, course), **extra}))
    return shown


def get_course(tx: Transaction, caller: CallerScope, course_id: str) -> dict:
    return as_offered(tx, caller, [find_course(tx, course_id, readable_by(caller))])[0]


def _listed(caller: CallerScope, status: str) -> sa.ColumnElement:
    """Published courses offered to the caller; drafts and cancelled ones only to those who run or oversee them."""
    offered = sa.and_(courses.c.status == CourseStatus.PUBLISHED.value, listed_for(caller))
    if status == CourseStatus.PUBLISHED:
        return offered
    unpublished = sa.and_(courses.c.status != CourseStatus.PUBLISHED.value, overseen_by(caller))
    if status == "all":
        return sa.or_(offered, unpublished)
    return sa.and_(courses.c.status == status, overseen_by(caller))


def list_courses(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    query = sa.select(courses).where(_listed(caller, filters.get("status") or CourseStatus.PUBLISHED.value))
    if filters.get("alliance_id"):
        query = query.where(courses.c.alliance_id == filters["alliance_id"])
    if filters.get("programme"):
        query = query.where(courses.c.programme == filters["programme"])
    if filters.get("area"):
        query = query.where(courses.c.area == filters["area"])
    if filters.get("region_id"):
        query = query.where(courses.c.region_id == filters["region_id"])
    if filters.get("q"):
        pattern = contains(filters["q"])
        query = query.where(sa.or_(courses.c.title.ilike(pattern), courses.c.description.ilike(pattern)))
    result = paginate(tx, query, [courses.c.starts_at, courses.c.id], page, dict)
    result["items"] = as_offered(tx, caller, result["items"])
    return result


def _save(tx: Transaction, course_id: str, **values: object) -> dict:
    return dict(tx.execute(sa.update(courses).where(courses.c.id == course_id)
                           .values(**values, updated_at=sa.func.now())
                           .returning(*courses.c)).mappings().one())


def publish(tx: Transaction, caller: CallerScope, course_id: str) -> dict:
    caller.require(*MANAGERS)
    course = find_course(tx, course_id, run_by(caller), lock=True)
    if not lifecycle.COURSE.allows(course["status"], CourseStatus.PUBLISHED):
        raise WrongCourseState(f"only a draft can be published; this course is {course['status']}")
    published = with_sessions(tx, _save(tx, course_id, status=CourseStatus.PUBLISHED.value))
    emit(tx, "course_published", published, published)
    return COURSE.dump(published)


def update(tx: Transaction, caller: CallerScope, course_id: str, changes: dict) -> dict:
    caller.require(*MANAGERS)
    course = find_course(tx, course_id, run_by(caller), lock=True)
    if course["status"] == CourseStatus.CANCELLED:
        raise WrongCourseState("a cancelled course cannot be changed")
    capacity = changes.get("capacity", course["capacity"])
    if capacity < course["confirmed_count"]:
        raise CapacityBelowConfirmed(
            f"{course['confirmed_count']} places are confirmed; capacity cannot go below that")
    closes = changes.get("booking_closes_at", course["booking_closes_at"])
    if closes and closes > course["starts_at"]:
        raise ValidationFailed("bad deadline", {"booking_closes_at": ["bookings must close before the first session"]})
    saved = _save(tx, course_id, **changes) if changes else course
    for price in PRICES:
        tx.audit_change(price, course[price], saved[price])
    for _ in range(waitlist.places_to_fill(saved["capacity"], saved["confirmed_count"], saved["waitlist_count"])):
        saved = promote(tx, saved)
    updated = with_sessions(tx, saved)
    if course["status"] == CourseStatus.PUBLISHED:
        emit(tx, "course_updated", updated, updated)
    return COURSE.dump(updated)


def cancel(tx: Transaction, caller: CallerScope, course_id: str) -> dict:
    caller.require(*MANAGERS)
    course = find_course(tx, course_id, run_by(caller), lock=True)
    if not lifecycle.COURSE.allows(course["status"], CourseStatus.CANCELLED):
        raise WrongCourseState("the course is already cancelled")
    cancel_all(tx, course, datetime.now(timezone.utc))
    cancelled = with_sessions(tx, _save(tx, course_id, status=CourseStatus.CANCELLED.value, confirmed_count=0,
                                        waitlist_count=0))
    emit(tx, "course_cancelled", cancelled, cancelled)
    return COURSE.dump(cancelled)
