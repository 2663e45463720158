"""Marshmallow schemas of every notifications RPC input and output (and the gateway's OpenAPI)."""
from marshmallow import Schema, fields, validate

from services.chassis.fields import Text, UUIDString
from services.chassis.pagination import PageSchema

PREFERENCES = ("immediate", "daily_digest", "off")
WEBHOOK_EVENT_TYPES = (
    "course_published", "course_updated", "course_cancelled", "booking_confirmed", "booking_waitlisted",
    "booking_promoted", "booking_cancelled", "attendance_recorded", "course_completed",
    "referral_opened", "referral_shared", "referral_matched", "referral_escalated", "referral_reviewed",
    "referral_closed", "referral_withdrawn", "deployment_logged",
    "membership_requested", "membership_started", "membership_declined", "membership_changed",
    "membership_ended", "system_leader_designated", "system_leader_updated",
)


class Notification(Schema):
    id = fields.String()
    event_type = fields.String()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class FeedQuery(PageSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only unread notifications"})


class Feed(Schema):
    items = fields.List(fields.Nested(Notification))
    next_cursor = fields.String(allow_none=True)
    unread = fields.Integer(metadata={"description": "how many of the caller's notifications are unread"})


class ReadAll(Schema):
    marked = fields.Integer(metadata={"description": "how many were marked read"})
    unread = fields.Integer()


class Preferences(Schema):
    email = Text(required=True, validate=validate.OneOf(PREFERENCES),
                 metadata={"description": "immediate: as things happen (news merged over a few minutes); "
                                          "daily_digest: one summary a day; off: the in-app feed only"})


class WebhookCreate(Schema):
    alliance_id = UUIDString(required=True)
    url = Text(required=True, validate=validate.Length(min=1, max=2000))
    event_types = fields.List(Text(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)), required=True,
                              validate=validate.Length(min=1, max=len(WEBHOOK_EVENT_TYPES)))


class Webhook(Schema):
    id = fields.String()
    alliance_id = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    status = fields.String()
    created_at = fields.DateTime()
    failing_since = fields.DateTime(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    disabled_reason = fields.String(allow_none=True)


class WebhookCreated(Webhook):
    secret = fields.String(metadata={"description": "shown once: sign-checking key for X-Signature"})


class WebhookFilters(Schema):
    alliance_id = UUIDString(load_default=None)


class WebhookDelivery(Schema):
    id = fields.String()
    event_type = fields.String()
    event_id = fields.String()
    status = fields.String(metadata={"description": "pending (retrying), sent or failed"})
    attempts = fields.Integer()
    last_response_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
