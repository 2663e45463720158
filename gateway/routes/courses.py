"""Courses, bookings and attendance."""
from gateway.http import Call, path_integer, route
from services.courses import schemas

TAG = "Courses and bookings"


class CoursesRoutes:
    @route("POST", "/api/v1/courses", "Draft a course (the alliance's staff)", TAG,
           body=schemas.CourseCreate, response=schemas.Course, status=201, idempotent=True)
    def create_course(self, call: Call) -> dict:
        return self.rpc.courses.create_course(call.caller, call.body, call.idempotency_key)

    @route("GET", "/api/v1/courses",
           "Published courses offered to the caller; with status, also the drafts and cancelled courses "
           "the caller runs or oversees", TAG,
           response=schemas.Course, query=schemas.CourseFilters, paginated=True)
    def list_courses(self, call: Call) -> dict:
        return self.rpc.courses.list_courses(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/courses/{course_id}", "One course, with places_left", TAG,
           response=schemas.Course)
    def get_course(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.get_course(call.caller, course_id)

    @route("PATCH", "/api/v1/courses/{course_id}",
           "Edit a course; a bigger capacity promotes the waitlist", TAG,
           body=schemas.CourseUpdate, response=schemas.Course)
    def update_course(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.update_course(call.caller, course_id, call.body)

    @route("POST", "/api/v1/courses/{course_id}/publish", "Publish a draft", TAG, response=schemas.Course)
    def publish_course(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.publish_course(call.caller, course_id)

    @route("POST", "/api/v1/courses/{course_id}/cancel",
           "Cancel a course and every booking on it, with no fee", TAG, response=schemas.Course)
    def cancel_course(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.cancel_course(call.caller, course_id)

    @route("POST", "/api/v1/courses/{course_id}/bookings",
           "Book a place: confirmed while places remain, else waitlisted", TAG,
           body=schemas.BookingCreate, response=schemas.Booking, status=201, idempotent=True)
    def book(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.book(call.caller, course_id, call.body, call.idempotency_key)

    @route("GET", "/api/v1/courses/{course_id}/bookings", "The bookings on a course", TAG,
           response=schemas.Booking, query=schemas.BookingFilters, paginated=True)
    def list_course_bookings(self, call: Call, course_id: str) -> dict:
        return self.rpc.courses.list_course_bookings(call.caller, course_id, call.filters, call.page)

    @route("GET", "/api/v1/bookings", "Bookings the caller may see", TAG,
           response=schemas.Booking, query=schemas.BookingFilters, paginated=True)
    def list_bookings(self, call: Call) -> dict:
        return self.rpc.courses.list_bookings(call.caller, call.filters, call.page)

    @route("GET", "/api/v1/bookings/{booking_id}", "One booking", TAG, response=schemas.Booking)
    def get_booking(self, call: Call, booking_id: str) -> dict:
        return self.rpc.courses.get_booking(call.caller, booking_id)

    @route("POST", "/api/v1/bookings/{booking_id}/cancel",
           "Cancel a booking; the first waitlisted booking takes the place", TAG,
           body=schemas.BookingCancel, body_required=False, response=schemas.Booking)
    def cancel_booking(self, call: Call, booking_id: str) -> dict:
        return self.rpc.courses.cancel_booking(call.caller, booking_id, call.body)

    @route("POST", "/api/v1/courses/{course_id}/sessions/{index}/attendance",
           "Record who attended a session", TAG,
           body=schemas.Attendance, response=schemas.AttendanceResult)
    def record_attendance(self, call: Call, course_id: str, index: str) -> dict:
        session = path_integer(index, "session")
        return self.rpc.courses.record_attendance(call.caller, course_id, session, call.body)
