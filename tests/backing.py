"""The real RabbitMQ and PostgreSQL the tests run against, isolated per test run.

The environment names running ones (``AMQP_URI``, ``*_DB_URL``); otherwise,
where Docker answers, testcontainers starts them; otherwise the run stops
with a message saying what to set. Each run gets its own RabbitMQ vhost and
its own databases, so runs never see each other's data.
"""
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from services.registry import SERVICES

HOW_TO = ("set AMQP_URI and MEMBERSHIP_DB_URL (e.g. amqp://guest:guest@127.0.0.1:5672/ and "
          "postgresql://postgres@127.0.0.1:5432/alliance_membership), or make Docker reachable "
          "for testcontainers")


def _docker_reachable() -> bool:
    try:
        import docker
        docker.from_env().ping()
        return True
    except Exception:
        return False


@dataclass
class Broker:
    base_uri: str
    vhost: str | None = None
    _container: object = None
    _vhosts: list = field(default_factory=list)

    @property
    def uri(self) -> str:
        return self._uri(self.vhost)

    def _uri(self, vhost: str | None) -> str:
        if vhost is None:
            return self.base_uri
        return self.base_uri.rsplit("/", 1)[0] + "/" + vhost

    def _can_make_vhosts(self) -> bool:
        local = "127.0.0.1" in self.base_uri or "localhost" in self.base_uri
        return local and shutil.which("rabbitmqctl") is not None

    def _add_vhost(self, name: str) -> None:
        user = make_url(self.base_uri.replace("amqp://", "postgresql://", 1)).username or "guest"
        subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, user, ".*", ".*", ".*"],
                       check=True, capture_output=True)
        self._vhosts.append(name)

    def isolate(self, name: str) -> None:
        """Give this run a vhost of its own when rabbitmqctl can make one."""
        if self._can_make_vhosts():
            self._add_vhost(name)
            self.vhost = name

    def separate_uri(self, suffix: str) -> str:
        """Another vhost of this run, for a second stack that must not share queues."""
        if not self._can_make_vhosts():
            raise RuntimeError("a separate vhost needs a local broker and rabbitmqctl")
        name = f"{self.vhost}_{suffix}"
        self._add_vhost(name)
        return self._uri(name)

    def close(self) -> None:
        for name in self._vhosts:
            subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], capture_output=True)
        if self._container is not None:
            self._container.stop()


@dataclass
class Postgres:
    server_url: str
    prefix: str
    created: list = field(default_factory=list)
    _container: object = None

    def database(self, name: str) -> str:
        """A new, empty database for this run; dropped by ``close``."""
        url = make_url(self.server_url).set(database=f"{self.prefix}_{name}")
        self.created.append(url.database)
        return url.render_as_string(hide_password=False)

    def close(self) -> None:
        admin = sa.create_engine(make_url(self.server_url).set(database="postgres"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if self._container is not None:
            self._container.stop()


def start_broker(run_id: str) -> Broker:
    if os.environ.get("AMQP_URI"):
        broker = Broker(os.environ["AMQP_URI"])
    elif _docker_reachable():
        from testcontainers.rabbitmq import RabbitMqContainer
        container = RabbitMqContainer("rabbitmq:3.12-management").start()
        host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
        broker = Broker(f"amqp://guest:guest@{host}:{port}/", _container=container)
    else:
        raise RuntimeError(f"no RabbitMQ for the tests: {HOW_TO}")
    broker.isolate(f"alliance_test_{run_id}")
    return broker


def start_postgres(run_id: str) -> Postgres:
    named = next((os.environ[s.db_setting] for s in SERVICES if os.environ.get(s.db_setting)), None)
    if named:
        return Postgres(named, f"alliance_test_{run_id}")
    if _docker_reachable():
        from testcontainers.postgres import PostgresContainer
        container = PostgresContainer("postgres:15").start()
        url = container.get_connection_url().replace("+psycopg2", "")
        return Postgres(url, f"alliance_test_{run_id}", _container=container)
    raise RuntimeError(f"no PostgreSQL for the tests: {HOW_TO}")


def new_run_id() -> str:
    return uuid.uuid4().hex[:10]
