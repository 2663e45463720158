"""The statuses of courses and bookings, and how each may change."""
from enum import StrEnum

from services.chassis.lifecycle import Lifecycle


class CourseStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


COURSE = Lifecycle({
    CourseStatus.DRAFT: {CourseStatus.PUBLISHED, CourseStatus.CANCELLED},
    CourseStatus.PUBLISHED: {CourseStatus.CANCELLED},
    CourseStatus.CANCELLED: set(),
})
BOOKING = Lifecycle({
    BookingStatus.WAITLISTED: {BookingStatus.CONFIRMED, BookingStatus.CANCELLED},
    BookingStatus.CONFIRMED: {BookingStatus.CANCELLED, BookingStatus.COMPLETED},
    BookingStatus.CANCELLED: set(),
    BookingStatus.COMPLETED: set(),
})
LIVE = (BookingStatus.CONFIRMED.value, BookingStatus.WAITLISTED.value)
