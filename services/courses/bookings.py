"""Booking a place, cancelling it, and the lists of bookings."""
from datetime import datetime, timezone

import sqlalchemy as sa

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound, ValidationFailed
from services.chassis.pagination import paginate, paginate_keys
from services.chassis.scope import ALLIANCE_ROLES, CallerScope, Role
from services.chassis.validation import is_uuid
from services.courses import lifecycle, pricing, schemas, waitlist
from services.courses.catalogue import find_course
from services.courses.events import emit
from services.courses.exceptions import AlreadyBooked, AlreadyCancelled, NotOpenForBooking
from services.courses.lifecycle import BookingStatus
from services.courses.models import bookings, courses, schools
from services.courses.places import booking_record, close_gap, promote
from services.courses.schedule import booking_closed_reason
from services.courses.visibility import active_member_regions, bookings_of, overseen_by, readable_by, run_by

BOOKERS = (*ALLIANCE_ROLES, Role.SCHOOL_USER)
# The hottest statement of a booking rush, in one round trip: the booking, and
# the course's count of confirmed or waitlisted places (its row is already
# locked by this transaction). A participant who already holds a live place
# makes it insert and count nothing (uq_bookings_live_participant). Plain SQL:
# SQLAlchemy does not cache PostgreSQL's INSERT .. ON CONFLICT.
INSERT_BOOKING = sa.text("""
    WITH placed AS (
        INSERT INTO bookings (course_id, school_urn, participant_name, participant_email,
                              participant_role, status, waitlist_position, member_price,
                              price_pence, booked_by)
        VALUES (:course_id, :school_urn, :name, :email, :role, :status, :position, :member,
                :price, :booked_by)
        ON CONFLICT DO NOTHING
        RETURNING *
    ), counted AS (
        UPDATE courses
        SET confirmed_count = confirmed_count + (CASE WHEN :status = 'confirmed' THEN 1 ELSE 0 END),
            waitlist_count = waitlist_count + (CASE WHEN :status = 'waitlisted' THEN 1 ELSE 0 END)
        WHERE id = :course_id AND EXISTS (SELECT 1 FROM placed)
    )
    SELECT * FROM placed""")
BOOKING = schemas.Booking()
# What a booking shows of its course (the listings join ``courses``).
COURSE_OF_BOOKING = (courses.c.title.label("course_title"), courses.c.starts_at.label("course_starts_at"),
                     courses.c.cancellation_deadline_days.label("course_deadline_days"))


def cancelling_costs(booking: dict, first_session_starts_at: datetime, deadline_days: int,
                     now: datetime) -> int | None:
    """What cancelling the booking at ``now`` costs: a waitlisted place nothing; None when it cannot be cancelled."""
    if not lifecycle.BOOKING.allows(booking["status"], BookingStatus.CANCELLED):
        return None
    if booking["status"] != BookingStatus.CONFIRMED:
        return 0
    return pricing.cancellation_fee(booking["price_pence"], first_session_starts_at, deadline_days, now)


def booking_out(booking: dict, course_title: str, starts_at: datetime, deadline_days: int) -> dict:
    """The booking as the API shows it, with its course's title and what cancelling it would cost now."""
    fee = cancelling_costs(booking, starts_at, deadline_days, datetime.now(timezone.utc))
    return BOOKING.dump({
        **booking, "course_title": course_title, "course_starts_at": starts_at, "cancellation_fee_pence": fee,
        "free_cancellation_until": None if fee is None else pricing.free_cancellation_until(starts_at, deadline_days),
    })


def _with_course(booking: dict, course: dict) -> dict:
    return booking_out(booking, course["title"], course["starts_at"], course["cancellation_deadline_days"])


def _joined(row: dict) -> dict:
    """A row of ``bookings`` with COURSE_OF_BOOKING, as the API shows it."""
    return booking_out(dict(row), row["course_title"], row["course_starts_at"], row["course_deadline_days"])


def _own_school_only(caller: CallerScope, urn: str) -> None:
    if caller.role is Role.SCHOOL_USER and urn != caller.school_urn:
        raise Forbidden("a school user books and cancels for their own school only")


def _locked_course_and_school(tx: Transaction, course_id: str, where: sa.ColumnElement,
                              urn: str) -> tuple[dict, str | None, list[str]]:
    """The course, locked (404 unless ``where`` lets the caller see it), the school's name (None if
    unknown) and the regions where the school is an active member: one round trip."""
    if not is_uuid(course_id):
        raise NotFound("no such course")
    school_name = sa.select(schools.c.name).where(schools.c.urn == urn).scalar_subquery()
    row = tx.execute(sa.select(courses, school_name.label("school_name"),
                               active_member_regions(urn).label("member_regions"))
                     .where(courses.c.id == course_id, where).with_for_update(of=courses)).mappings().first()
    if row is None:
        raise NotFound("no such course")
    course = dict(row)
    return course, course.pop("school_name"), list(course.pop("member_regions"))


