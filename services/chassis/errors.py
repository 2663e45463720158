"""Service exceptions that cross RPC intact and that the gateway maps to HTTP.

Every subclass (including each service's own, in its ``exceptions.py``) is
registered with nameko so that the gateway receives an instance of the same
class, with its arguments, instead of an opaque ``RemoteError``.
"""
from typing import Any

from nameko.exceptions import deserialize_to_instance


class ServiceError(Exception):
    status = 500
    title = "Internal error"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        deserialize_to_instance(cls)

    def __init__(self, detail: str = "", errors: dict | None = None) -> None:
        super().__init__(detail, errors or {})
        self.detail = detail
        self.errors = errors or {}


class BadRequest(ServiceError):
    """A request the gateway cannot read: malformed JSON, a query or cursor not its own."""
    status = 400
    title = "Malformed request"


class Unauthorized(ServiceError):
    status = 401
    title = "Not authenticated"


class Forbidden(ServiceError):
    status = 403
    title = "Not allowed"


class NotFound(ServiceError):
    status = 404
    title = "Not found"


class Conflict(ServiceError):
    status = 409
    title = "Conflict with the current state"


class ValidationFailed(ServiceError):
    status = 422
    title = "Validation failed"


class TooManyAttempts(ServiceError):
    """429; ``retry_after`` (seconds) is one of the arguments, so it survives the RPC hop."""
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str = "", errors: dict | None = None, retry_after: int | str = 60) -> None:
        super().__init__(detail, errors)
        self.retry_after = int(retry_after)  # nameko sends arguments that are not strings as strings
        self.args = (detail, self.errors, self.retry_after)


deserialize_to_instance(ServiceError)
