"""The events courses publishes, each with the schema of its ``data``."""
from marshmallow import Schema, fields

from services.chassis import outbox
from services.chassis.database import Transaction
from services.courses import schemas

SOURCE = "courses"


class BookingEvent(schemas.Booking):
    """What a consumer needs to act on a booking without calling back."""
    course_title = fields.String()
    alliance_id = fields.String()
    region_id = fields.String()
    school_name = fields.String(allow_none=True)


class AttendanceEvent(Schema):
    course_id = fields.String()
    session_index = fields.Integer()
    attended = fields.List(fields.String())


EVENT_SCHEMAS: dict[str, Schema] = {
    "course_published": schemas.Course(),
    "course_updated": schemas.Course(),
    "course_cancelled": schemas.Course(),
    "booking_confirmed": BookingEvent(),
    "booking_waitlisted": BookingEvent(),
    "booking_promoted": BookingEvent(),
    "booking_cancelled": BookingEvent(),
    "course_completed": BookingEvent(),
    "attendance_recorded": AttendanceEvent(),
}


def emit(tx: Transaction, event_type: str, record: dict, course: dict) -> dict:
    data = EVENT_SCHEMAS[event_type].dump(record)
    return outbox.add(tx, SOURCE, event_type, data,
                      region_id=course["region_id"], alliance_id=course["alliance_id"])
