"""The events membership publishes, each with the schema of its ``data``."""
from marshmallow import Schema

from services.chassis import outbox
from services.chassis.database import Transaction
from services.membership import schemas

SOURCE = "membership"

EVENT_SCHEMAS: dict[str, Schema] = {
    "region_created": schemas.Region(),
    "alliance_created": schemas.Alliance(),
    "alliance_updated": schemas.Alliance(),
    "school_registered": schemas.School(),
    "school_updated": schemas.School(),
    "membership_requested": schemas.Membership(),
    "membership_started": schemas.Membership(),
    "membership_declined": schemas.Membership(),
    "membership_changed": schemas.Membership(),
    "membership_ended": schemas.Membership(),
    "system_leader_designated": schemas.SystemLeader(),
    "system_leader_updated": schemas.SystemLeader(),
    "user_created": schemas.User(),
    "user_updated": schemas.User(),
}


def emit(tx: Transaction, event_type: str, record: dict, *,
         region_id: str | None = None, alliance_id: str | None = None) -> dict:
    """Write ``event_type`` with ``record`` shaped by its schema into the outbox."""
    data = EVENT_SCHEMAS[event_type].dump(record)
    return outbox.add(tx, SOURCE, event_type, data, region_id=region_id, alliance_id=alliance_id)
