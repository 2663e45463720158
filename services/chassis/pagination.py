"""Keyset pagination: ``{"items": [...], "next_cursor": str | None}``.

A cursor is the base64 JSON of the last row's key values. It is not signed (every
replica must accept every other's), so it is checked strictly instead: one value per
key, each of its key column's type (text, UUID, ISO datetime with a zone, integer).
Anything else is a 400 naming ``cursor``.
"""
import base64
import binascii
import datetime as dt
import json
from typing import Any, Callable, Sequence

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, validate

from services.chassis.errors import BadRequest, ValidationFailed
from services.chassis.fields import (
    INT_MAX,
    INT_MIN,
    QueryInteger,
    Text,
    check_moment,
    parse_uuid,
    refuse_unstorable,
)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 1024
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


class PageSchema(Schema):
    limit = QueryInteger(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = Text(load_default=None, validate=validate.Length(max=MAX_CURSOR_LENGTH))


def bad_cursor(reason: str = "not a cursor from this list") -> BadRequest:
    return BadRequest("bad cursor", {"cursor": [reason]})


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def decode_cursor(cursor: str) -> list:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode("ascii"))
        values = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, binascii.Error, RecursionError):
        raise bad_cursor()
    if not isinstance(values, list):
        raise bad_cursor()
    return values


def _text(column_type: sa.String, value: Any) -> str:
    if not isinstance(value, str) or len(value) > (column_type.length or 10_000):
        raise bad_cursor()
    try:
        refuse_unstorable(value)
    except ValidationError:
        raise bad_cursor()
    return value


def _moment(value: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is None or moment.utcoffset() is None:
            raise ValueError("not an ISO datetime with a zone")
        check_moment(moment)
    except (ValueError, ValidationError):
        raise bad_cursor()
    return moment


def _integer(value: Any, wide: bool = False) -> int:
    low, high = (BIGINT_MIN, BIGINT_MAX) if wide else (INT_MIN, INT_MAX)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_cursor()
    return value


def _uuid(value: Any) -> str:
    canonical = parse_uuid(value)
    if canonical is None:
        raise bad_cursor()
    return canonical


def key_value(key: sa.ColumnElement, value: Any) -> Any:
    """``value`` as the type of ``key``'s column, or a 400 naming ``cursor``."""
    column_type = key.type
    if isinstance(column_type, sa.Uuid):
        return _uuid(value)
    if isinstance(column_type, sa.DateTime):
        return _moment(value)
    if isinstance(column_type, sa.Integer):
        return _integer(value, wide=isinstance(column_type, sa.BigInteger))
    if isinstance(column_type, sa.String):
        return _text(column_type, value)
    raise TypeError(f"no cursor rule for a key of type {column_type!r}")


def cursor_values(cursor: str, keys: Sequence[sa.ColumnElement]) -> list:
    values = decode_cursor(cursor)
    if len(values) != len(keys):
        raise bad_cursor()
    return [key_value(key, value) for key, value in zip(keys, values)]


def read_page(page: dict | None) -> dict:
    """The page wanted: a bad cursor is a 400, a bad limit a 422."""
    try:
        return PageSchema().load(page or {})
    except ValidationError as exc:
        if "cursor" in exc.messages:
            raise BadRequest("bad cursor", {"cursor": exc.messages["cursor"]})
        raise ValidationFailed("bad page", exc.messages)


def paginate(
    tx: Any, query: sa.Select, keys: Sequence[sa.ColumnElement], page: dict | None,
    to_item: Callable[[Any], dict], descending: bool = False,
) -> dict:
    """Run ``query`` ordered by ``keys`` (unique together), one page at a time; ``descending``: from the last."""
    wanted = read_page(page)
    limit = wanted["limit"]
    if wanted["cursor"]:
        after = cursor_values(wanted["cursor"], keys)
        position = sa.tuple_(*keys)
        reached = sa.tuple_(*[sa.literal(value, type_=key.type) for key, value in zip(keys, after)])
        query = query.where(position < reached if descending else position > reached)
    order = [key.desc() for key in keys] if descending else list(keys)
    rows = tx.execute(query.order_by(*order).limit(limit + 1)).mappings().all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([last[key.key] for key in keys])
    return {"items": [to_item(row) for row in items], "next_cursor": next_cursor}
