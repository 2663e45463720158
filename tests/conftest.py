"""One fixture per real component, shared by every test: broker, database, services."""
import uuid

import eventlet
import pytest
from kombu import Connection, Consumer, Queue
from nameko.containers import ServiceContainer
from nameko.standalone.events import get_event_exchange
from nameko.standalone.rpc import ClusterRpcProxy

from tests.backing import new_run_id, start_broker, start_postgres
from tests.tcp_proxy import wait_until


@pytest.fixture(scope="session")
def run_id():
    return new_run_id()


@pytest.fixture(scope="session")
def broker(run_id):
    try:
        broker = start_broker(run_id)
    except RuntimeError as exc:
        pytest.exit(str(exc), returncode=3)
    yield broker
    broker.close()


@pytest.fixture(scope="session")
def postgres(run_id):
    try:
        postgres = start_postgres(run_id)
    except RuntimeError as exc:
        pytest.exit(str(exc), returncode=3)
    yield postgres
    postgres.close()


@pytest.fixture
def service_db(postgres, monkeypatch):
    """``service_db("membership")``: a fresh database for that service in this test."""
    def fresh(service: str) -> str:
        url = postgres.database(f"{service}_{uuid.uuid4().hex[:8]}")
        monkeypatch.setenv(f"{service.upper()}_DB_URL", url)
        return url
    return fresh


@pytest.fixture
def run_service(broker):
    """Start a real nameko container for a service class on the test broker."""
    containers = []

    def start(service_cls, amqp_uri: str | None = None) -> ServiceContainer:
        config = {"AMQP_URI": amqp_uri or broker.uri, "max_workers": 10, "serializer": "json"}
        container = ServiceContainer(service_cls, config)
        container.start()
        containers.append(container)
        return container

    yield start
    for container in containers:
        with eventlet.Timeout(15, False):
            container.stop()
            continue
        container.kill()


@pytest.fixture
def rpc(broker):
    """A standalone RPC client, as the gateway would call (with a correlation id)."""
    config = {"AMQP_URI": broker.uri, "serializer": "json"}
    with ClusterRpcProxy(config, timeout=20, context_data={"correlation_id": "test-request-1"}) as proxy:
        yield proxy


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


@pytest.fixture
def subscriber(broker):
    subscriber = EventSubscriber(broker.uri)
    yield subscriber
    subscriber.close()
