"""The one event envelope every service publishes and consumes."""
import uuid
from datetime import datetime, timezone

from marshmallow import RAISE, Schema, fields


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True)
    source = fields.String(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    schema_version = fields.Integer(required=True)
    correlation_id = fields.String(required=True, allow_none=True)
    region_id = fields.String(required=True, allow_none=True)
    alliance_id = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)


def make_envelope(
    source: str,
    event_type: str,
    data: dict,
    *,
    correlation_id: str | None = None,
    region_id: str | None = None,
    alliance_id: str | None = None,
    schema_version: int = 1,
) -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "source": source,
        "occurred_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "schema_version": schema_version,
        "correlation_id": correlation_id,
        "region_id": region_id,
        "alliance_id": alliance_id,
        "data": data,
    }
