"""Keyset pagination: ``{"items": [...], "next_cursor": str | None}``."""
import base64
import binascii
import json
from typing import Any, Callable, Sequence

import sqlalchemy as sa
from marshmallow import Schema, ValidationError, fields, validate

from services.chassis.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageSchema(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None, allow_none=True)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]})
    if not isinstance(values, list):
        raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]})
    return values


def paginate(
    tx: Any, query: sa.Select, keys: Sequence[sa.ColumnElement], page: dict | None,
    to_item: Callable[[Any], dict],
) -> dict:
    """Run ``query`` ordered by ``keys`` (unique together), one page at a time."""
    try:
        wanted = PageSchema().load(page or {})
    except ValidationError as exc:
        raise ValidationFailed("bad page", exc.messages)
    limit = wanted["limit"]
    if wanted["cursor"]:
        after = decode_cursor(wanted["cursor"])
        if len(after) != len(keys):
            raise ValidationFailed("bad cursor", {"cursor": ["not a cursor from this list"]})
        query = query.where(sa.tuple_(*keys) > sa.tuple_(*[sa.literal(v) for v in after]))
    rows = tx.execute(query.order_by(*keys).limit(limit + 1)).mappings().all()
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([last[key.key] for key in keys])
    return {"items": [to_item(row) for row in items], "next_cursor": next_cursor}
