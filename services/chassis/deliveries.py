"""Effects outside the database (an email, a webhook), delivered at least once, duplicates detectable.

A handler decides an effect by writing a ``deliveries`` row with ``add_delivery``
in its own transaction, so the effect is decided exactly once with the event.
Workers (``send_due``, run in every process by ``DeliveryWorkers`` when the
service's ``Database`` is given channels) claim one due row at a time with
``FOR UPDATE SKIP LOCKED``, keep it locked while its channel sends (bounded by
``SEND_TIMEOUT``), then record the attempt and the new state in the same
transaction. Another worker never sends a locked row; a worker that dies after
sending but before committing leaves that one row pending, so it is sent again
with the same ``Delivery.id``: at most one duplicate per crash, which the
receiver recognises by that id (a Message-ID, an X-Delivery-ID header).

Each kind of delivery has a ``Channel``: its sender, its retry schedule
(``first_retry`` doubling up to an hour) and attempts, and an ``after`` hook
that runs in the attempt's transaction (a webhook counting its failures). A
send that raises ``PermanentFailure`` is not retried; any other error or a
timeout is, until the last attempt (``state: failed``).
"""
import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

import eventlet
import sqlalchemy as sa
from eventlet.queue import Empty, LightQueue
from nameko.extensions import Extension
from sqlalchemy.dialects.postgresql import JSONB, UUID

from services.chassis.periodic import CLOCK, Clock
from services.chassis.schedule_rules import delivery_retry_seconds
from services.chassis.transaction import Transaction

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
SEND_TIMEOUT = 30.0


@dataclass(frozen=True)
class Delivery:
    id: str  # stable across retries: the receiver's way to spot a duplicate
    kind: str
    target: str
    payload: dict
    attempt: int = 1  # this send's number, 1 for the first


class SendFailed(Exception):
    """A send that failed; ``response_code`` is the far end's answer when there was one."""

    def __init__(self, message: str, response_code: int | None = None) -> None:
        super().__init__(message)
        self.response_code = response_code


class PermanentFailure(SendFailed):
    """A send that retrying cannot mend (a webhook answering 410, a refused target): not retried."""


@dataclass(frozen=True)
class Attempt:
    """What one send came to, as the channel's ``after`` hook sees it."""
    delivery: Delivery
    at: datetime
    sent: bool
    final: bool  # sent, or failed for the last time
    response_code: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Channel:
    """How one kind of delivery is sent. ``send`` returns the far end's response code, if any.

    ``prepare`` runs in the claim's transaction before sending: it returns the
    delivery to send (its payload completed from the database, say a webhook's
    current URL and secret, which stay out of the stored row) or None when it
    should no longer be sent (``state: cancelled``)."""
    send: Callable[[Delivery], int | None]
    max_attempts: int = MAX_ATTEMPTS
    first_retry: float = 10.0
    growth: float = 2.0
    after: Callable[[Transaction, Attempt], None] | None = None
    prepare: Callable[[Transaction, Delivery], Delivery | None] | None = None

    def retry_in(self, attempts: int) -> float:
        return delivery_retry_seconds(attempts, first=self.first_retry, growth=self.growth)


Channels = Mapping[str, Channel]


