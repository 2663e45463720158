"""Loading RPC inputs with marshmallow, failing with field errors (422)."""
import uuid
from typing import Any

from marshmallow import Schema, ValidationError

from services.chassis.errors import ValidationFailed
from services.chassis.fields import UUIDString

__all__ = ["load", "require_object", "is_uuid", "UUIDString"]


def require_object(data: Any) -> dict:
    """A body must be a JSON object (422 otherwise)."""
    if not isinstance(data, dict):
        raise ValidationFailed("the body must be a JSON object", {"_schema": ["expected an object"]})
    return data


def load(schema: Schema, data: Any) -> dict:
    try:
        return schema.load(require_object(data))
    except ValidationError as exc:
        raise ValidationFailed("the request has invalid fields", exc.normalized_messages())


def is_uuid(value: Any) -> bool:
    """Whether ``value`` can be an id; a malformed id is simply not found."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
