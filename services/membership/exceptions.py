"""Errors the membership service raises; the gateway maps them by their base."""
from services.chassis.errors import Conflict, Unauthorized


class SchoolAlreadyRegistered(Conflict):
    title = "School already registered"


class AlreadyActiveMember(Conflict):
    title = "Already an active member"


class DuplicateName(Conflict):
    title = "Name already taken"


class AlreadyDesignated(Conflict):
    title = "Already a system leader"


class EmailTaken(Conflict):
    title = "Email already in use"


class InvalidCredentials(Unauthorized):
    title = "Invalid email or password"
