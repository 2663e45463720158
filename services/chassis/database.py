"""The one database provider: an engine per service, a transaction per unit of work."""
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy.engine import Connection, Engine

from services.chassis.config import db_url
from services.chassis.deliveries import Channels, DeliveryWorkers
from services.chassis.migrations import migrate
from services.chassis.outbox import OutboxRelay
from services.chassis.transaction import Transaction


class UnitOfWork:
    """What a worker gets as ``self.db``; ``action`` is its entrypoint's name, for the audit log."""

    def __init__(self, engine: Engine, correlation_id: str | None, on_events: Callable[[], None],
                 on_deliveries: Callable[[], None] | None = None, action: str = "") -> None:
        self.engine = engine
        self.correlation_id = correlation_id
        self.action = action
        self._on_events = on_events
        self._on_deliveries = on_deliveries

    @contextmanager
    def transaction(self, correlation_id: str | None = None, read_only: bool = False) -> Iterator[Transaction]:
        """One transaction; ``read_only`` ones begin READ ONLY (no extra round trip) and refuse writes."""
        with self.engine.connect() as conn:
            if read_only:
                conn.execution_options(postgresql_readonly=True)  # reset when the connection returns to the pool
            with conn.begin():
                tx = Transaction(conn, correlation_id or self.correlation_id)
                yield tx
        if tx.events_written:
            self._on_events()
        if tx.deliveries_written and self._on_deliveries:
            self._on_deliveries()


def make_engine(url: str, pool_size: int) -> Engine:
    # No pre-ping (a round trip per transaction): after a database restart the
    # first statement on a stale connection fails, SQLAlchemy sees the
    # disconnect and drops the whole pool, and the relay or the caller retries.
    return sa.create_engine(url, pool_size=pool_size, max_overflow=pool_size // 2, pool_recycle=1800)


class Database(DependencyProvider):
    """Migrates the service's database at start, relays its outbox and, given
    ``channels``, sends its deliveries (services/chassis/deliveries.py).

    The pool holds one connection per worker plus a few for the relay and the
    delivery workers, so a full worker pool never waits for a connection.
    """

    relay = OutboxRelay()

    def __init__(self, after_migrate: Callable[[Connection], None] | None = None,
                 package: str | None = None, channels: Callable[[], Channels] | None = None,
                 delivery_workers: int = 4) -> None:
        self.after_migrate = after_migrate
        self.package = package
        self.engine: Engine | None = None
        # ``channels`` is a function so that settings are read as the container starts.
        self.deliveries = DeliveryWorkers(channels, delivery_workers) if channels else None

    def setup(self) -> None:
        service = self.container.service_name
        url = db_url(service)
        migrate(self.package or f"services.{service}", url, after=self.after_migrate)
        workers = self.deliveries.workers if self.deliveries else 0
        self.engine = make_engine(url, pool_size=self.container.max_workers + 2 + workers)
        self.relay.engine = self.engine
        if self.deliveries:
            self.deliveries.db = UnitOfWork(self.engine, None, self.relay.kick)

    def stop(self) -> None:
        self.relay.stop()  # flushed before the engine goes (nameko would stop it after this)
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx: Any) -> UnitOfWork:
        return UnitOfWork(self.engine, worker_ctx.data.get("correlation_id"), self.relay.kick,
                          self.deliveries.kick if self.deliveries else None,
                          action=worker_ctx.entrypoint.method_name)
