"""The events notifications publishes: its contracts with every consumer (see the AsyncAPI document).

No event carries an email address: a failed email names its channel, not its recipient.
"""
from marshmallow import Schema, fields

from services.chassis.event_contracts import EventCatalogue, EventContract
from services.chassis.transaction import Transaction

SOURCE = "notifications"


class NotificationFailedV1(Schema):
    delivery_id = fields.String(required=True)
    channel = fields.String(required=True)
    webhook_id = fields.String(allow_none=True)
    alliance_id = fields.String(allow_none=True)
    event_type = fields.String(allow_none=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    last_response_code = fields.Integer(allow_none=True)


class WebhookDisabledV1(Schema):
    webhook_id = fields.String(required=True)
    alliance_id = fields.String(required=True)
    failing_since = fields.DateTime(required=True)
    reason = fields.String(required=True)


CATALOGUE = EventCatalogue(SOURCE, [
    EventContract("notification_failed", 1, NotificationFailedV1(),
                  "An email or webhook delivery was given up after its last attempt"),
    EventContract("webhook_disabled", 1, WebhookDisabledV1(),
                  "A webhook that failed for a day was disabled; its alliance's admins were told"),
])


def emit(tx: Transaction, event_type: str, record: dict, alliance_id: str | None = None) -> dict:
    return CATALOGUE.emit(tx, event_type, record, alliance_id=alliance_id)
