"""Marshmallow schemas of every courses RPC input and output (and the gateway's OpenAPI)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import AwareDateTime, Email, Integer, Text, UUIDString

URN = validate.Regexp(r"^[0-9]{6}$", error="a URN is 6 digits")
PROGRAMMES = ["ect", "npq", "middle_leadership", "senior_leadership", "headship", "governors",
              "subject_cpd", "itt", "other"]
# The "Big 6" of a teaching school alliance and the areas of a teaching school hub.
AREAS = ["itt", "cpd", "school_to_school_support", "leadership_development", "specialist_leaders",
         "research_and_development", "ecf", "npq", "appropriate_body"]
VISIBILITIES = ["alliance", "region", "public"]
PENCE = validate.Range(min=0, max=10_000_000)


class SessionIn(Schema):
    starts_at = AwareDateTime(required=True)
    ends_at = AwareDateTime(required=True)
    venue = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def ends_after_start(self, data: dict, **kwargs: object) -> None:
        if data["ends_at"] <= data["starts_at"]:
            raise ValidationError("a session must end after it starts", "ends_at")


class CourseCreate(Schema):
    alliance_id = UUIDString(required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    programme = Text(required=True, validate=validate.OneOf(PROGRAMMES))
    area = Text(required=True, validate=validate.OneOf(AREAS))
    description = Text(load_default=None, allow_none=True, validate=validate.Length(max=10_000))
    visibility = Text(required=True, validate=validate.OneOf(VISIBILITIES))
    capacity = Integer(required=True, validate=validate.Range(min=1, max=10_000))
    price_member_pence = Integer(required=True, validate=PENCE)
    price_non_member_pence = Integer(required=True, validate=PENCE)
    sessions = fields.List(fields.Nested(SessionIn), required=True, validate=validate.Length(min=1, max=50))
    booking_closes_at = AwareDateTime(load_default=None, allow_none=True)
    cancellation_deadline_days = Integer(load_default=0, validate=validate.Range(min=0, max=365))

    @validates_schema
    def closes_before_it_starts(self, data: dict, **kwargs: object) -> None:
        closes, sessions = data.get("booking_closes_at"), data.get("sessions") or []
        if closes and sessions and closes > min(s["starts_at"] for s in sessions):
            raise ValidationError("bookings must close before the first session", "booking_closes_at")


class CourseUpdate(Schema):
    title = Text(validate=validate.Length(min=1, max=200))
    description = Text(allow_none=True, validate=validate.Length(max=10_000))
    visibility = Text(validate=validate.OneOf(VISIBILITIES))
    capacity = Integer(validate=validate.Range(min=1, max=10_000))
    price_member_pence = Integer(validate=PENCE)
    price_non_member_pence = Integer(validate=PENCE)
    booking_closes_at = AwareDateTime(allow_none=True)
    cancellation_deadline_days = Integer(validate=validate.Range(min=0, max=365))


class SessionOut(Schema):
    index = fields.Integer()
    starts_at = fields.DateTime()
    ends_at = fields.DateTime()
    venue = fields.String(allow_none=True)


class Course(Schema):
    id = fields.String()
    alliance_id = fields.String()
    region_id = fields.String()
    title = fields.String()
    programme = fields.String()
    area = fields.String()
    description = fields.String(allow_none=True)
    visibility = fields.String()
    capacity = fields.Integer()
    price_member_pence = fields.Integer()
    price_non_member_pence = fields.Integer()
    booking_closes_at = fields.DateTime(allow_none=True)
    cancellation_deadline_days = fields.Integer()
    status = fields.String()
    confirmed_count = fields.Integer()
    waitlist_count = fields.Integer()
    places_left = fields.Function(lambda c: max(0, c["capacity"] - c["confirmed_count"]))
    alliance_name = fields.String(allow_none=True, dump_default=None, metadata={
        "description": "the running alliance's name, when the courses service knows it"})
    your_price_pence = fields.Integer(allow_none=True, dump_default=None, metadata={
        "description": "for a school user: what a place costs their school (null for other roles)"})
    your_member_price = fields.Boolean(allow_none=True, dump_default=None, metadata={
        "description": "for a school user: whether their school pays the member price (null for other roles)"})
    starts_at = fields.DateTime()
    sessions = fields.List(fields.Nested(SessionOut))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class CourseFilters(Schema):
    programme = Text(load_default=None, validate=validate.OneOf(PROGRAMMES))
    area = Text(load_default=None, validate=validate.OneOf(AREAS))
    region_id = UUIDString(load_default=None)
    alliance_id = UUIDString(load_default=None)
    status = Text(load_default=None, validate=validate.OneOf(["published", "draft", "cancelled", "all"]), metadata={
        "description": "published (the default) lists what is offered to the caller; draft, cancelled and all "
                       "add only the courses the caller runs or oversees (its alliance's; a coordinator's region)"})
    q = Text(load_default=None, validate=validate.Length(max=100))


class Participant(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    email = Email(required=True, validate=validate.Length(max=254))
    role = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))


class BookingCreate(Schema):
    school_urn = Text(required=True, validate=URN)
    participant = fields.Nested(Participant, required=True)


class Booking(Schema):
    id = fields.String()
    course_id = fields.String()
    course_title = fields.String()
    course_starts_at = fields.DateTime(metadata={"description": "when the course's first session starts"})
    school_urn = fields.String()
    participant = fields.Function(lambda b: {"name": b["participant_name"], "email": b["participant_email"],
                                             "role": b["participant_role"]})
    status = fields.String()
    price_pence = fields.Integer()
    member_price = fields.Boolean()
    waitlist_position = fields.Integer(allow_none=True)
    fee_pence = fields.Integer(allow_none=True)
    cancellation_fee_pence = fields.Integer(allow_none=True, metadata={
        "description": "what cancelling now would cost; null when the booking cannot be cancelled"})
    free_cancellation_until = fields.DateTime(allow_none=True, metadata={
        "description": "until when cancelling a confirmed place is free; null when it cannot be cancelled"})
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    cancelled_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)


class BookingFilters(Schema):
    school_urn = Text(load_default=None, validate=URN)
    status = Text(load_default=None, validate=validate.OneOf(
        ["confirmed", "waitlisted", "cancelled", "completed"]))


class BookingCancel(Schema):
    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))


class Attendance(Schema):
    attended = fields.List(UUIDString(), required=True, validate=validate.Length(max=10_000))


class AttendanceResult(Schema):
    course_id = fields.String()
    session_index = fields.Integer()
    attended = fields.List(fields.String())
    completed = fields.List(fields.String())
