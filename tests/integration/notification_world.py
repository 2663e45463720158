"""A small world as notifications sees it, and events shaped as their publishers send them.

Affinity (a teaching school alliance) and LeTS (a hub) in one region; school
110002 is a member of Affinity, with two users; Affinity has an admin. Every
envelope here passes its publisher's contract, as the service checks it.
"""
import uuid
from datetime import date, datetime, timedelta, timezone

from services.chassis.envelope import make_envelope
from services.chassis.event_contracts import EventCatalogue
from services.chassis.transaction import Transaction
from services.courses import events as courses_events
from services.membership import events as membership_events
from services.notifications import copies

REGION = "10000000-0000-4000-8000-000000000001"
AFFINITY = "20000000-0000-4000-8000-000000000001"
LETS = "20000000-0000-4000-8000-000000000002"
SCHOOL = "110002"
OFFICE = "30000000-0000-4000-8000-000000000001"
HEAD = "30000000-0000-4000-8000-000000000002"
AFFINITY_ADMIN = "30000000-0000-4000-8000-000000000003"
PARTICIPANT = "sam.patel@elsewhere.test"  # booked on courses, no account
NAMES = {AFFINITY: "Affinity", LETS: "LeTS"}


def published(catalogue: EventCatalogue, event_type: str, record: dict, alliance_id: str | None = None) -> dict:
    """The envelope the publisher would send: ``record`` dumped through its contract, and checked."""
    data = catalogue.newest[event_type].schema.dump(record)
    envelope = make_envelope(catalogue.source, event_type, data, region_id=REGION, alliance_id=alliance_id)
    refused = catalogue.why_refused(envelope)
    assert refused is None, refused
    return envelope


def membership_event(event_type: str, record: dict, alliance_id: str | None = None) -> dict:
    return published(membership_events.CATALOGUE, event_type, record, alliance_id)


def user_created(user_id: str, email: str, role: str, **scope: str) -> dict:
    return membership_event("user_created", {
        "id": user_id, "email": email, "name": email.split("@")[0].title(), "role": role,
        "region_id": scope.get("region_id"), "alliance_id": scope.get("alliance_id"),
        "school_urn": scope.get("school_urn"), "deactivated_at": None})


def alliance_created(alliance_id: str, kind: str) -> dict:
    return membership_event("alliance_created", {
        "id": alliance_id, "region_id": REGION, "name": NAMES[alliance_id], "kind": kind,
        "lead_school_urn": None}, alliance_id)


def membership(event_type: str, alliance_id: str, urn: str, status: str) -> dict:
    return membership_event(event_type, {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{alliance_id}/{urn}")), "alliance_id": alliance_id,
        "region_id": REGION, "school_urn": urn, "school_name": "Forest Way School", "tier": "partner",
        "status": status, "requested_by": "alliance", "joined_on": date(2026, 1, 5), "ended_on": None,
        "mou_signed_on": None, "mou_version": None}, alliance_id)


def world_events() -> list[dict]:
    """Membership's events that tell notifications of this world, in the order they happened."""
    return [alliance_created(AFFINITY, "teaching_school_alliance"), alliance_created(LETS, "teaching_school_hub"),
            membership("membership_started", AFFINITY, SCHOOL, "active"),
            user_created(OFFICE, "office@forestway.test", "school_user", school_urn=SCHOOL),
            user_created(HEAD, "head@forestway.test", "school_user", school_urn=SCHOOL),
            user_created(AFFINITY_ADMIN, "admin@affinity.test", "alliance_admin", alliance_id=AFFINITY)]


def keep(tx: Transaction, envelope: dict) -> None:
    """What the service's membership handlers keep of ``envelope``."""
    keeper = {"alliance_created": copies.keep_alliance, "user_created": copies.keep_user}.get(
        envelope["event_type"], copies.keep_membership)
    keeper(tx, envelope)


def course_published(alliance_id: str, title: str, visibility: str = "region") -> dict:
    starts = datetime(2026, 6, 10, 9, tzinfo=timezone.utc)
    return published(courses_events.CATALOGUE, "course_published", {
        "id": str(uuid.uuid4()), "alliance_id": alliance_id, "region_id": REGION, "title": title,
        "programme": "middle_leadership", "area": "leadership_development", "visibility": visibility,
        "capacity": 30, "price_member_pence": 15000, "price_non_member_pence": 25000, "booking_closes_at": None,
        "cancellation_deadline_days": 14, "status": "published", "confirmed_count": 0, "waitlist_count": 0,
        "starts_at": starts,
        "sessions": [{"index": 0, "starts_at": starts, "ends_at": starts + timedelta(hours=6), "venue": "Forest Way"}],
    }, alliance_id)


def booking(event_type: str, course_title: str, status: str, email: str = PARTICIPANT,
            alliance_id: str = AFFINITY, **more: object) -> dict:
    return published(courses_events.CATALOGUE, event_type, {
        "id": str(uuid.uuid4()), "course_id": str(uuid.uuid4()), "course_title": course_title,
        "alliance_id": alliance_id, "region_id": REGION, "school_urn": SCHOOL, "school_name": "Forest Way School",
        "participant_name": "Sam Patel", "participant_email": email, "participant_role": None, "status": status,
        "price_pence": 15000, "member_price": True, "waitlist_position": None, "fee_pence": None,
        "cancel_reason": None, **more}, alliance_id)
