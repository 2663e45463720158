"""Marshmallow schemas of every membership RPC input and output.

The gateway uses the same schemas for its OpenAPI document.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.chassis.fields import Date, Email, Integer, Text, UUIDString
from services.membership.consent import MembershipStatus
from services.specialisms import PHASES, SPECIALISMS

URN = validate.Regexp(r"^[0-9]{6}$", error="a URN is 6 digits")
NAME = validate.Length(min=1, max=200)

ALLIANCE_KINDS = {
    "teaching_school_alliance": "Teaching school alliance",
    "teaching_school_hub": "Teaching school hub",
}
TIERS = ["lead", "strategic_partner", "partner", "associate"]
MEMBERSHIP_STATUSES = [status.value for status in MembershipStatus]
SCHOOL_STATUSES = ["open", "closed"]  # as Get Information About Schools has them
POSTCODE = validate.Regexp(r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$", error="not a UK postcode")
DESIGNATIONS = ["NLE", "LLE", "SLE"]
SYSTEM_LEADER_STATUSES = ["active", "inactive"]
ROLES = ["platform_admin", "regional_coordinator", "alliance_admin", "alliance_staff", "school_user"]


class RegionCreate(Schema):
    name = Text(required=True, validate=NAME)
    code = Text(required=True, validate=validate.Regexp(
        r"^[A-Z][A-Z0-9_-]{1,15}$", error="2 to 16 capital letters, digits, - or _"))


class Region(Schema):
    id = fields.String()
    name = fields.String()
    code = fields.String()
    created_at = fields.DateTime()


class AllianceCreate(Schema):
    name = Text(required=True, validate=NAME)
    region_id = UUIDString(required=True)
    kind = Text(required=True, validate=validate.OneOf(list(ALLIANCE_KINDS)))
    lead_school_urn = Text(load_default=None, allow_none=True, validate=URN)


class AllianceUpdate(Schema):
    name = Text(validate=NAME)
    kind = Text(validate=validate.OneOf(list(ALLIANCE_KINDS)))
    lead_school_urn = Text(allow_none=True, validate=URN)


class Alliance(Schema):
    id = fields.String()
    name = fields.String()
    region_id = fields.String()
    kind = fields.String()
    kind_label = fields.Function(lambda row: ALLIANCE_KINDS.get(row["kind"]))
    lead_school_urn = fields.String(allow_none=True)
    created_at = fields.DateTime()


class SchoolCreate(Schema):
    urn = Text(required=True, validate=URN)
    name = Text(required=True, validate=NAME)
    local_authority = Text(required=True, validate=validate.Length(min=1, max=100))
    phase = Text(required=True, validate=validate.OneOf(PHASES))
    school_type = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))
    trust = Text(load_default=None, allow_none=True, validate=validate.Length(min=1, max=200))
    postcode = Text(load_default=None, allow_none=True, validate=POSTCODE)


class SchoolUpdate(Schema):
    name = Text(validate=NAME)
    local_authority = Text(validate=validate.Length(min=1, max=100))
    phase = Text(validate=validate.OneOf(PHASES))
    school_type = Text(allow_none=True, validate=validate.Length(max=100))
    trust = Text(allow_none=True, validate=validate.Length(min=1, max=200))
    postcode = Text(allow_none=True, validate=POSTCODE)
    status = Text(validate=validate.OneOf(SCHOOL_STATUSES))


class School(Schema):
    urn = fields.String()
    name = fields.String()
    local_authority = fields.String()
    phase = fields.String()
    school_type = fields.String(allow_none=True)
    trust = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()


class SchoolFilters(Schema):
    q = Text(load_default=None, validate=validate.Length(max=100))
    local_authority = Text(load_default=None, validate=validate.Length(max=100))


class MembershipCreate(Schema):
    school_urn = Text(required=True, validate=URN)
    tier = Text(required=True, validate=validate.OneOf(TIERS))
    mou_signed_on = Date(load_default=None, allow_none=True)
    mou_version = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    subscription_pence = Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    paid_until = Date(load_default=None, allow_none=True)


class MembershipUpdate(Schema):
    tier = Text(required=True, validate=validate.OneOf(TIERS))


class Membership(Schema):
    id = fields.String()
    alliance_id = fields.String()
    region_id = fields.String()
    school_urn = fields.String()
    school_name = fields.String()
    tier = fields.String()
    status = fields.String()
    requested_by = fields.String()
    accepted_at = fields.DateTime(allow_none=True)
    joined_on = fields.Date()
    ended_on = fields.Date(allow_none=True)
    mou_signed_on = fields.Date(allow_none=True)
    mou_version = fields.String(allow_none=True)
    subscription_pence = fields.Integer(allow_none=True)
    paid_until = fields.Date(allow_none=True)


class SystemLeaderCreate(Schema):
    name = Text(required=True, validate=NAME)
    email = Email(required=True, validate=validate.Length(max=254))
    designation = Text(required=True, validate=validate.OneOf(DESIGNATIONS))
    school_urn = Text(required=True, validate=URN)
    alliance_id = UUIDString(required=True)
    specialisms = fields.List(Text(validate=validate.OneOf(SPECIALISMS)), required=True,
                              validate=validate.Length(min=1, max=20))
    phases = fields.List(Text(validate=validate.OneOf(PHASES)), load_default=list)
    days_available = Integer(required=True, validate=validate.Range(min=0, max=195))


class SystemLeaderUpdate(Schema):
    name = Text(validate=NAME)
    specialisms = fields.List(Text(validate=validate.OneOf(SPECIALISMS)), validate=validate.Length(min=1, max=20))
    phases = fields.List(Text(validate=validate.OneOf(PHASES)))
    days_available = Integer(validate=validate.Range(min=0, max=195))
    status = Text(validate=validate.OneOf(SYSTEM_LEADER_STATUSES))

    @validates_schema
    def changes_something(self, data: dict, **kwargs: object) -> None:
        if not data:
            raise ValidationError("nothing to change: give at least one field")


class SystemLeader(Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    designation = fields.String()
    school_urn = fields.String()
    trust = fields.String(allow_none=True)
    alliance_id = fields.String()
    region_id = fields.String()
    specialisms = fields.List(fields.String())
    phases = fields.List(fields.String())
    days_available = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime()


class SystemLeaderFilters(Schema):
    region_id = UUIDString(load_default=None)
    alliance_id = UUIDString(load_default=None)
    specialism = Text(load_default=None, validate=validate.OneOf(SPECIALISMS))


class AllianceFilters(Schema):
    region_id = UUIDString(load_default=None)


class UserCreate(Schema):
    email = Email(required=True, validate=validate.Length(max=254))
    name = Text(required=True, validate=NAME)
    role = Text(required=True, validate=validate.OneOf(ROLES))
    password = Text(required=True, load_only=True, validate=validate.Length(min=12, max=256))
    region_id = UUIDString(load_default=None, allow_none=True)
    alliance_id = UUIDString(load_default=None, allow_none=True)
    school_urn = Text(load_default=None, allow_none=True, validate=URN)


class User(Schema):
    id = fields.String()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    region_id = fields.String(allow_none=True)
    alliance_id = fields.String(allow_none=True)
    school_urn = fields.String(allow_none=True)
    created_at = fields.DateTime()
    deactivated_at = fields.DateTime(allow_none=True)
    active = fields.Function(lambda user: user.get("deactivated_at") is None, dump_only=True)


class UserFilters(Schema):
    role = Text(load_default=None, validate=validate.OneOf(ROLES))
    active = fields.Boolean(load_default=None)


class Credentials(Schema):
    email = Text(required=True, validate=validate.Length(min=1, max=254))
    password = Text(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class MemberFilters(Schema):
    status = Text(load_default=None, validate=validate.OneOf(MEMBERSHIP_STATUSES))
    tier = Text(load_default=None, validate=validate.OneOf(TIERS))
