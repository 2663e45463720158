"""Loading RPC inputs with marshmallow, failing with field errors (422)."""
import uuid
from typing import Any

from marshmallow import Schema, ValidationError, fields

from services.chassis.errors import ValidationFailed


def load(schema: Schema, data: Any) -> dict:
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", {"_schema": ["expected an object"]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed("the request has invalid fields", exc.normalized_messages())


class UUIDString(fields.UUID):
    """A UUID, validated, loaded as its canonical string (how ids travel)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs))


def is_uuid(value: Any) -> bool:
    """Whether ``value`` can be an id; a malformed id is simply not found."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
