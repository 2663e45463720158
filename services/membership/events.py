"""The events membership publishes: its contracts with every consumer (see the AsyncAPI document).

These schemas are the events' own, apart from the HTTP schemas in schemas.py:
a field added here is a compatible change; a field removed, renamed or
retyped is a new version beside this one.
"""
from marshmallow import Schema, fields, pre_dump

from services.chassis.event_contracts import EventCatalogue, EventContract
from services.chassis.transaction import Transaction

SOURCE = "membership"
KIND_LABELS = {"teaching_school_alliance": "Teaching school alliance",
               "teaching_school_hub": "Teaching school hub"}


class RegionV1(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True)


class AllianceV1(Schema):
    id = fields.String(required=True)
    region_id = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String()
    lead_school_urn = fields.String(allow_none=True)

    @pre_dump
    def label(self, alliance: dict, **kwargs: object) -> dict:
        return {**alliance, "kind_label": KIND_LABELS.get(alliance["kind"])}


class SchoolV1(Schema):
    urn = fields.String(required=True)
    name = fields.String(required=True)
    local_authority = fields.String(required=True)
    phase = fields.String(required=True)
    school_type = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    status = fields.String()


class MembershipV1(Schema):
    id = fields.String(required=True)
    alliance_id = fields.String(required=True)
    region_id = fields.String(required=True)
    school_urn = fields.String(required=True)
    school_name = fields.String()
    tier = fields.String(required=True)
    status = fields.String(required=True)
    requested_by = fields.String()
    joined_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    mou_signed_on = fields.Date(allow_none=True)
    mou_version = fields.String(allow_none=True)


class SystemLeaderV1(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    designation = fields.String(required=True)
    school_urn = fields.String(required=True)
    trust = fields.String(allow_none=True)
    alliance_id = fields.String(required=True)
    region_id = fields.String(required=True)
    specialisms = fields.List(fields.String(), required=True)
    phases = fields.List(fields.String())
    days_available = fields.Integer(required=True)
    status = fields.String()


class UserV1(Schema):
    id = fields.String(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True)
    region_id = fields.String(allow_none=True)
    alliance_id = fields.String(allow_none=True)
    school_urn = fields.String(allow_none=True)
    deactivated_at = fields.DateTime(allow_none=True)
    active = fields.Boolean()

    @pre_dump
    def activity(self, user: dict, **kwargs: object) -> dict:
        return {**user, "active": user.get("deactivated_at") is None}


def _v1(event_type: str, schema: Schema, summary: str) -> EventContract:
    return EventContract(event_type, 1, schema, summary)


CATALOGUE = EventCatalogue(SOURCE, [
    _v1("region_created", RegionV1(), "A region (a partnership of alliances) was created"),
    _v1("alliance_created", AllianceV1(), "An alliance or hub was created in a region"),
    _v1("alliance_updated", AllianceV1(), "An alliance's name, kind or lead school changed"),
    _v1("school_registered", SchoolV1(), "A school was added to the register by its URN"),
    _v1("school_updated", SchoolV1(), "A school's register entry changed (open or closed included)"),
    _v1("membership_requested", MembershipV1(), "An alliance invited a school, or a school asked to join"),
    _v1("membership_started", MembershipV1(), "A membership became active (accepted, or added by the region)"),
    _v1("membership_declined", MembershipV1(), "A pending membership was declined"),
    _v1("membership_changed", MembershipV1(), "A member's tier changed"),
    _v1("membership_ended", MembershipV1(), "A membership ended, or a pending one was withdrawn"),
    _v1("system_leader_designated", SystemLeaderV1(), "A person was designated NLE, LLE or SLE"),
    _v1("system_leader_updated", SystemLeaderV1(), "A system leader's details changed (active or inactive included)"),
    _v1("user_created", UserV1(), "A user account was created"),
    _v1("user_updated", UserV1(), "A user account changed (deactivated included)"),
])


def emit(tx: Transaction, event_type: str, record: dict, *,
         region_id: str | None = None, alliance_id: str | None = None) -> dict:
    """Write ``event_type`` with ``record`` shaped by its contract into the outbox."""
    return CATALOGUE.emit(tx, event_type, record, region_id=region_id, alliance_id=alliance_id)
