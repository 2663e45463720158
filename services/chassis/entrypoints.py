"""Entrypoint decorators with the chassis' defaults."""
from nameko.rpc import rpc as nameko_rpc

from services.chassis.errors import ServiceError

# Service errors are answers (404, 409, 422...), not crashes: nameko must not
# log them as unexpected failures with a traceback.
rpc = nameko_rpc(expected_exceptions=(ServiceError,))
