"""Events on the real broker, seen from outside a service: a subscriber and a publisher."""
import uuid

import eventlet
from kombu import Connection, Consumer, Queue
from nameko.standalone.events import get_event_exchange

from tests.waiting import wait_until


class EventSubscriber:
    """A plain AMQP consumer bound to a service's topic exchange, as any consumer would be."""

    def __init__(self, uri: str) -> None:
        self.connection = Connection(uri)
        self.channel = self.connection.channel()
        self.messages: list[dict] = []
        self._consumers = []

    def bind(self, source: str, routing_key: str = "#") -> None:
        exchange = get_event_exchange(source, {})
        queue = Queue(f"test-subscriber-{uuid.uuid4().hex}", exchange=exchange,
                      routing_key=routing_key, exclusive=True, auto_delete=True)
        consumer = Consumer(self.channel, [queue], callbacks=[self._received], accept=["json"])
        consumer.consume()
        self._consumers.append(consumer)

    def _received(self, body: dict, message) -> None:
        self.messages.append({"body": body, "routing_key": message.delivery_info["routing_key"],
                              "headers": message.headers})
        message.ack()

    def drain(self, seconds: float) -> None:
        try:
            self.connection.drain_events(timeout=seconds)
        except Exception:  # socket.timeout: nothing more arrived
            pass

    def of_type(self, event_type: str) -> list[dict]:
        return [m["body"] for m in self.messages if m["routing_key"] == event_type]

    def wait_for(self, event_type: str, count: int = 1, timeout: float = 15) -> list[dict]:
        def enough():
            self.drain(0.2)
            return len(self.of_type(event_type)) >= count
        wait_until(enough, timeout, interval=0)
        return self.of_type(event_type)

    def close(self) -> None:
        with eventlet.Timeout(5, False):
            self.connection.release()
            return
        self.connection.collect()


def publish(broker_uri: str, envelope: dict, times: int = 1) -> None:
    """Deliver ``envelope`` as its source service would, ``times`` times (a redelivery)."""
    exchange = get_event_exchange(envelope["source"], {})
    with Connection(broker_uri) as conn:
        producer = conn.Producer(serializer="json")
        for _ in range(times):
            producer.publish(envelope, exchange=exchange, routing_key=envelope["event_type"],
                             declare=[exchange], retry=True)
