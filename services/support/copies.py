"""Support's own copies of membership data, kept from membership's events (the newest event wins)."""
from services.chassis.copies import keep_newest
from services.chassis.transaction import Transaction
from services.support.models import alliances, memberships, schools, system_leaders


def keep_alliance(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, alliances, "id", {"id": data["id"], "region_id": data["region_id"],
                                      "name": data["name"], "kind": data["kind"]}, envelope)


def keep_school(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, schools, "urn", {
        "urn": data["urn"], "name": data["name"], "local_authority": data["local_authority"],
        "phase": data["phase"], "trust": data.get("trust"), "status": data.get("status") or "open",
    }, envelope)


def keep_membership(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, memberships, "id", {
        "id": data["id"], "alliance_id": data["alliance_id"], "region_id": data["region_id"],
        "school_urn": data["school_urn"], "status": data["status"],
    }, envelope)


def keep_system_leader(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, system_leaders, "id", {
        "id": data["id"], "name": data["name"], "designation": data["designation"],
        "school_urn": data["school_urn"], "trust": data.get("trust"), "alliance_id": data["alliance_id"],
        "region_id": data["region_id"], "specialisms": data["specialisms"], "phases": data.get("phases") or [],
        "days_available": data["days_available"], "status": data.get("status") or "active",
    }, envelope)
