"""Copies of another service's data, kept from its events: the newest event wins.

A copy table has the source's key, the columns the service needs, and
``as_of``: the ``occurred_at`` of the newest event applied to the row. An
event older than the row's ``as_of`` changes nothing, so events that arrive
late or are replayed never turn a newer state back. An event with the same
``as_of`` changes nothing either: two events of one change share nothing but
their time, and the first applied stands.
"""
from datetime import datetime

from sqlalchemy import Column, DateTime, Table, func
from sqlalchemy.dialects.postgresql import insert

from services.chassis.transaction import Transaction


def as_of_column() -> Column:
    """The column every copy table needs."""
    return Column("as_of", DateTime(timezone=True), nullable=False, server_default=func.now())


def occurred_at(envelope: dict) -> datetime:
    return datetime.fromisoformat(envelope["occurred_at"].replace("Z", "+00:00"))


def keep_newest(tx: Transaction, table: Table, key: str, values: dict, envelope: dict) -> None:
    """Insert or update the row of ``values[key]`` unless it already reflects a newer event."""
    values = {**values, "as_of": occurred_at(envelope)}
    statement = insert(table).values(**values)
    tx.execute(statement.on_conflict_do_update(
        index_elements=[key],
        set_={name: statement.excluded[name] for name in values if name != key},
        where=table.c.as_of < statement.excluded.as_of,
    ))
