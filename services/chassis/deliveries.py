"""Effects outside the database (an email, a webhook), delivered at least once, duplicates detectable.

A handler decides an effect by writing a ``deliveries`` row with ``add_delivery``
in its own transaction, so the effect is decided exactly once with the event.
Workers (``send_due``, run by ``@delivering``) claim one due row at a time with
``FOR UPDATE SKIP LOCKED``, keep it locked while its sender runs (bounded by
``SEND_TIMEOUT``), then record the attempt and the new state in the same
transaction. Another worker never sends a locked row; a worker that dies after
sending but before committing leaves that one row pending, so it is sent again
with the same ``Delivery.id``: at most one duplicate per crash, which the
receiver recognises by that id (a Message-ID, an X-Delivery-ID header). A
failed or timed-out send is retried with backoff (10 s doubling to an hour)
and recorded in ``delivery_attempts``; after ``max_attempts`` the delivery is
``failed``.
"""
import functools
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Mapping

import eventlet
import sqlalchemy as sa
from nameko.timer import timer
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


Sender = Callable[[Delivery], None]


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
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Index("ix_deliveries_due", "next_attempt_at", postgresql_where=sa.text("state = 'pending'")),
    )
    attempts = sa.Table(
        "delivery_attempts", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("delivery_id", UUID(as_uuid=False), sa.ForeignKey("deliveries.id"), nullable=False, index=True),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
    )
    return deliveries, attempts


_ADD = sa.text("INSERT INTO deliveries (kind, target, payload) VALUES (:kind, :target, CAST(:payload AS jsonb))"
               " RETURNING id")
_CLAIM = sa.text("SELECT id, kind, target, payload, attempts FROM deliveries"
                 " WHERE state = 'pending' AND next_attempt_at <= :now ORDER BY next_attempt_at"
                 " LIMIT 1 FOR UPDATE SKIP LOCKED")
_ATTEMPT = sa.text("INSERT INTO delivery_attempts (delivery_id, attempted_at, outcome, error)"
                   " VALUES (:id, :now, :outcome, :error)")
_SENT = sa.text("UPDATE deliveries SET state = 'sent', attempts = attempts + 1, sent_at = :now, last_error = NULL"
                " WHERE id = :id")
_RETRY = sa.text("UPDATE deliveries SET state = :state, attempts = attempts + 1, last_error = :error,"
                 " next_attempt_at = :next WHERE id = :id")


def add_delivery(tx: Transaction, kind: str, target: str, payload: dict) -> str:
    """Decide an effect in ``tx``: it is sent after ``tx`` commits, and never if it rolls back."""
    return str(tx.execute(_ADD, {"kind": kind, "target": target, "payload": json.dumps(payload)}).scalar_one())


def send_due(db: Any, senders: Mapping[str, Sender], max_attempts: int = MAX_ATTEMPTS,
             limit: int = 20, clock: Clock = CLOCK, timeout: float = SEND_TIMEOUT) -> int:
    """Send up to ``limit`` due deliveries, each in its own transaction; how many were sent."""
    sent = 0
    for _ in range(limit):
        outcome = _send_one(db, senders, max_attempts, clock.now(), timeout)
        if outcome is None:
            break
        sent += outcome
    return sent


def _send_one(db: Any, senders: Mapping[str, Sender], max_attempts: int, now: Any, timeout: float) -> bool | None:
    """Claim and send one due delivery: True sent, False failed, None when none is due."""
    with db.transaction() as tx:
        row = tx.execute(_CLAIM, {"now": now}).mappings().first()
        if row is None:
            return None
        delivery = Delivery(str(row["id"]), row["kind"], row["target"], row["payload"])
        try:
            with eventlet.Timeout(timeout):
                senders[delivery.kind](delivery)
        except (Exception, eventlet.Timeout) as exc:
            timed_out = isinstance(exc, eventlet.Timeout)
            error = f"no answer within {timeout} s" if timed_out else f"{type(exc).__name__}: {exc}"
            _failed(tx, delivery, row["attempts"] + 1, error[:4000], max_attempts, now)
            return False
        tx.execute(_ATTEMPT, {"id": delivery.id, "now": now, "outcome": "sent", "error": None})
        tx.execute(_SENT, {"id": delivery.id, "now": now})
        return True


def _failed(tx: Transaction, delivery: Delivery, attempts: int, error: str, max_attempts: int, now: Any) -> None:
    final = attempts >= max_attempts
    log.warning("delivery %s (%s) failed, attempt %s%s: %s", delivery.id, delivery.kind, attempts,
                " (giving up)" if final else "", error[:200])
    tx.execute(_ATTEMPT, {"id": delivery.id, "now": now, "outcome": "failed", "error": error})
    tx.execute(_RETRY, {"id": delivery.id, "error": error, "state": "failed" if final else "pending",
                        "next": now + timedelta(seconds=delivery_retry_seconds(attempts))})


def delivering(senders: Mapping[str, Sender], every: float = 1.0, max_attempts: int = MAX_ATTEMPTS) -> Callable:
    """Decorate a service method to send its due deliveries every ``every`` seconds, in every replica."""
    def decorator(method: Callable) -> Callable:
        @functools.wraps(method)
        def work(self: Any) -> int:
            return send_due(self.db, senders, max_attempts)
        return timer(interval=every, eager=True)(work)
    return decorator
