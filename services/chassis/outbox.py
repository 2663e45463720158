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
    tx.append(outbox, {"event_id": envelope["event_id"], "event_type": event_type, "envelope": envelope})
    tx.events_written += 1
    return envelope


def backoff_seconds(attempts: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Delay before the next try after ``attempts`` failed ones."""
    return min(cap, base * 2 ** max(0, attempts - 1))


class EventPublisher:
    """Publishes envelopes to ``<source>.events`` as persistent messages with publisher confirms.

    A batch is written out in order and then its confirms are awaited
    together (the broker acknowledges several at once), instead of one round
    trip per event.
    """

    def __init__(self, amqp_uri: str, source: str, timeout: float = 5.0) -> None:
        self.amqp_uri = amqp_uri
        self.exchange = get_event_exchange(source, {})
        self.timeout = timeout
        self._connection: Connection | None = None
        self._producer: Any = None
        self._sent = 0  # the channel's last delivery tag
        self._unconfirmed: set[int] = set()
        self._refused: set[int] = set()

    def _ensure_producer(self) -> Any:
        if self._producer is None:
            conn = Connection(self.amqp_uri, connect_timeout=self.timeout)
            conn.ensure_connection(max_retries=1)
            producer = conn.Producer(serializer="json")
            producer.channel.confirm_select()
            producer.channel.events["basic_ack"].add(self._on_ack)
            producer.channel.events["basic_nack"].add(self._on_nack)
            self.exchange(producer.channel).declare()
            self._connection, self._producer = conn, producer
            self._sent, self._unconfirmed, self._refused = 0, set(), set()
        return self._producer

    def _settle(self, tag: int, multiple: bool) -> set[int]:
        settled = {t for t in self._unconfirmed if t <= tag} if multiple else {tag} & self._unconfirmed
        self._unconfirmed -= settled
        return settled

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._refused |= self._settle(tag, multiple)

    def publish_all(self, envelopes: list[dict]) -> tuple[int, Exception | None]:
        """Publish ``envelopes`` in order; how many from the first were confirmed, and the error
        that stopped the rest (None when all were)."""
        try:
            producer = self._ensure_producer()
        except Exception as exc:
            self.close()
            return 0, exc
        first = self._sent + 1
        try:
            for envelope in envelopes:
                producer.publish(
                    envelope, exchange=self.exchange, routing_key=envelope["event_type"], delivery_mode=2,
                    message_id=envelope["event_id"], retry=False,
                    headers={"nameko.correlation_id": envelope.get("correlation_id") or ""},
                )
                self._sent += 1
                self._unconfirmed.add(self._sent)
            deadline = time.monotonic() + self.timeout
            while self._unconfirmed and not self._refused:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"the broker confirmed no event in {self.timeout:.0f}s")
                self._connection.drain_events(timeout=max(0.01, deadline - time.monotonic()))
            if self._refused:
                raise RuntimeError("the broker refused (nacked) an event")
            return len(envelopes), None
        except Exception as exc:
            confirmed = 0
            while (confirmed < len(envelopes) and first + confirmed <= self._sent
                   and first + confirmed not in self._unconfirmed | self._refused):
                confirmed += 1
            self.close()
            return confirmed, exc

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
        retry_in = None
        due = []
        for row in rows:
            if row.next_attempt_at > now:
                retry_in = (row.next_attempt_at - now).total_seconds()
                break
            due.append(row)
        published, error = publisher.publish_all([row.envelope for row in due]) if due else (0, None)
        if error is not None:
            failed = due[published]
            attempts = failed.attempts + 1
            retry_in = backoff_seconds(attempts)
            conn.execute(sa.update(outbox).where(outbox.c.id == failed.id).values(
                attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:1000],
                next_attempt_at=now + timedelta(seconds=retry_in),
            ))
            log.warning("outbox relay: publish failed (attempt %s), retry in %.1fs: %s", attempts, retry_in, error)
        if published:
            conn.execute(sa.update(outbox).where(outbox.c.id.in_([row.id for row in due[:published]])).values(
                state="published", attempts=outbox.c.attempts + 1, published_at=sa.func.now(),
                last_error=None,
            ))
    return RelayResult(published, retry_in)


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
