"""The courses service: entrypoints and dependencies only."""
from typing import Callable

from marshmallow import Schema

from services.chassis.database import Database, Transaction
from services.chassis.entrypoints import rpc
from services.chassis.idempotency import run_once
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from services.chassis.scope import CallerScope, Role
from services.chassis.validation import load
from services.courses import attendance, bookings, catalogue, copies, schemas


class CoursesService(ServiceOperations):
    name = "courses"

    db = Database()

    def _change(self, scope: dict, roles: tuple[Role, ...], schema: Schema, data: dict,
                change: Callable[[Transaction, CallerScope, dict], dict],
                key: str | None = None, operation: str = "") -> dict:
        """Check the role, then the body, then make the change (once per idempotency key)."""
        caller = CallerScope.from_dict(scope)
        caller.require(*roles)
        payload = load(schema, data)
        with self.db.transaction() as tx:
            return run_once(tx, caller.user_id, key, operation, payload,
                            lambda: change(tx, caller, payload))

    def _read(self, scope: dict, read: Callable[[Transaction, CallerScope], dict]) -> dict:
        caller = CallerScope.from_dict(scope)
        with self.db.transaction() as tx:
            return read(tx, caller)

    @rpc
    def create_course(self, scope, data, idempotency_key=None):
        return self._change(scope, catalogue.MANAGERS, schemas.CourseCreate(), data,
                            catalogue.create_course, idempotency_key, "create_course")

    @rpc
    def update_course(self, scope, course_id, data):
        return self._change(scope, catalogue.MANAGERS, schemas.CourseUpdate(), data,
                            lambda tx, caller, changes: catalogue.update(tx, caller, course_id, changes))

    @rpc
    def publish_course(self, scope, course_id):
        return self._read(scope, lambda tx, caller: catalogue.publish(tx, caller, course_id))

    @rpc
    def cancel_course(self, scope, course_id):
        return self._read(scope, lambda tx, caller: catalogue.cancel(tx, caller, course_id))

    @rpc
    def get_course(self, scope, course_id):
        return self._read(scope, lambda tx, caller: catalogue.get_course(tx, caller, course_id))

    @rpc
    def list_courses(self, scope, filters=None, page=None):
        wanted = load(schemas.CourseFilters(), filters or {})
        return self._read(scope, lambda tx, caller: catalogue.list_courses(tx, caller, wanted, page))

    @rpc
    def book(self, scope, course_id, data, idempotency_key=None):
        return self._change(scope, bookings.BOOKERS, schemas.BookingCreate(), data,
                            lambda tx, caller, payload: bookings.book(tx, caller, course_id, payload),
                            idempotency_key, f"book:{course_id}")

    @rpc
    def cancel_booking(self, scope, booking_id, data=None):
        return self._change(scope, bookings.BOOKERS, schemas.BookingCancel(), data or {},
                            lambda tx, caller, payload: bookings.cancel_booking(tx, caller, booking_id, payload))

    @rpc
    def get_booking(self, scope, booking_id):
        return self._read(scope, lambda tx, caller: bookings.get_booking(tx, caller, booking_id))

    @rpc
    def list_bookings(self, scope, filters=None, page=None):
        wanted = load(schemas.BookingFilters(), filters or {})
        return self._read(scope, lambda tx, caller: bookings.list_bookings(tx, caller, wanted, page))

    @rpc
    def list_course_bookings(self, scope, course_id, filters=None, page=None):
        wanted = load(schemas.BookingFilters(), filters or {})
        return self._read(scope, lambda tx, caller: bookings.list_course_bookings(
            tx, caller, course_id, wanted, page))

    @rpc
    def record_attendance(self, scope, course_id, session_index, data):
        return self._change(scope, catalogue.MANAGERS, schemas.Attendance(), data,
                            lambda tx, caller, payload: attendance.record(
                                tx, caller, course_id, int(session_index), payload))

    @idempotent_handler("membership", "alliance_created")
    def on_alliance_created(self, tx, envelope):
        copies.keep_alliance(tx, envelope)

    @idempotent_handler("membership", "alliance_updated")
    def on_alliance_updated(self, tx, envelope):
        copies.keep_alliance(tx, envelope)

    @idempotent_handler("membership", "school_registered")
    def on_school_registered(self, tx, envelope):
        copies.keep_school(tx, envelope)

    @idempotent_handler("membership", "school_updated")
    def on_school_updated(self, tx, envelope):
        copies.keep_school(tx, envelope)

    @idempotent_handler("membership", "membership_started")
    def on_membership_started(self, tx, envelope):
        copies.keep_membership(tx, envelope)

    @idempotent_handler("membership", "membership_changed")
    def on_membership_changed(self, tx, envelope):
        copies.keep_membership(tx, envelope)

    @idempotent_handler("membership", "membership_ended")
    def on_membership_ended(self, tx, envelope):
        copies.keep_membership(tx, envelope)
