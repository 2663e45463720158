"""The courses service: entrypoints and dependencies only."""
from services.chassis.database import Database
from services.chassis.entrypoints import rpc
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from services.chassis.request_pipeline import act, change, read
from services.chassis.validation import load
from services.courses import attendance, bookings, catalogue, copies, schemas
from services.membership import events as membership_events


class CoursesService(ServiceOperations):
    name = "courses"

    db = Database()

    @rpc
    def create_course(self, scope, data, idempotency_key=None):
        return change(self.db, scope, schemas.CourseCreate(), data,
                      catalogue.create_course, idempotency_key, "create_course")

    @rpc
    def update_course(self, scope, course_id, data):
        return change(self.db, scope, schemas.CourseUpdate(), data,
                      lambda tx, caller, changes: catalogue.update(tx, caller, course_id, changes))

    @rpc
    def publish_course(self, scope, course_id):
        return act(self.db, scope, lambda tx, caller: catalogue.publish(tx, caller, course_id))

    @rpc
    def cancel_course(self, scope, course_id):
        return act(self.db, scope, lambda tx, caller: catalogue.cancel(tx, caller, course_id))

    @rpc
    def get_course(self, scope, course_id):
        return read(self.db, scope, lambda tx, caller: catalogue.get_course(tx, caller, course_id))

    @rpc
    def list_courses(self, scope, filters=None, page=None):
        wanted = load(schemas.CourseFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: catalogue.list_courses(tx, caller, wanted, page))

    @rpc
    def book(self, scope, course_id, data, idempotency_key=None):
        return change(self.db, scope, schemas.BookingCreate(), data,
                      lambda tx, caller, payload: bookings.book(tx, caller, course_id, payload),
                      idempotency_key, f"book:{course_id}")

    @rpc
    def cancel_booking(self, scope, booking_id, data=None):
        body = {} if data is None else data  # a body of [] or null is refused, not taken as none
        return change(self.db, scope, schemas.BookingCancel(), body,
                      lambda tx, caller, payload: bookings.cancel_booking(tx, caller, booking_id, payload))

    @rpc
    def get_booking(self, scope, booking_id):
        return read(self.db, scope, lambda tx, caller: bookings.get_booking(tx, caller, booking_id))

    @rpc
    def list_bookings(self, scope, filters=None, page=None):
        wanted = load(schemas.BookingFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: bookings.list_bookings(tx, caller, wanted, page))

    @rpc
    def list_course_bookings(self, scope, course_id, filters=None, page=None):
        wanted = load(schemas.BookingFilters(), filters or {})
        return read(self.db, scope, lambda tx, caller: bookings.list_course_bookings(
            tx, caller, course_id, wanted, page))

    @rpc
    def record_attendance(self, scope, course_id, session_index, data):
        return change(self.db, scope, schemas.Attendance(), data,
                      lambda tx, caller, payload: attendance.record(
                                tx, caller, course_id, int(session_index), payload))

    @idempotent_handler(membership_events.CATALOGUE, ["alliance_created", "alliance_updated"])
    def on_alliance(self, tx, envelope):
        copies.keep_alliance(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE, ["school_registered", "school_updated"])
    def on_school(self, tx, envelope):
        copies.keep_school(tx, envelope)

    @idempotent_handler(membership_events.CATALOGUE,
                        ["membership_started", "membership_changed", "membership_ended"])
    def on_membership(self, tx, envelope):
        copies.keep_membership(tx, envelope)
