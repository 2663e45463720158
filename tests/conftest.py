"""One fixture per real component, shared by every test: broker, database, services, mail sink, webhook receiver."""
import uuid

import eventlet
import pytest
import sqlalchemy as sa
from nameko.containers import ServiceContainer
from nameko.standalone.rpc import ClusterRpcProxy

from tests.backing import new_run_id, start_broker, start_postgres
from tests.events import EventSubscriber
from tests.mailbox import MailSink
from tests.webhook_receiver import WebhookReceiver


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
def migrated_db(service_db):
    """``migrated_db("services.membership", "membership")``: a UnitOfWork on a fresh database at head."""
    from services.chassis.database import UnitOfWork
    from services.chassis.migrations import migrate
    engines = []

    def make(package: str, name: str) -> UnitOfWork:
        url = service_db(name)
        migrate(package, url)
        engines.append(sa.create_engine(url, pool_size=12))
        return UnitOfWork(engines[-1], None, lambda: None)
    yield make
    for engine in engines:
        engine.dispose()


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


@pytest.fixture
def subscriber(broker):
    subscriber = EventSubscriber(broker.uri)
    yield subscriber
    subscriber.close()


@pytest.fixture
def mail_sink(tmp_path):
    """A running ``python -m deploy.mail_sink`` with its own ports and directory: ``.smtp_port``,
    ``.http_port``, ``.mailbox``; ``.stop()`` and ``.start()`` again on the same ports and directory."""
    sink = MailSink(tmp_path / "mail", tmp_path / "mail-sink.log")
    sink.start()
    yield sink
    sink.kill()


@pytest.fixture
def webhook_receiver():
    """A real HTTP receiver on this machine (tests/webhook_receiver.py), answering 200 until scripted."""
    with WebhookReceiver() as receiver:
        yield receiver
