"""Notifications' fan-out on the real database: what one booking event decides, once, and what batching
makes of the merged items; a webhook's row written only when a success ends its failures."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.deliveries import Attempt, Delivery
from services.notifications import batching, fan_out, webhook_delivery, webhooks
from services.notifications.emails import message_id_for
from services.notifications.models import alliances, users
from services.notifications.pacing import PACING

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
ALLIANCE, OTHER_ALLIANCE, REGION = (str(uuid.uuid4()) for _ in range(3))
OFFICE = str(uuid.uuid4())
URN = "110002"


@pytest.fixture
def db(migrated_db):
    db = migrated_db("services.notifications", "notifications")
    with db.transaction() as tx:
        tx.execute(sa.insert(alliances), [
            {"id": ALLIANCE, "region_id": REGION, "name": "Affinity", "kind": "teaching_school_alliance"},
            {"id": OTHER_ALLIANCE, "region_id": REGION, "name": "Step", "kind": "teaching_school_alliance"}])
        tx.execute(sa.insert(users).values(id=OFFICE, email="office@school.test", name="Office", role="school_user",
                                           school_urn=URN, active=True))
    return db


def _hook(db, alliance_id: str, event_types: list[str]) -> str:
    with db.transaction() as tx:
        return str(tx.execute(sa.text(
            "INSERT INTO webhooks (alliance_id, url, event_types, secret, created_by)"
            " VALUES (:alliance, 'https://receiver.test/hook', :types, 'whsec_x', :alliance) RETURNING id"),
            {"alliance": alliance_id, "types": event_types}).scalar())


def _booking(email: str) -> dict:
    return {"event_id": str(uuid.uuid4()), "event_type": "booking_confirmed", "occurred_at": NOW.isoformat(),
            "source": "courses", "region_id": REGION, "alliance_id": ALLIANCE, "schema_version": 1,
            "data": {"id": str(uuid.uuid4()), "course_id": "c1", "course_title": "Early reading",
                     "alliance_id": ALLIANCE, "region_id": REGION, "school_urn": URN, "school_name": "School",
                     "participant": {"name": "Sam Patel", "email": email, "role": None}, "status": "confirmed",
                     "price_pence": 12550, "member_price": True, "waitlist_position": None, "fee_pence": None}}


def _handle(db, envelope: dict) -> tuple[int, int]:
    with db.transaction() as tx:
        return fan_out.notify(tx, envelope, NOW), webhooks.queue(tx, envelope)


def _rows(db, sql: str) -> list[dict]:
    with db.transaction() as tx:
        return [dict(row) for row in tx.execute(sa.text(sql)).mappings()]


def test_a_booking_decides_one_email_a_merged_item_a_feed_entry_and_its_webhooks_once(db):
    hook = _hook(db, ALLIANCE, ["booking_confirmed"])
    _hook(db, ALLIANCE, ["booking_cancelled"])
    _hook(db, OTHER_ALLIANCE, ["booking_confirmed"])
    envelope = _booking("Sam@School.test")

    assert _handle(db, envelope) == (2, 1)  # the participant and the school's office; one webhook
    with db.transaction() as tx:  # the same event again (a replay past the inbox): no more rows below
        assert fan_out.notify(tx, envelope, NOW) == 2

    message_id = message_id_for("sam@school.test", envelope["event_id"])
    [message] = _rows(db, "SELECT id::text, recipient, kind, items, delivery_id::text FROM messages")
    assert message == {"id": message_id, "recipient": "sam@school.test", "kind": "booking", "items": 1,
                       "delivery_id": message["delivery_id"]}
    deliveries = {row["kind"]: row for row in _rows(db, "SELECT id::text, kind, target, payload FROM deliveries"
                                                        " ORDER BY kind")}
    assert deliveries["email"]["id"] == message["delivery_id"] and deliveries["email"]["target"] == "sam@school.test"
    assert deliveries["email"]["payload"]["message_id"] == message_id
    assert deliveries["email"]["payload"]["subject"] == "Place confirmed: Early reading"
    assert deliveries["webhook"]["target"] == hook and deliveries["webhook"]["payload"]["event_id"] == envelope[
        "event_id"]
    assert len(deliveries) == len(_rows(db, "SELECT id FROM deliveries")) == 2  # of three webhooks, one wants it

    items = _rows(db, "SELECT recipient, kind, timing, due_at, message_id::text, notice FROM mail_items"
                      " ORDER BY recipient")
    assert [(i["recipient"], i["kind"], i["timing"], i["message_id"]) for i in items] == [
        ("office@school.test", "school_bookings", "merged", None),
        ("sam@school.test", "booking", "immediate", message_id)]
    assert items[0]["due_at"] == NOW + PACING.merge_window and items[1]["due_at"] == NOW
    assert items[1]["notice"]["sender"] == "Affinity"
    assert _rows(db, "SELECT user_id::text, kind, title FROM notifications") == [
        {"user_id": OFFICE, "kind": "school_bookings", "title": "Place confirmed: Early reading"}]


def test_merged_items_become_one_email_once_the_window_has_closed(db):
    for email in ("a@school.test", "b@school.test"):
        _handle(db, _booking(email))
    with db.transaction() as tx:
        assert batching.send_merged(tx, NOW + PACING.merge_window - timedelta(seconds=1)) == 0
    with db.transaction() as tx:
        assert batching.send_merged(tx, NOW + PACING.merge_window) == 1

    [merged] = _rows(db, "SELECT id::text, subject, items FROM messages WHERE kind = 'school_bookings'")
    assert merged["items"] == 2 and merged["subject"] == "2 booking updates from Affinity"
    assert {row["message_id"] for row in _rows(
        db, "SELECT message_id::text FROM mail_items WHERE recipient = 'office@school.test'")} == {merged["id"]}
    with db.transaction() as tx:
        assert batching.send_merged(tx, NOW + 2 * PACING.merge_window) == 0


def test_a_webhook_success_writes_its_row_only_to_end_its_failures(db):
    hook = _hook(db, ALLIANCE, ["booking_confirmed"])
    _handle(db, _booking("sam@school.test"))
    [stored] = _rows(db, "SELECT id::text, kind, target, payload FROM deliveries WHERE kind = 'webhook'")
    record = webhook_delivery.after(timedelta(days=1))

    def succeed() -> None:
        with db.transaction() as tx:
            prepared = webhook_delivery.prepare(tx, Delivery(stored["id"], "webhook", hook, stored["payload"]))
            record(tx, Attempt(prepared, NOW, sent=True, final=True, response_code=200))

    def version() -> dict:
        return _rows(db, "SELECT xmin::text AS version, failing_since FROM webhooks")[0]

    with db.transaction() as tx:
        tx.execute(sa.text("UPDATE webhooks SET failing_since = :at"), {"at": NOW - timedelta(hours=1)})
    succeed()
    cleared = version()
    assert cleared["failing_since"] is None
    succeed()
    assert version() == cleared, "a success on a webhook that is not failing leaves its row alone"
