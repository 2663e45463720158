"""Notifications' own copies of membership data, kept from membership's events (the newest event wins)."""
import sqlalchemy as sa

from services.chassis.copies import keep_newest
from services.chassis.transaction import Transaction
from services.notifications.models import alliances, memberships, system_leaders, users


def keep_user(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, users, "id", {
        "id": data["id"], "email": data["email"].lower(), "name": data["name"], "role": data["role"],
        "region_id": data.get("region_id"), "alliance_id": data.get("alliance_id"),
        "school_urn": data.get("school_urn"), "active": data.get("deactivated_at") is None,
    }, envelope)


def keep_alliance(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, alliances, "id", {"id": data["id"], "region_id": data["region_id"],
                                      "name": data["name"], "kind": data["kind"]}, envelope)


def keep_membership(tx: Transaction, envelope: dict) -> str | None:
    """Keep the membership's newest state; the status its copy had before (None if first heard of)."""
    data = envelope["data"]
    before = tx.execute(sa.select(memberships.c.status).where(memberships.c.id == data["id"])
                        .with_for_update()).scalar()
    keep_newest(tx, memberships, "id", {
        "id": data["id"], "alliance_id": data["alliance_id"], "region_id": data["region_id"],
        "school_urn": data["school_urn"], "status": data["status"],
    }, envelope)
    return before


def keep_system_leader(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, system_leaders, "id", {"id": data["id"], "name": data["name"], "email": data["email"].lower(),
                                           "alliance_id": data["alliance_id"]}, envelope)