def add_delivery_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    deliveries = sa.Table(
        "deliveries", metadata,
        sa.Column("id", UUID(as_uuid=False), primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target", sa.String(1000), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_error", sa.Text),
        sa.Column("last_response_code", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Index("ix_deliveries_due", "next_attempt_at", postgresql_where=sa.text("state = 'pending'")),
        sa.Index("ix_deliveries_target", "kind", "target", "created_at"),
    )
    attempts = sa.Table(
        "delivery_attempts", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("delivery_id", UUID(as_uuid=False), sa.ForeignKey("deliveries.id"), nullable=False, index=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("response_code", sa.Integer),
        sa.Column("error", sa.Text),
    )
    return deliveries, attempts


# What ``add_delivery`` writes: the id is made here, so the row can wait for the commit's statement.
_DELIVERIES = sa.table("deliveries", sa.column("id"), sa.column("kind"), sa.column("target"),
                       sa.column("payload", JSONB))
# Only kinds this worker has a channel for: a row of another kind waits for a worker that has one. The kind
# is tested with an expression no index serves, so the claim walks ix_deliveries_due in order and stops at
# the first row: with kind = ANY(..), a table without statistics yet (a new database) had the planner
# combine ix_deliveries_target with it and fetch and sort every due row, for each claim.
_CLAIM = sa.text("SELECT id, kind, target, payload, attempts FROM deliveries"
                 " WHERE state = 'pending' AND next_attempt_at <= :now"
                 " AND array_position(CAST(:kinds AS text[]), kind::text) IS NOT NULL"
                 " ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED")
_ATTEMPT = sa.text("INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, response_code, error)"
                   " VALUES (:id, :now, :outcome, :code, :error)")
# An attempt is recorded with the delivery's new state in one statement: one round trip less per send.
_SENT = sa.text(f"WITH attempt AS ({_ATTEMPT.text})"
                " UPDATE deliveries SET state = 'sent', attempts = attempts + 1, sent_at = :now, last_error = NULL,"
                " last_response_code = :code WHERE id = :id")
_CANCELLED = sa.text("UPDATE deliveries SET state = 'cancelled' WHERE id = :id")
_RETRY = sa.text(f"WITH attempt AS ({_ATTEMPT.text})"
                 " UPDATE deliveries SET state = :state, attempts = attempts + 1, last_error = :error,"
                 " last_response_code = :code, next_attempt_at = :next WHERE id = :id")


def add_delivery(tx: Transaction, kind: str, target: str, payload: dict) -> str:
    """Decide an effect in ``tx``: it is sent after ``tx`` commits, and never if it rolls back."""
    delivery_id = str(uuid.uuid4())
    tx.append(_DELIVERIES, {"id": delivery_id, "kind": kind, "target": target, "payload": payload})
    tx.deliveries_written += 1
    return delivery_id


def as_channels(senders: Mapping[str, Channel | Callable[[Delivery], int | None]]) -> dict[str, Channel]:
    return {kind: s if isinstance(s, Channel) else Channel(s) for kind, s in senders.items()}


def send_due(db: Any, senders: Mapping[str, Channel | Callable], max_attempts: int | None = None,
             limit: int = 20, clock: Clock = CLOCK, timeout: float = SEND_TIMEOUT) -> int:
    """Send up to ``limit`` due deliveries, each in its own transaction; how many were sent.

    ``max_attempts`` overrides every channel's own."""
    channels = as_channels(senders)
    if max_attempts is not None:
        channels = {kind: replace(channel, max_attempts=max_attempts) for kind, channel in channels.items()}
    sent = 0
    for _ in range(limit):
        outcome = _send_one(db, channels, clock.now(), timeout)
        if outcome is None:
            break
        sent += outcome
    return sent


def _send_one(db: Any, channels: Channels, now: datetime, timeout: float) -> bool | None:
    """Claim and send one due delivery: True sent, False failed, None when none is due."""
    with db.transaction() as tx:
        row = tx.execute(_CLAIM, {"now": now, "kinds": list(channels)}).mappings().first()
        if row is None:
            return None
        stored = Delivery(str(row["id"]), row["kind"], row["target"], row["payload"], row["attempts"] + 1)
        channel = channels[stored.kind]
        delivery = channel.prepare(tx, stored) if channel.prepare else stored
        if delivery is None:
            tx.execute(_CANCELLED, {"id": stored.id})
            return False
        try:
            with eventlet.Timeout(timeout):
                code = channel.send(delivery)
        except (Exception, eventlet.Timeout) as exc:
            _failed(tx, channel, delivery, exc, timeout, now)
            return False
        tx.execute(_SENT, {"id": delivery.id, "now": now, "outcome": "sent", "code": code, "error": None})
        if channel.after:
            channel.after(tx, Attempt(delivery, now, sent=True, final=True, response_code=code))
        return True


def _failed(tx: Transaction, channel: Channel, delivery: Delivery, exc: BaseException, timeout: float,
            now: datetime) -> None:
    if isinstance(exc, eventlet.Timeout):
        error = f"no answer within {timeout} s"
    else:
        error = f"{type(exc).__name__}: {exc}"[:4000]
    code = getattr(exc, "response_code", None)
    final = isinstance(exc, PermanentFailure) or delivery.attempt >= channel.max_attempts
    log.warning("delivery %s (%s) failed, attempt %s%s: %s", delivery.id, delivery.kind, delivery.attempt,
                " (giving up)" if final else "", error[:200])
    tx.execute(_RETRY, {"id": delivery.id, "now": now, "outcome": "failed", "error": error, "code": code,
                        "state": "failed" if final else "pending",
                        "next": now + timedelta(seconds=channel.retry_in(delivery.attempt))})
    if channel.after:
        channel.after(tx, Attempt(delivery, now, sent=False, final=final, response_code=code, error=error))


class DeliveryWorkers(Extension):
    """``workers`` green threads per process sending due deliveries.

    They wake when a local transaction decided a delivery (``kick``: sent
    within milliseconds of the commit) and poll every ``poll_interval`` for
    rows decided by other replicas and retries coming due.
    """

    def __init__(self, channels: Callable[[], Channels], workers: int = 4, poll_interval: float = 1.0) -> None:
        self.make_channels = channels
        self.channels: Channels = {}
        self.workers = workers
        self.poll_interval = poll_interval
        self.db: Any = None  # a UnitOfWork on the service's engine, set by its Database
        self._wake = LightQueue()
        self._running = False
        self._threads: list = []

    def start(self) -> None:
        self.channels = self.make_channels()
        self._running = True
        self._threads = [self.container.spawn_managed_thread(self._run, identifier=f"delivery_worker_{n}")
                         for n in range(self.workers)]

    def stop(self) -> None:
        self._running = False
        for _ in self._threads:
            self._wake.put_nowait(True)
        for thread in self._threads:
            thread.wait()

    def kill(self) -> None:
        for thread in self._threads:
            thread.kill()

    def kick(self) -> None:
        if self._wake.qsize() < self.workers:
            self._wake.put_nowait(True)

    def _run(self) -> None:
        while self._running:
            try:
                sent_all = send_due(self.db, self.channels, limit=20) == 20
            except Exception:
                log.exception("delivery worker: database error")
                sent_all = False
            if sent_all:
                eventlet.sleep(0)
                continue
            try:
                self._wake.get(timeout=self.poll_interval)
            except Empty:
                pass

