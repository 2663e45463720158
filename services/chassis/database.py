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
        if not sa.event.contains(engine, "before_cursor_execute", fold_transaction_control):
            sa.event.listen(engine, "before_cursor_execute", fold_transaction_control, retval=True)
        self.correlation_id = correlation_id
        self.action = action
        self._on_events = on_events
        self._on_deliveries = on_deliveries

    @contextmanager
    def transaction(self, correlation_id: str | None = None, read_only: bool = False) -> Iterator[Transaction]:
        """One transaction; ``read_only`` ones begin READ ONLY and refuse writes.

        BEGIN goes with the first statement and COMMIT with the appended rows
        (services/chassis/transaction.py), in one round trip each, so a
        booking's transaction costs its own statements and no more (see
        ``fold_transaction_control``).
        """
        with self.engine.connect() as conn:
            # psycopg2 itself must send no BEGIN. Its own flag, set and reset on the client with no
            # round trip (SQLAlchemy's isolation_level option sends a SET when the connection returns).
            driver = conn.connection.dbapi_connection
            driver.autocommit = True
            conn.info[BEGIN] = "BEGIN READ ONLY" if read_only else "BEGIN"
            tx = Transaction(conn, correlation_id or self.correlation_id, deferred=True)
            try:
                yield tx
                _commit(conn, tx)
            except BaseException:
                _roll_back(conn)
                raise
            finally:
                conn.info.pop(BEGIN, None)
                conn.info.pop(COMMIT, None)
                if not conn.invalidated:
                    driver.autocommit = False
        if tx.events_written:
            self._on_events()
        if tx.deliveries_written and self._on_deliveries:
            self._on_deliveries()


# Keys of a pooled connection's ``info`` while a unit of work holds it: the
# BEGIN still to be sent, and that the next statement must end with COMMIT.
BEGIN, COMMIT = "unit_of_work.begin", "unit_of_work.commit"


def fold_transaction_control(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any,
                             executemany: bool) -> tuple[str, Any]:
    """Send a unit of work's BEGIN with its first statement and its COMMIT with its last.

    psycopg2 sends each statement with the simple query protocol, where
    ``BEGIN; SELECT ...`` leaves the transaction open and ``INSERT ...; COMMIT``
    stops at the first error (the transaction is then rolled back). On this
    machine a round trip to PostgreSQL costs about as much CPU as a statement.
    """
    begin = conn.info.pop(BEGIN, None)
    if begin and executemany:
        cursor.execute(begin)  # once, not before every parameter set
    elif begin:
        statement = f"{begin}; {statement}"
    if conn.info.pop(COMMIT, None):
        statement = f"{statement}; COMMIT"
    return statement, parameters


def _commit(conn: Connection, tx: Transaction) -> None:
    last = tx.take_appends()
    if last is not None:
        conn.info[COMMIT] = True
        conn.execute(last)
    elif BEGIN not in conn.info:  # something was sent
        conn.exec_driver_sql("COMMIT")


def _roll_back(conn: Connection) -> None:
    if BEGIN in conn.info:
        return  # nothing was sent
    try:
        conn.exec_driver_sql("ROLLBACK")
    except Exception:  # the connection is broken: the server has rolled back on its own
        conn.invalidate()


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
