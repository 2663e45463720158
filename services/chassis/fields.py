"""The input rules every schema of every service is built from.

- Text refuses NUL and unpaired surrogates (PostgreSQL and UTF-8 cannot hold them).
- Integer takes JSON integers only (no floats, numeric strings or booleans) and never
  more than PostgreSQL's INTEGER holds; QueryInteger is its form for query strings.
- AwareDateTime and Date stay within YEARS, with a zone offset of at most 14 hours
  (the widest in use), so that no arithmetic on them can overflow.
"""
import datetime as dt
import re
import uuid
from typing import Any

from marshmallow import ValidationError, fields, validate

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
YEARS = (2000, 2100)
MAX_OFFSET = dt.timedelta(hours=14)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_DIGITS = re.compile(r"^[0-9]{1,10}$")


def refuse_unstorable(text: str) -> None:
    """Refuse text with NUL or an unpaired surrogate (422 naming the field)."""
    if _UNSTORABLE.search(text):
        raise ValidationError("must not contain NUL or unpaired surrogate characters")


def check_moment(value: dt.date) -> None:
    """Refuse a date or time outside YEARS, or a zone offset beyond ±14 hours."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValidationError(f"the year must be between {YEARS[0]} and {YEARS[1]}")
    offset = value.utcoffset() if isinstance(value, dt.datetime) else None
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValidationError("the zone offset must be within ±14:00")


class Text(fields.String):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        refuse_unstorable(text)
        return text


class Email(fields.Email):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        refuse_unstorable(text)
        return text


class Integer(fields.Integer):
    """A JSON integer within INTEGER's range (and any narrower ``validate`` range)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)
        self.validators.append(validate.Range(INT_MIN, INT_MAX))

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class QueryInteger(Integer):
    """An Integer written in a query string: ASCII digits only."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and _DIGITS.match(value):
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class AwareDateTime(fields.AwareDateTime):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment = super()._deserialize(value, attr, data, **kwargs)
        check_moment(moment)
        return moment


class Date(fields.Date):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        day = super()._deserialize(value, attr, data, **kwargs)
        check_moment(day)
        return day


class UUIDString(fields.UUID):
    """A UUID, validated, loaded as its canonical string (how ids travel)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid_uuid")
        return str(super()._deserialize(value, attr, data, **kwargs))


def parse_uuid(value: Any) -> str | None:
    """The canonical form of a UUID string, or None."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None