def book(tx: Transaction, caller: CallerScope, course_id: str, data: dict) -> dict:
    caller.require(*BOOKERS)
    _own_school_only(caller, data["school_urn"])
    # An alliance books places on its own courses; schools book any course offered to them.
    where = run_by(caller) if caller.is_alliance_user else readable_by(caller)
    course, school_name, member_regions = _locked_course_and_school(tx, course_id, where, data["school_urn"])
    now = datetime.now(timezone.utc)
    closed = booking_closed_reason(course["status"], course["booking_closes_at"], course["starts_at"], now)
    if closed:
        raise NotOpenForBooking(closed)
    if school_name is None:
        raise ValidationFailed("unknown school", {"school_urn": ["no school with this URN"]})
    member, price = pricing.price_for_school(course, member_regions)
    placement = waitlist.place(course["capacity"], course["confirmed_count"], course["waitlist_count"])
    participant = data["participant"]
    booking = tx.execute(INSERT_BOOKING, {
        "course_id": course["id"], "school_urn": data["school_urn"], "name": participant["name"],
        "email": participant["email"].strip(), "role": participant.get("role"),
        "status": placement.status, "position": placement.waitlist_position, "member": member,
        "price": price,
        "booked_by": caller.user_id,
    }).mappings().first()
    if booking is None:
        raise AlreadyBooked(f"{participant['email']} already holds a place on this course")
    emit(tx, f"booking_{placement.status}", booking_record(tx, dict(booking), course, school_name), course)
    return _with_course(dict(booking), course)


def _find_booking(tx: Transaction, caller: CallerScope, booking_id: str) -> dict:
    if not is_uuid(booking_id):
        raise NotFound("no such booking")
    row = tx.execute(sa.select(bookings, *COURSE_OF_BOOKING).join(courses, courses.c.id == bookings.c.course_id)
                     .where(bookings.c.id == booking_id, bookings_of(caller))).mappings().first()
    if row is None:
        raise NotFound("no such booking")
    return dict(row)


def cancel_booking(tx: Transaction, caller: CallerScope, booking_id: str, data: dict) -> dict:
    caller.require(*BOOKERS)
    seen = _find_booking(tx, caller, booking_id)
    if caller.role is Role.SCHOOL_USER:
        _own_school_only(caller, seen["school_urn"])
        course = find_course(tx, seen["course_id"], sa.true(), lock=True)
    else:
        course = find_course(tx, seen["course_id"], run_by(caller), lock=True)
    booking = dict(tx.execute(sa.select(bookings).where(bookings.c.id == booking_id)
                              .with_for_update()).mappings().one())
    if not lifecycle.BOOKING.allows(booking["status"], BookingStatus.CANCELLED):
        raise AlreadyCancelled(f"the booking is {booking['status']}")
    now = datetime.now(timezone.utc)
    fee = cancelling_costs(booking, course["starts_at"], course["cancellation_deadline_days"], now)
    if booking["status"] == BookingStatus.CONFIRMED:
        course = dict(tx.execute(sa.update(courses).where(courses.c.id == course["id"])
                                 .values(confirmed_count=courses.c.confirmed_count - 1)
                                 .returning(*courses.c)).mappings().one())
    else:
        close_gap(tx, course["id"], booking["waitlist_position"])
        course = dict(tx.execute(sa.update(courses).where(courses.c.id == course["id"])
                                 .values(waitlist_count=courses.c.waitlist_count - 1)
                                 .returning(*courses.c)).mappings().one())
    cancelled = dict(tx.execute(sa.update(bookings).where(bookings.c.id == booking_id).values(
        status=BookingStatus.CANCELLED.value, fee_pence=fee, waitlist_position=None, cancelled_at=now,
        cancel_reason=data.get("reason"),
    ).returning(*bookings.c)).mappings().one())
    emit(tx, "booking_cancelled", booking_record(tx, cancelled, course), course)
    for _ in range(waitlist.places_to_fill(course["capacity"], course["confirmed_count"],
                                           course["waitlist_count"])):
        course = promote(tx, course)
    return _with_course(cancelled, course)


def get_booking(tx: Transaction, caller: CallerScope, booking_id: str) -> dict:
    return _joined(_find_booking(tx, caller, booking_id))


def _listing(query: sa.Select, filters: dict) -> sa.Select:
    if filters.get("school_urn"):
        query = query.where(bookings.c.school_urn == filters["school_urn"])
    if filters.get("status"):
        query = query.where(bookings.c.status == filters["status"])
    return query


def _rows_of(page_keys: sa.Subquery) -> sa.Select:
    return (sa.select(bookings, *COURSE_OF_BOOKING).join(courses, courses.c.id == bookings.c.course_id)
            .join(page_keys, page_keys.c.id == bookings.c.id))


def list_bookings(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    """Bookings the caller may see, by (created_at, id): the page's keys first, then its rows by id.

    A scope (an alliance's or a region's courses) or a status filter passes over other bookings on the
    way to a page; ix_bookings_created holds their course and status, so they are passed over in the
    index alone, without reading their rows. A school's come from ix_bookings_school_created.
    """
    keys = (sa.select(bookings.c.created_at, bookings.c.id).join(courses, courses.c.id == bookings.c.course_id)
            .where(bookings_of(caller)))
    return paginate_keys(tx, [_listing(keys, filters)], [bookings.c.created_at, bookings.c.id], _rows_of, page,
                         _joined)


def list_course_bookings(tx: Transaction, caller: CallerScope, course_id: str, filters: dict,
                         page: dict | None) -> dict:
    caller.require(Role.REGIONAL_COORDINATOR, *ALLIANCE_ROLES)
    course = find_course(tx, course_id, overseen_by(caller))
    query = sa.select(bookings).where(bookings.c.course_id == course["id"])
    return paginate(tx, _listing(query, filters), [bookings.c.created_at, bookings.c.id], page,
                    lambda row: _with_course(dict(row), course))
