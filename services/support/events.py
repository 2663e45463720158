"""The events support publishes: its contracts with every consumer (see the AsyncAPI document).

A referral's summary is the school's own account of its difficulties: it
stays in this service and is never put on the bus.
"""
from marshmallow import Schema, fields

from services.chassis.event_contracts import EventCatalogue, EventContract
from services.chassis.transaction import Transaction

SOURCE = "support"


class ReferralV1(Schema):
    id = fields.String(required=True)
    school_urn = fields.String(required=True)
    school_name = fields.String(allow_none=True)
    alliance_id = fields.String(required=True)
    region_id = fields.String(required=True)
    need_areas = fields.List(fields.String(), required=True)
    priority = fields.String(required=True)
    source = fields.String(required=True)
    status = fields.String(required=True)
    consent_to_share = fields.Boolean(required=True)
    received_on = fields.Date(required=True)
    match_due_on = fields.Date(required=True)
    opened_at = fields.DateTime(required=True)
    outcome = fields.String(allow_none=True)


class DeploymentV1(Schema):
    id = fields.String(required=True)
    system_leader_id = fields.String(required=True)
    leader_alliance_id = fields.String(required=True)
    cross_alliance = fields.Boolean(required=True)
    days = fields.Integer(required=True)
    days_used = fields.Integer(required=True)
    academic_year = fields.Integer(required=True)


class ReferralMatchedV1(ReferralV1):
    deployment = fields.Nested(DeploymentV1, required=True)


class ReferralReviewedV1(ReferralV1):
    rag = fields.String(required=True)


class DeploymentLoggedV1(Schema):
    referral_id = fields.String(required=True)
    region_id = fields.String(required=True)
    alliance_id = fields.String(required=True)
    deployment = fields.Nested(DeploymentV1, required=True)
    visited_on = fields.Date(required=True)
    days_used = fields.Integer(required=True)


def _v1(event_type: str, schema: Schema, summary: str) -> EventContract:
    return EventContract(event_type, 1, schema, summary)


CATALOGUE = EventCatalogue(SOURCE, [
    _v1("referral_opened", ReferralV1(), "A school was referred for support to its home alliance"),
    _v1("referral_shared", ReferralV1(), "With the school's consent, a referral was shared with the region"),
    _v1("referral_matched", ReferralMatchedV1(), "A system leader was deployed (cross_alliance: of another alliance)"),
    _v1("referral_escalated", ReferralV1(), "A referral was not matched within its time limit"),
    _v1("referral_reviewed", ReferralReviewedV1(), "A review with a RAG rating was recorded"),
    _v1("referral_closed", ReferralV1(), "Support ended with an outcome"),
    _v1("referral_withdrawn", ReferralV1(), "A referral was withdrawn before it closed"),
    _v1("deployment_logged", DeploymentLoggedV1(), "A system leader's visit, with the days it used, was logged"),
])


def emit(tx: Transaction, event_type: str, record: dict, referral: dict) -> dict:
    return CATALOGUE.emit(tx, event_type, record, region_id=referral["region_id"],
                          alliance_id=referral["alliance_id"])
