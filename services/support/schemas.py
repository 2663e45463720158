"""Marshmallow schemas of every support RPC input and output (and the gateway's OpenAPI)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Date, Integer, QueryInteger, Text, UUIDString
from services.specialisms import SPECIALISMS
from services.support.lifecycle import OUTCOMES, PRIORITIES, RAGS, SOURCES, ReferralStatus

URN = validate.Regexp(r"^[0-9]{6}$", error="a URN is 6 digits")
NEED_AREAS = validate.Length(min=1, max=10)


def _distinct(values: list) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("each need area once")


class ReferralCreate(Schema):
    school_urn = Text(required=True, validate=URN)
    alliance_id = UUIDString(required=True)
    need_areas = fields.List(Text(validate=validate.OneOf(SPECIALISMS)), required=True,
                             validate=[NEED_AREAS, _distinct])
    priority = Text(required=True, validate=validate.OneOf(PRIORITIES))
    source = Text(load_default=None, validate=validate.OneOf(SOURCES))
    summary = Text(required=True, validate=validate.Length(min=1, max=5000))
    consent_to_share = fields.Boolean(load_default=False)
    consent_given_by = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    received_on = Date(load_default=None)

    @validates_schema
    def consent_has_a_giver(self, data: dict, **kwargs: object) -> None:
        if data.get("consent_given_by") and not data.get("consent_to_share"):
            raise ValidationError("only with consent_to_share: true", "consent_given_by")


class Consent(Schema):
    given_by = Text(required=True, validate=validate.Length(min=1, max=200))


class Assignment(Schema):
    system_leader_id = UUIDString(required=True)
    days = Integer(required=True, validate=validate.Range(min=1, max=195))


class Visit(Schema):
    visited_on = Date(required=True)
    days_used = Integer(required=True, validate=validate.Range(min=1, max=195))
    note = Text(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class ReviewCreate(Schema):
    rag = Text(required=True, validate=validate.OneOf(RAGS))
    note = Text(required=True, validate=validate.Length(min=1, max=5000))


class Closure(Schema):
    outcome = Text(required=True, validate=validate.OneOf(OUTCOMES))
    impact_summary = Text(load_default=None, allow_none=True, validate=validate.Length(max=5000))


class Withdrawal(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=1000))


class ReferralFilters(Schema):
    status = Text(load_default=None, validate=validate.OneOf([s.value for s in ReferralStatus]))
    alliance_id = UUIDString(load_default=None)
    region_id = UUIDString(load_default=None)
    school_urn = Text(load_default=None, validate=URN)
    priority = Text(load_default=None, validate=validate.OneOf(PRIORITIES))


class MatchOptions(Schema):
    limit = QueryInteger(load_default=20, validate=validate.Range(min=1, max=100))


class TimelineEntry(Schema):
    at = fields.DateTime()
    action = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    actor_id = fields.String()
    actor_role = fields.String()
    actor_alliance_id = fields.String(allow_none=True)
    detail = fields.Dict()


class VisitOut(Schema):
    id = fields.String()
    deployment_id = fields.String()
    visited_on = fields.Date()
    days_used = fields.Integer()
    note = fields.String(allow_none=True)
    logged_at = fields.DateTime()


class Deployment(Schema):
    id = fields.String()
    referral_id = fields.String()
    system_leader_id = fields.String()
    system_leader_name = fields.String(allow_none=True)
    leader_alliance_id = fields.String()
    cross_alliance = fields.Boolean()
    days = fields.Integer()
    days_used = fields.Integer()
    academic_year = fields.Integer()
    status = fields.String()
    assigned_at = fields.DateTime()


class Review(Schema):
    id = fields.String()
    referral_id = fields.String()
    rag = fields.String()
    note = fields.String()
    reviewed_by = fields.String()
    reviewed_at = fields.DateTime()


class Referral(Schema):
    id = fields.String()
    school_urn = fields.String()
    school_name = fields.String(allow_none=True)
    alliance_id = fields.String()
    region_id = fields.String()
    need_areas = fields.List(fields.String())
    priority = fields.String()
    source = fields.String()
    summary = fields.String()
    consent_to_share = fields.Boolean()
    consent_given_by = fields.String(allow_none=True)
    status = fields.String()
    received_on = fields.Date()
    match_due_on = fields.Date()
    overdue = fields.Boolean()
    escalated_at = fields.DateTime(allow_none=True)
    opened_at = fields.DateTime()
    shared_at = fields.DateTime(allow_none=True)
    matched_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    impact_summary = fields.String(allow_none=True)
    cross_alliance = fields.Boolean()
    deployments = fields.List(fields.Nested(Deployment))
    reviews = fields.List(fields.Nested(Review))
    visits = fields.List(fields.Nested(VisitOut))
    timeline = fields.List(fields.Nested(TimelineEntry))


class Candidate(Schema):
    system_leader = fields.Dict()
    score = fields.Float()
    reasons = fields.List(fields.String())


class Matches(Schema):
    referral_id = fields.String()
    items = fields.List(fields.Nested(Candidate))
    excluded = fields.List(fields.Nested(Candidate))


class Board(Schema):
    region_id = fields.String()
    as_of = fields.DateTime()
    by_alliance = fields.List(fields.Dict())
    cross_alliance_flows = fields.List(fields.Dict())
    median_days_to_match = fields.Float(allow_none=True)
    days_deployed = fields.List(fields.Dict())
    overdue = fields.List(fields.Dict())
