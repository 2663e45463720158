"""Courses' own copies of membership data, kept from membership's events.

Each row keeps the time of the newest event applied to it (``as_of``, see
services/chassis/copies.py), so an event that arrives late never overwrites a
newer state.
"""
from services.chassis.copies import keep_newest
from services.chassis.transaction import Transaction
from services.courses.models import alliances, memberships, schools


def keep_alliance(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, alliances, "id", {"id": data["id"], "region_id": data["region_id"],
                                      "name": data["name"], "kind": data["kind"]}, envelope)


def keep_school(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, schools, "urn", {"urn": data["urn"], "name": data["name"]}, envelope)


def keep_membership(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    keep_newest(tx, memberships, "id", {
        "id": data["id"], "alliance_id": data["alliance_id"], "region_id": data["region_id"],
        "school_urn": data["school_urn"], "status": data["status"],
    }, envelope)
