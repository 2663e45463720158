"""Courses' own copies of membership data, kept from membership's events.

Each row keeps the time of the newest event applied to it (``as_of``), so an
event that arrives late never overwrites a newer state.
"""
from datetime import datetime

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.courses.models import alliances, memberships, schools


def _upsert(tx: Transaction, table: Table, key: str, values: dict, occurred_at: str) -> None:
    values = {**values, "as_of": datetime.fromisoformat(occurred_at.replace("Z", "+00:00"))}
    statement = insert(table).values(**values)
    tx.execute(statement.on_conflict_do_update(
        index_elements=[key],
        set_={name: statement.excluded[name] for name in values if name != key},
        where=table.c.as_of < statement.excluded.as_of,
    ))


def keep_alliance(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    _upsert(tx, alliances, "id", {"id": data["id"], "region_id": data["region_id"],
                                  "name": data["name"], "kind": data["kind"]}, envelope["occurred_at"])


def keep_school(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    _upsert(tx, schools, "urn", {"urn": data["urn"], "name": data["name"]}, envelope["occurred_at"])


def keep_membership(tx: Transaction, envelope: dict) -> None:
    data = envelope["data"]
    _upsert(tx, memberships, "id", {
        "id": data["id"], "alliance_id": data["alliance_id"], "region_id": data["region_id"],
        "school_urn": data["school_urn"], "status": data["status"],
    }, envelope["occurred_at"])
