"""Entrypoint decorators with the chassis' defaults."""
import inspect
import logging

from kombu.exceptions import KombuError
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import IncorrectSignature
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from services.chassis.errors import ServiceError

log = logging.getLogger(__name__)


class _ReplyPublisher(Publisher):
    # Neither a confirm nor a disk write on a reply buys the caller anything (a
    # lost reply is a timeout either way); both cost a round trip per call.
    use_confirms = False
    delivery_mode = NON_PERSISTENT


class _Responder(Responder):
    publisher_cls = _ReplyPublisher


class _RpcConsumer(RpcConsumer):
    def handle_result(self, message, result, exc_info):  # noqa: ANN001, ANN201 (nameko's signature)
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER), message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        try:
            result, exc_info = responder.send_response(result, exc_info)
            self.queue_consumer.ack_message(message)
        except (OSError, KombuError) as error:
            # The broker went away after the work was done: nameko would let this kill the whole
            # service. The request stays unacknowledged, so the broker delivers it again once it is
            # back, and the caller has timed out and retries (idempotency keys make both safe).
            log.warning("rpc %s: could not answer or acknowledge, the broker is away: %s",
                        self.container.service_name, error)
        return result, exc_info


class SignatureOnce:
    """nameko checks every call's arguments with ``inspect.getcallargs``, which builds the method's
    signature anew each time (3 % of a booking's CPU in courses); this builds it once."""

    def check_signature(self, args: tuple, kwargs: dict) -> None:
        try:
            signature = self._signature
        except AttributeError:
            signature = self._signature = inspect.signature(getattr(self.container.service_cls,
                                                                    self.method_name))
        try:
            signature.bind(None, *args, **kwargs)  # None: the unbound method's self
        except TypeError as exc:
            raise IncorrectSignature(str(exc))


class _Rpc(SignatureOnce, Rpc):
    rpc_consumer = _RpcConsumer()


# Service errors are answers (404, 409, 422...), not crashes: nameko must not
# log them as unexpected failures with a traceback.
rpc = _Rpc.decorator(expected_exceptions=(ServiceError,))
