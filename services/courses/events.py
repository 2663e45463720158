"""The events courses publishes: its contracts with every consumer (see the AsyncAPI document).

These schemas are the events' own, apart from the HTTP schemas in schemas.py:
a field added here is a compatible change; a field removed, renamed or
retyped is a new version beside this one.
"""
from marshmallow import Schema, fields, pre_dump

from services.chassis.event_contracts import EventCatalogue, EventContract
from services.chassis.transaction import Transaction

SOURCE = "courses"


class SessionV1(Schema):
    index = fields.Integer(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    venue = fields.String(allow_none=True)


class CourseV1(Schema):
    id = fields.String(required=True)
    alliance_id = fields.String(required=True)
    region_id = fields.String(required=True)
    title = fields.String(required=True)
    programme = fields.String(required=True)
    area = fields.String(required=True)
    visibility = fields.String(required=True)
    capacity = fields.Integer(required=True)
    price_member_pence = fields.Integer(required=True)
    price_non_member_pence = fields.Integer(required=True)
    booking_closes_at = fields.DateTime(allow_none=True)
    cancellation_deadline_days = fields.Integer()
    status = fields.String(required=True)
    confirmed_count = fields.Integer()
    waitlist_count = fields.Integer()
    places_left = fields.Integer()
    starts_at = fields.DateTime(required=True)
    sessions = fields.List(fields.Nested(SessionV1))

    @pre_dump
    def count_places(self, course: dict, **kwargs: object) -> dict:
        return {**course, "places_left": max(0, course["capacity"] - course["confirmed_count"])}


class ParticipantV1(Schema):
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(allow_none=True)


class BookingV1(Schema):
    """What a consumer needs to act on a booking without calling back."""
    id = fields.String(required=True)
    course_id = fields.String(required=True)
    course_title = fields.String(required=True)
    alliance_id = fields.String(required=True)
    region_id = fields.String(required=True)
    school_urn = fields.String(required=True)
    school_name = fields.String(allow_none=True)
    participant = fields.Nested(ParticipantV1, required=True)
    status = fields.String(required=True)
    price_pence = fields.Integer(required=True)
    member_price = fields.Boolean()
    waitlist_position = fields.Integer(allow_none=True)
    fee_pence = fields.Integer(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    course_cancelled = fields.Boolean(dump_default=False,
                                      metadata={"description": "cancelled because the course was"})

    @pre_dump
    def gather_participant(self, booking: dict, **kwargs: object) -> dict:
        return {**booking, "participant": {"name": booking["participant_name"],
                                           "email": booking["participant_email"],
                                           "role": booking["participant_role"]}}


class AttendanceV1(Schema):
    course_id = fields.String(required=True)
    session_index = fields.Integer(required=True)
    attended = fields.List(fields.String(), required=True)


def _v1(event_type: str, schema: Schema, summary: str) -> EventContract:
    return EventContract(event_type, 1, schema, summary)


CATALOGUE = EventCatalogue(SOURCE, [
    _v1("course_published", CourseV1(), "A course was published: it takes bookings"),
    _v1("course_updated", CourseV1(), "A published course changed (a bigger capacity may promote bookings)"),
    _v1("course_cancelled", CourseV1(), "A course was cancelled; each booking is cancelled with no fee"),
    _v1("booking_confirmed", BookingV1(), "A place was booked and confirmed"),
    _v1("booking_waitlisted", BookingV1(), "A place was booked on the waitlist"),
    _v1("booking_promoted", BookingV1(), "A waitlisted booking took a place that came free"),
    _v1("booking_cancelled", BookingV1(), "A booking was cancelled (with its fee)"),
    _v1("attendance_recorded", AttendanceV1(), "Attendance at one session was recorded"),
    _v1("course_completed", BookingV1(), "A participant attended every session"),
])


def emit(tx: Transaction, event_type: str, record: dict, course: dict) -> dict:
    return CATALOGUE.emit(tx, event_type, record, region_id=course["region_id"], alliance_id=course["alliance_id"])
