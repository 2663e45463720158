"""Keyset pagination: ``{"items": [...], "next_cursor": str | None}``.

A cursor is the base64 JSON of the last row's key values. It is not signed (every
replica must accept every other's), so it is checked strictly instead: one value per
key, each of its key column's type (text, UUID, ISO datetime with a zone, integer).
Anything else is a 400 naming ``cursor``.

``paginate`` runs one query ordered by its keys. ``paginate_keys`` reads a page's
keys first and its rows after, by key: the keys can come from an index alone, and
a list whose scope is an OR across columns (which no one index serves) can be read
as one part per arm, each from its own index under its own LIMIT, then merged.
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


def _past(query: sa.Select, columns: Sequence[sa.ColumnElement], keys: Sequence[sa.ColumnElement],
          after: list | None, descending: bool) -> sa.Select:
    """``query`` from the row after ``after`` (the cursor's values of ``keys``) in the order of ``columns``."""
    if after is None:
        return query
    position = sa.tuple_(*columns)
    reached = sa.tuple_(*[sa.literal(value, type_=key.type) for key, value in zip(keys, after)])
    return query.where(position < reached if descending else position > reached)


def _ordered(columns: Sequence[sa.ColumnElement], descending: bool) -> list:
    return [column.desc() for column in columns] if descending else list(columns)


def _page(rows: Sequence[Any], keys: Sequence[sa.ColumnElement], limit: int,
          to_item: Callable[[Any], dict]) -> dict:
    """The page of ``rows`` (``limit`` + 1 were asked for: one more means a next page)."""
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([last[key.key] for key in keys])
    return {"items": [to_item(row) for row in items], "next_cursor": next_cursor}


def _wanted(page: dict | None, keys: Sequence[sa.ColumnElement]) -> tuple[int, list | None]:
    wanted = read_page(page)
    return wanted["limit"], cursor_values(wanted["cursor"], keys) if wanted["cursor"] else None


def paginate(
    tx: Any, query: sa.Select, keys: Sequence[sa.ColumnElement], page: dict | None,
    to_item: Callable[[Any], dict], descending: bool = False,
) -> dict:
    """Run ``query`` ordered by ``keys`` (unique together), one page at a time; ``descending``: from the last."""
    limit, after = _wanted(page, keys)
    query = _past(query, keys, keys, after, descending)
    rows = tx.execute(query.order_by(*_ordered(keys, descending)).limit(limit + 1)).mappings().all()
    return _page(rows, keys, limit, to_item)


def paginate_keys(
    tx: Any, parts: Sequence[sa.Select], keys: Sequence[sa.ColumnElement], rows: Callable[[sa.Subquery], sa.Select],
    page: dict | None, to_item: Callable[[Any], dict], descending: bool = False,
) -> dict:
    """Like ``paginate``, reading the page's keys first, then its rows by key.

    Each of ``parts`` selects key columns only, in the order and of the types of
    ``keys`` (its own columns: a part may read another table that carries them),
    and gets its own keyset condition, ORDER BY and LIMIT, so each walks an index
    of its own. The list is their union: their pages of keys are merged (UNION: a
    row two parts hold counts once), ordered and cut to the page.
    ``rows(page_keys)`` selects what the page shows, joined to ``page_keys`` (a
    subquery whose columns are named as ``keys``); it is ordered by ``keys``.
    """
    limit, after = _wanted(page, keys)
    pages = []
    for part in parts:
        columns = list(part.selected_columns)
        named = part.with_only_columns(*[column.label(key.key) for column, key in zip(columns, keys)])
        pages.append(_past(named, columns, keys, after, descending)
                     .order_by(*_ordered(columns, descending)).limit(limit + 1))
    if len(pages) == 1:
        page_keys = pages[0].subquery("page_keys")
    else:
        merged = sa.union(*pages).subquery("merged")
        page_keys = (sa.select(merged).order_by(*_ordered([merged.c[key.key] for key in keys], descending))
                     .limit(limit + 1).subquery("page_keys"))
    found = tx.execute(rows(page_keys).order_by(*_ordered(keys, descending))).mappings().all()
    return _page(found, keys, limit, to_item)
