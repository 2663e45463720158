"""The transactional outbox and its relay.

An event row is written in the same transaction as the change it describes
(``add``). The relay publishes pending rows in id order to the service's
topic exchange ``<service>.events`` with publisher confirms, marks them
published in the same row lock, and backs off while the broker is away.
``FOR UPDATE SKIP LOCKED`` lets any number of replicas relay side by side
without publishing a row twice.
"""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import eventlet
import sqlalchemy as sa
from eventlet.queue import Empty, LightQueue
from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import Extension
from nameko.standalone.events import get_event_exchange
from sqlalchemy.engine import Engine

from services.chassis.envelope import make_envelope
from services.chassis.tables import CHASSIS
from services.chassis.transaction import Transaction

log = logging.getLogger(__name__)
outbox = CHASSIS.tables["outbox"]
FLUSH_SECONDS = 5.0


def add(
    tx: Transaction,
    source: str,
    event_type: str,
    data: dict,
    *,
    region_id: str | None = None,
    alliance_id: str | None = None,
    schema_version: int = 1,
) -> dict:
    """Write an event to the outbox inside ``tx``; it is published after commit."""
    envelope = make_envelope(
        source, event_type, data, correlation_id=tx.correlation_id,
        region_id=region_id, alliance_id=alliance_id, schema_version=schema_version,
    )
    tx.execute(sa.insert(outbox).values(
        event_id=envelope["event_id"], event_type=event_type, envelope=envelope,
    ))
    tx.events_written += 1
    return envelope


def backoff_seconds(attempts: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Delay before the next try after ``attempts`` failed ones."""
    return min(cap, base * 2 ** max(0, attempts - 1))


class EventPublisher:
    """Publishes envelopes to ``<source>.events``, waiting for the broker's confirm."""

    def __init__(self, amqp_uri: str, source: str, timeout: float = 5.0) -> None:
        self.amqp_uri = amqp_uri
        self.exchange = get_event_exchange(source, {})
        self.timeout = timeout
        self._connection: Connection | None = None
        self._producer: Any = None

    def _ensure_producer(self) -> Any:
        if self._producer is None:
            conn = Connection(
                self.amqp_uri, connect_timeout=self.timeout,
                transport_options={"confirm_publish": True},
            )
            conn.ensure_connection(max_retries=1)
            self._connection = conn
            self._producer = conn.Producer(serializer="json")
            self.exchange(self._producer.channel).declare()
        return self._producer

    def publish(self, envelope: dict) -> None:
        try:
            self._ensure_producer().publish(
                envelope,
                exchange=self.exchange,
                routing_key=envelope["event_type"],
                delivery_mode=2,
                message_id=envelope["event_id"],
                headers={"nameko.correlation_id": envelope.get("correlation_id") or ""},
                retry=False,
                timeout=self.timeout,
            )
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # the connection is already broken; nothing to release
                pass
        self._connection = None
        self._producer = None


@dataclass
class RelayResult:
    published: int
    retry_in: float | None  # seconds until the head of the queue may be tried again


def relay_batch(engine: Engine, publisher: EventPublisher, batch_size: int = 100) -> RelayResult:
    """Publish up to ``batch_size`` pending events in order; stop at the first failure."""
    with engine.begin() as conn:
        rows = conn.execute(
            sa.select(outbox.c.id, outbox.c.envelope, outbox.c.attempts, outbox.c.next_attempt_at)
            .where(outbox.c.state == "pending")
            .order_by(outbox.c.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        now = datetime.now(timezone.utc)
        done: list[int] = []
        retry_in = None
        for row in rows:
            if row.next_attempt_at > now:
                retry_in = (row.next_attempt_at - now).total_seconds()
                break
            try:
                publisher.publish(row.envelope)
            except Exception as exc:
                attempts = row.attempts + 1
                retry_in = backoff_seconds(attempts)
                conn.execute(sa.update(outbox).where(outbox.c.id == row.id).values(
                    attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:1000],
                    next_attempt_at=now + timedelta(seconds=retry_in),
                ))
                log.warning("outbox relay: publish failed (attempt %s), retry in %.1fs: %s",
                            attempts, retry_in, exc)
                break
            done.append(row.id)
        if done:
            conn.execute(sa.update(outbox).where(outbox.c.id.in_(done)).values(
                state="published", attempts=outbox.c.attempts + 1, published_at=sa.func.now(),
                last_error=None,
            ))
    return RelayResult(len(done), retry_in)


class Relay:
    """Runs ``relay_batch`` until stopped.

    It wakes when a local transaction wrote events (``kick``) and polls every
    ``poll_interval`` seconds for rows written by other replicas.
    """

    def __init__(self, engine: Engine, publisher: EventPublisher, batch_size: int = 100,
                 poll_interval: float = 1.0) -> None:
        self.engine = engine
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._wake = LightQueue()
        self._running = True

    def kick(self) -> None:
        if self._wake.qsize() == 0:
            self._wake.put_nowait(True)

    def stop(self) -> None:
        self._running = False
        self.kick()

    def run(self) -> None:
        while self._running:
            try:
                result = relay_batch(self.engine, self.publisher, self.batch_size)
            except Exception:
                log.exception("outbox relay: database error")
                result = RelayResult(0, self.poll_interval)
            if result.published == self.batch_size:
                eventlet.sleep(0)
                continue
            self._wait(result.retry_in if result.retry_in is not None else self.poll_interval)
        self._flush()
        self.publisher.close()

    def _flush(self) -> None:
        """Publish what the last workers wrote before the process goes: bounded in time, since the
        broker may be away (what is left is published by the next start, or by another replica)."""
        deadline = time.monotonic() + FLUSH_SECONDS
        while time.monotonic() < deadline:
            try:
                result = relay_batch(self.engine, self.publisher, self.batch_size)
            except Exception:
                log.exception("outbox relay: database error while flushing")
                return
            if result.published < self.batch_size:
                return

    def _wait(self, seconds: float) -> None:
        try:
            self._wake.get(timeout=max(0.01, seconds))
        except Empty:
            pass


class OutboxRelay(Extension):
    """Hosts a ``Relay`` in every service process, on the service's database."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.relay: Relay | None = None
        self._thread = None

    def start(self) -> None:
        publisher = EventPublisher(self.container.config[AMQP_URI_CONFIG_KEY],
                                   self.container.service_name)
        self.relay = Relay(self.engine, publisher)
        self._thread = self.container.spawn_managed_thread(self.relay.run, identifier="outbox_relay")

    def stop(self) -> None:
        if self.relay is not None:
            self.relay.stop()
            self._thread.wait()

    def kill(self) -> None:
        if self._thread is not None:
            self._thread.kill()

    def kick(self) -> None:
        if self.relay is not None:
            self.relay.kick()
