"""Which event reaches whom, and how soon (pure: the README's routing table is this).

Each event type maps to routes: an audience (resolved to people by
audiences.py from the service's copies) and a kind. A kind is either
``immediate`` (what a person must know now about their own booking, referral
or membership: one email per event) or ``merged`` (news that can wait a few
minutes: every message of that kind to one person within the merge window
becomes one email). A person named by two routes of one event is told once,
by the first.
"""
from dataclasses import dataclass
from enum import Enum


class Timing(str, Enum):
    IMMEDIATE = "immediate"
    MERGED = "merged"
    DIGEST = "digest"


class Who(str, Enum):
    PARTICIPANT = "participant"  # the booking's participant, by email
    SCHOOL_USERS = "school_users"  # the school's active users
    ALLIANCE_USERS = "alliance_users"  # the alliance's admins and staff
    ALLIANCE_ADMINS = "alliance_admins"
    COORDINATORS = "coordinators"  # the region's coordinators
    REGION_ALLIANCE_USERS = "region_alliance_users"  # admins and staff of every alliance in the region
    LEADER = "leader"  # the deployed system leader, by email
    MEMBER_SCHOOLS = "member_schools"  # users of the alliance's active member schools
    REGION_MEMBER_SCHOOLS = "region_member_schools"  # users of every school a member in the region


@dataclass(frozen=True)
class Audience:
    who: Who
    key: str  # whose: an email, a URN, an alliance or region id, a leader id


@dataclass(frozen=True)
class Kind:
    name: str
    timing: Timing


BOOKING = Kind("booking", Timing.IMMEDIATE)  # to the participant: their own place
SCHOOL_BOOKINGS = Kind("school_bookings", Timing.MERGED)  # to the school office: its staff's bookings
COURSE_CANCELLED = Kind("course_cancelled", Timing.IMMEDIATE)
NEW_COURSES = Kind("new_courses", Timing.MERGED)
REFERRALS = Kind("referrals", Timing.MERGED)  # opened and shared: news for alliances and coordinators
REFERRAL_MATCHED = Kind("referral_matched", Timing.IMMEDIATE)
REFERRAL_ESCALATED = Kind("referral_escalated", Timing.IMMEDIATE)
MEMBERSHIP = Kind("membership", Timing.IMMEDIATE)
WEBHOOK_DISABLED = Kind("webhook_disabled", Timing.IMMEDIATE)

KINDS = {kind.name: kind for kind in (BOOKING, SCHOOL_BOOKINGS, COURSE_CANCELLED, NEW_COURSES, REFERRALS,
                                      REFERRAL_MATCHED, REFERRAL_ESCALATED, MEMBERSHIP, WEBHOOK_DISABLED)}


@dataclass(frozen=True)
class Route:
    audience: Audience
    kind: Kind


BOOKING_EVENTS = ("booking_confirmed", "booking_waitlisted", "booking_promoted", "booking_cancelled")
COURSE_EVENTS = ("course_published",)
REFERRAL_EVENTS = ("referral_opened", "referral_shared", "referral_matched", "referral_escalated")
MEMBERSHIP_EVENTS = ("membership_started", "membership_ended")
ROUTED = BOOKING_EVENTS + COURSE_EVENTS + REFERRAL_EVENTS + MEMBERSHIP_EVENTS


def routes_for(event_type: str, data: dict, previous_status: str | None = None) -> list[Route]:
    """Who hears of this event, most personal first; ``previous_status``: a membership's, before it."""
    if event_type in BOOKING_EVENTS:
        return _booking(event_type, data)
    if event_type == "course_published":  # to the member schools it is offered to
        if data["visibility"] == "alliance":
            return [Route(Audience(Who.MEMBER_SCHOOLS, data["alliance_id"]), NEW_COURSES)]
        return [Route(Audience(Who.REGION_MEMBER_SCHOOLS, data["region_id"]), NEW_COURSES)]
    if event_type in ("referral_opened", "referral_shared"):
        return _referral_news(event_type, data)
    if event_type == "referral_matched":
        return _referral_matched(data)
    if event_type == "referral_escalated":
        return [Route(Audience(Who.COORDINATORS, data["region_id"]), REFERRAL_ESCALATED)]
    if event_type in MEMBERSHIP_EVENTS:
        if event_type == "membership_ended" and previous_status == "pending":
            return []  # an invitation withdrawn before it was accepted: the school never joined
        return [Route(Audience(Who.SCHOOL_USERS, data["school_urn"]), MEMBERSHIP),
                Route(Audience(Who.ALLIANCE_ADMINS, data["alliance_id"]), MEMBERSHIP)]
    return []


def _booking(event_type: str, data: dict) -> list[Route]:
    if event_type == "booking_cancelled" and data.get("course_cancelled"):
        # One event per booking: the school's office hears of all its bookings on the course in one email.
        return [Route(Audience(Who.PARTICIPANT, data["participant"]["email"]), COURSE_CANCELLED),
                Route(Audience(Who.SCHOOL_USERS, data["school_urn"]), SCHOOL_BOOKINGS)]
    return [Route(Audience(Who.PARTICIPANT, data["participant"]["email"]), BOOKING),
            Route(Audience(Who.SCHOOL_USERS, data["school_urn"]), SCHOOL_BOOKINGS)]


def _referral_news(event_type: str, data: dict) -> list[Route]:
    alliance = (Route(Audience(Who.REGION_ALLIANCE_USERS, data["region_id"]), REFERRALS)
                if event_type == "referral_shared" else
                Route(Audience(Who.ALLIANCE_USERS, data["alliance_id"]), REFERRALS))
    return [alliance, Route(Audience(Who.COORDINATORS, data["region_id"]), REFERRALS)]


def _referral_matched(data: dict) -> list[Route]:
    deployment = data["deployment"]
    routes = [Route(Audience(Who.LEADER, deployment["system_leader_id"]), REFERRAL_MATCHED),
              Route(Audience(Who.SCHOOL_USERS, data["school_urn"]), REFERRAL_MATCHED),
              Route(Audience(Who.ALLIANCE_USERS, data["alliance_id"]), REFERRAL_MATCHED)]
    if deployment["leader_alliance_id"] != data["alliance_id"]:
        routes.append(Route(Audience(Who.ALLIANCE_USERS, deployment["leader_alliance_id"]), REFERRAL_MATCHED))
    return routes


def email_timing(kind: Kind, preference: str | None) -> Timing | None:
    """When a person hears by email: their preference over the kind's own; None for no email.

    Someone without an account (a participant, a system leader) has no
    preference and is told as the kind says."""
    if preference == "off":
        return None
    if preference == "daily_digest":
        return Timing.DIGEST
    return kind.timing
