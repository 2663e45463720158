"""Declaring a service's event queues at deploy time.

RabbitMQ drops an event that no queue is bound for. A consumer's queues are
declared when it starts, so without this an event published before the
consumer first ran (on a first deploy, or when a consumer is added) is lost.
"""
from kombu import Connection
from nameko.containers import ServiceContainer
from nameko.events import EventHandler


def declare_event_queues(service_cls: type, amqp_uri: str) -> list[str]:
    """Declare (idempotently) the queue of every event handler of ``service_cls``."""
    container = ServiceContainer(service_cls, {"AMQP_URI": amqp_uri})
    handlers = [ep for ep in container.entrypoints if isinstance(ep, EventHandler)]
    if not handlers:
        return []  # a service that consumes nothing needs no broker here
    names = []
    with Connection(amqp_uri) as conn:
        for handler in handlers:
            EventHandler.setup(handler)  # builds the queue exactly as the running service will
            handler.queue(conn.default_channel).declare()
            names.append(handler.queue.name)
    return names
