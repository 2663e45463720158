"""Errors the courses service raises; the gateway maps them by their base."""
from services.chassis.errors import Conflict


class NotOpenForBooking(Conflict):
    title = "Not open for booking"


class AlreadyBooked(Conflict):
    title = "The participant already holds a place"


class CapacityBelowConfirmed(Conflict):
    title = "Capacity below the confirmed bookings"


class WrongCourseState(Conflict):
    title = "Not possible in the course's current state"


class AlreadyCancelled(Conflict):
    title = "Already cancelled"
