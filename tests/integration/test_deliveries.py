"""Deliveries on the real database: decided with the transaction, sent once, retried, failed, resent once."""
from datetime import datetime, timezone

import eventlet
import pytest
import sqlalchemy as sa

from services.chassis.database import UnitOfWork
from services.chassis.deliveries import _CLAIM, Delivery, add_delivery, send_due
from services.chassis.periodic import Clock
from tests.integration.probe.models import deliveries, delivery_attempts

pytestmark = pytest.mark.integration


@pytest.fixture
def db(migrated_db):
    return migrated_db("tests.integration.probe", "chassis_probe")


class Receiver:
    """The far end: counts what arrives by delivery id; fails the first ``failures`` sends."""

    def __init__(self, failures: int = 0, pause: float = 0.0) -> None:
        self.received: list[str] = []
        self.failures = failures
        self.pause = pause

    def __call__(self, delivery: Delivery) -> None:
        eventlet.sleep(self.pause)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the far end is down")
        self.received.append(delivery.id)


def decide(db: UnitOfWork, n: int = 1) -> list[str]:
    with db.transaction() as tx:
        return [add_delivery(tx, "webhook", "https://example.test/hook", {"n": i}) for i in range(n)]


def state(db: UnitOfWork, delivery_id: str) -> dict:
    with db.transaction() as tx:
        row = tx.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).mappings().one()
        outcomes = tx.execute(sa.select(delivery_attempts.c.outcome).where(
            delivery_attempts.c.delivery_id == delivery_id).order_by(delivery_attempts.c.id)).scalars().all()
    return {"state": row["state"], "attempts": row["attempts"], "outcomes": outcomes}


def test_a_delivery_decided_in_a_rolled_back_transaction_is_never_sent(db):
    receiver = Receiver()
    with pytest.raises(RuntimeError):
        with db.transaction() as tx:
            add_delivery(tx, "webhook", "https://example.test/hook", {})
            raise RuntimeError("the event's effect failed")
    assert send_due(db, {"webhook": receiver}) == 0 and receiver.received == []


def test_a_failing_far_end_is_retried_with_backoff_and_each_attempt_recorded(db):
    clock, receiver = Clock(), Receiver(failures=2)
    [delivery_id] = decide(db)
    for _ in range(3):
        send_due(db, {"webhook": receiver}, clock=clock)
        assert send_due(db, {"webhook": receiver}, clock=clock) == 0  # backing off: not due yet
        clock.advance(60)
    assert receiver.received == [delivery_id]
    assert state(db, delivery_id) == {"state": "sent", "attempts": 3, "outcomes": ["failed", "failed", "sent"]}


def test_a_delivery_that_keeps_failing_is_given_up_after_its_attempts(db):
    clock, receiver = Clock(), Receiver(failures=99)
    [delivery_id] = decide(db)
    for _ in range(5):
        send_due(db, {"webhook": receiver}, max_attempts=3, clock=clock)
        clock.advance(60)
    assert state(db, delivery_id) == {"state": "failed", "attempts": 3, "outcomes": ["failed"] * 3}


def test_two_workers_never_send_the_same_delivery(db):
    receiver = Receiver(pause=0.05)
    decided = decide(db, 12)
    workers = [eventlet.spawn(send_due, db, {"webhook": receiver}, limit=4) for _ in range(3)]
    while sum(w.wait() for w in workers) and len(receiver.received) < len(decided):
        workers = [eventlet.spawn(send_due, db, {"webhook": receiver}, limit=4) for _ in range(3)]
    assert sorted(receiver.received) == sorted(decided)


def test_a_worker_dying_between_sending_and_recording_gives_one_duplicate_with_the_same_id(db):
    [delivery_id] = decide(db)
    receiver = Receiver()

    def dies_after_sending(delivery: Delivery) -> None:
        receiver(delivery)
        raise SystemExit("the worker was killed before it recorded the send")

    with pytest.raises(SystemExit):
        send_due(db, {"webhook": dies_after_sending})
    assert state(db, delivery_id)["state"] == "pending"
    assert send_due(db, {"webhook": receiver}) == 1
    assert receiver.received == [delivery_id, delivery_id]  # the receiver sees the same id twice
    assert state(db, delivery_id) == {"state": "sent", "attempts": 1, "outcomes": ["sent"]}


def test_a_far_end_that_hangs_counts_as_a_failed_attempt(db):
    [delivery_id] = decide(db)
    assert send_due(db, {"webhook": Receiver(pause=5)}, timeout=0.2) == 0
    assert state(db, delivery_id) == {"state": "pending", "attempts": 1, "outcomes": ["failed"]}


def test_a_worker_sends_the_kinds_it_has_a_channel_for_and_leaves_the_others(db):
    with db.transaction() as tx:
        email_id = add_delivery(tx, "email", "ada@example.test", {})
    [webhook_id] = decide(db)
    receiver = Receiver()
    assert send_due(db, {"webhook": receiver}) == 1
    assert receiver.received == [webhook_id]
    assert state(db, email_id) == {"state": "pending", "attempts": 0, "outcomes": []}
    assert send_due(db, {"email": receiver}) == 1 and receiver.received == [webhook_id, email_id]


def test_a_claim_reads_the_oldest_due_row_alone_even_before_the_table_has_statistics(db):
    """The claim's plan walks ix_deliveries_due in order and stops at the first row. On a new table (no
    statistics) a claim that let the planner use the kind's index fetched and sorted every due row: 12 ms a
    claim with a backlog of 1,300, for each of them."""
    with db.transaction() as tx:
        tx.execute(sa.text("INSERT INTO deliveries (kind, target, payload) SELECT CASE WHEN n % 2 = 0 THEN 'email'"
                           " ELSE 'webhook' END, 'target-' || n, jsonb_build_object('text', repeat('x', 1500))"
                           " FROM generate_series(1, 3000) AS n"))
        tx.execute(sa.text("UPDATE deliveries SET state = 'sent' WHERE target < 'target-2'"))
    with db.transaction() as tx:
        plan = "\n".join(tx.execute(sa.text(f"EXPLAIN {_CLAIM.text}"), {"now": datetime.now(timezone.utc),
                                                                       "kinds": ["email", "webhook"]}).scalars())
    assert "Index Scan using ix_deliveries_due" in plan and "Sort" not in plan and "Bitmap" not in plan, plan
