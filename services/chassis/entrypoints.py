"""Entrypoint decorators with the chassis' defaults."""
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange

from services.chassis.errors import ServiceError


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
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class _Rpc(Rpc):
    rpc_consumer = _RpcConsumer()


# Service errors are answers (404, 409, 422...), not crashes: nameko must not
# log them as unexpected failures with a traceback.
rpc = _Rpc.decorator(expected_exceptions=(ServiceError,))
