"""Webhook deliveries on the real database to a real HTTP receiver: signed, retried, given up, disabled."""
import socket
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.chassis.database import UnitOfWork
from services.chassis.deliveries import Channel, send_due
from services.chassis.envelope import make_envelope
from services.chassis.periodic import Clock
from services.chassis.scope import CallerScope, Role
from services.notifications import webhook_delivery, webhooks
from services.notifications.models import (
    alliances,
    deliveries,
    delivery_attempts,
    mail_items,
    metadata,
    notifications,
    users,
)
from services.notifications.models import webhooks as webhooks_table
from services.notifications.signing import new_secret
from tests.webhook_receiver import HANG, WebhookReceiver

pytestmark = pytest.mark.integration
outbox = metadata.tables["outbox"]
REGION, ALLIANCE, OTHER_ALLIANCE = (str(uuid.uuid4()) for _ in range(3))
A_DAY = timedelta(days=1)


@pytest.fixture
def db(migrated_db) -> UnitOfWork:
    db = migrated_db("services.notifications", "notifications")
    with db.transaction() as tx:
        tx.execute(sa.insert(alliances), [
            {"id": ALLIANCE, "region_id": REGION, "name": "Affinity", "kind": "teaching_school_alliance"},
            {"id": OTHER_ALLIANCE, "region_id": REGION, "name": "LeTS", "kind": "teaching_school_hub"}])
        tx.execute(sa.insert(users), [
            person("ada@affinity.test", "alliance_admin", ALLIANCE),
            person("bo@affinity.test", "alliance_admin", ALLIANCE),
            person("cy@affinity.test", "alliance_staff", ALLIANCE),
            person("di@lets.test", "alliance_admin", OTHER_ALLIANCE)])
    return db


def person(email: str, role: str, alliance_id: str) -> dict:
    return {"id": str(uuid.uuid4()), "email": email, "name": email.split("@")[0], "role": role,
            "region_id": REGION, "alliance_id": alliance_id, "active": True}


def add_webhook(db: UnitOfWork, url: str) -> dict:
    with db.transaction() as tx:
        return dict(tx.execute(sa.insert(webhooks_table).values(
            alliance_id=ALLIANCE, url=url, event_types=["course_published", "booking_confirmed"],
            secret=new_secret(), created_by=str(uuid.uuid4()),
        ).returning(webhooks_table.c.id, webhooks_table.c.secret)).mappings().one())


def course_published() -> dict:
    return make_envelope("courses", "course_published", {"id": str(uuid.uuid4()), "title": "Middle leadership"},
                         region_id=REGION, alliance_id=ALLIANCE)


def publish_course(db: UnitOfWork) -> tuple[dict, str]:
    """A course_published event queued as the service does; (its envelope, the webhook delivery's id)."""
    envelope = course_published()
    with db.transaction() as tx:
        assert webhooks.queue(tx, envelope) == 1
    with db.transaction() as tx:
        delivery_id = tx.execute(sa.select(deliveries.c.id).where(
            deliveries.c.payload["event_id"].astext == envelope["event_id"])).scalar_one()
    return envelope, str(delivery_id)


def channel(timeout: float = 2.0, private_allowed: bool = True, disable_after: timedelta = A_DAY) -> Channel:
    """The service's webhook channel, with this test's timeout, target rule and disable period."""
    return Channel(send=webhook_delivery.poster(timeout, private_allowed), first_retry=1.0, growth=2.5,
                   after=webhook_delivery.after(disable_after), prepare=webhook_delivery.prepare)


def send(db: UnitOfWork, clock: Clock, webhook_channel: Channel) -> int:
    return send_due(db, {"webhook": webhook_channel}, clock=clock)


def delivery(db: UnitOfWork, delivery_id: str) -> dict:
    with db.transaction() as tx:
        row = dict(tx.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id)).mappings().one())
        row["tries"] = [tuple(t) for t in tx.execute(
            sa.select(delivery_attempts.c.outcome, delivery_attempts.c.response_code)
            .where(delivery_attempts.c.delivery_id == delivery_id).order_by(delivery_attempts.c.id))]
    return row


def webhook(db: UnitOfWork, webhook_id: str) -> dict:
    with db.transaction() as tx:
        return dict(tx.execute(sa.select(webhooks_table).where(webhooks_table.c.id == webhook_id)).mappings().one())


def events(db: UnitOfWork, event_type: str) -> list[dict]:
    with db.transaction() as tx:
        return list(tx.execute(sa.select(outbox.c.envelope).where(outbox.c.event_type == event_type)
                               .order_by(outbox.c.id)).scalars())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_delivery_arrives_signed_with_its_delivery_id(db, webhook_receiver):
    hook = add_webhook(db, webhook_receiver.url)
    envelope, delivery_id = publish_course(db)
    assert send(db, Clock(), channel()) == 1

    [request] = webhook_receiver.received
    assert webhook_receiver.verify(hook["secret"]) == 1
    assert request.method == "POST" and request.path == "/hook"
    assert request.header("Content-Type") == "application/json"
    assert request.header("X-Delivery-ID") == delivery_id and request.header("X-Event-Type") == "course_published"
    body = request.json()
    assert body["delivery_id"] == delivery_id and body["event_id"] == envelope["event_id"]
    assert body["event_type"] == "course_published" and body["data"] == envelope["data"]
    assert body["alliance_id"] == ALLIANCE and int(request.header("X-Timestamp")) == body["timestamp"]
    assert "_secret" not in body and hook["secret"] not in request.body.decode()
    with pytest.raises(AssertionError, match="X-Signature does not match"):
        webhook_receiver.verify(new_secret())
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("sent", 1, 200)
    assert "_secret" not in stored["payload"] and "_url" not in stored["payload"]


def test_two_500s_then_a_200_is_sent_on_the_third_attempt_with_the_same_delivery_id(db, webhook_receiver):
    hook, clock, webhook_channel = add_webhook(db, webhook_receiver.url), Clock(), channel()
    webhook_receiver.answer(500, 500, 200)
    _, delivery_id = publish_course(db)

    for failed in (1, 2):
        assert send(db, clock, webhook_channel) == 0
        assert webhook(db, hook["id"])["failing_since"] is not None
        clock.advance(webhook_channel.retry_in(failed) - 0.2)
        assert send(db, clock, webhook_channel) == 0 and len(webhook_receiver.received) == failed  # not due yet
        clock.advance(0.2)
    assert send(db, clock, webhook_channel) == 1

    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("sent", 3, 200)
    assert stored["tries"] == [("failed", 500), ("failed", 500), ("sent", 200)]
    received = webhook_receiver.received
    assert webhook_receiver.verify(hook["secret"]) == 3
    assert {r.header("X-Delivery-ID") for r in received} == {delivery_id}
    assert [r.header("X-Delivery-Attempt") for r in received] == ["1", "2", "3"]
    assert webhook(db, hook["id"])["failing_since"] is None  # the success ended the failing spell


@pytest.mark.parametrize("code", [408, 425, 429, 500, 503])
def test_answers_worth_retrying_leave_the_delivery_pending(db, webhook_receiver, code):
    add_webhook(db, webhook_receiver.url)
    webhook_receiver.answer(code)
    _, delivery_id = publish_course(db)
    assert send(db, Clock(), channel()) == 0
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("pending", 1, code)


@pytest.mark.parametrize("code", [400, 404, 410])
def test_an_answer_retrying_cannot_mend_fails_at_once_and_says_so_without_an_email_address(
        db, webhook_receiver, code):
    hook, clock = add_webhook(db, webhook_receiver.url), Clock()
    webhook_receiver.answer(code)
    _, delivery_id = publish_course(db)
    assert send(db, clock, channel()) == 0
    clock.advance(3600)
    assert send(db, clock, channel()) == 0 and len(webhook_receiver.received) == 1

    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("failed", 1, code)
    assert stored["tries"] == [("failed", code)]
    [failed] = events(db, "notification_failed")
    assert failed["alliance_id"] == ALLIANCE
    assert failed["data"] == {
        "delivery_id": delivery_id, "channel": "webhook", "webhook_id": str(hook["id"]), "alliance_id": ALLIANCE,
        "event_type": "course_published", "attempts": 1, "last_response_code": code,
        "last_error": f"PermanentFailure: the receiver answered {code}"}
    assert "@" not in str(failed)


def test_a_receiver_that_hangs_past_the_timeout_is_a_failed_attempt_and_retried(db, webhook_receiver):
    hook, clock, webhook_channel = add_webhook(db, webhook_receiver.url), Clock(), channel(timeout=0.3)
    webhook_receiver.answer(HANG)
    _, delivery_id = publish_course(db)
    assert send(db, clock, webhook_channel) == 0
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("pending", 1, None)
    assert "no answer within 0.3 s" in stored["last_error"]

    clock.advance(1)
    assert send(db, clock, webhook_channel) == 1
    assert [r.header("X-Delivery-ID") for r in webhook_receiver.received] == [delivery_id, delivery_id]
    assert webhook_receiver.verify(hook["secret"]) == 2


def test_a_refused_connection_is_retried_and_delivered_once_the_receiver_listens(db):
    port, clock, webhook_channel = free_port(), Clock(), channel()
    hook = add_webhook(db, f"http://127.0.0.1:{port}/hook")
    _, delivery_id = publish_course(db)
    assert send(db, clock, webhook_channel) == 0
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("pending", 1, None)
    assert "could not connect" in stored["last_error"]

    with WebhookReceiver(port=port) as receiver:
        clock.advance(1)
        assert send(db, clock, webhook_channel) == 1
        assert [r.header("X-Delivery-ID") for r in receiver.received] == [delivery_id]
        assert receiver.verify(hook["secret"]) == 1


def admin_of(alliance_id: str) -> CallerScope:
    return CallerScope(user_id=str(uuid.uuid4()), role=Role.ALLIANCE_ADMIN, alliance_id=alliance_id)


def test_a_webhook_stopped_before_its_delivery_is_due_posts_nothing(db, webhook_receiver):
    hook, clock = add_webhook(db, webhook_receiver.url), Clock()
    _, delivery_id = publish_course(db)
    with db.transaction() as tx:
        webhooks.delete(tx, admin_of(ALLIANCE), str(hook["id"]))
    assert send(db, clock, channel()) == 0
    assert webhook_receiver.received == []
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["tries"]) == ("cancelled", 0, [])
    with db.transaction() as tx:
        assert webhooks.queue(tx, course_published()) == 0  # nor is anything new queued


def test_a_retry_of_a_webhook_stopped_meanwhile_is_cancelled(db, webhook_receiver):
    hook, clock = add_webhook(db, webhook_receiver.url), Clock()
    webhook_receiver.answer(500)
    _, delivery_id = publish_course(db)
    assert send(db, clock, channel()) == 0
    with db.transaction() as tx:
        webhooks.delete(tx, admin_of(ALLIANCE), str(hook["id"]))
    clock.advance(60)
    assert send(db, clock, channel()) == 0
    assert len(webhook_receiver.received) == 1
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"]) == ("cancelled", 1)
    assert events(db, "notification_failed") == []


def test_a_webhook_failing_for_the_whole_period_is_disabled_and_its_alliance_admins_told(db, webhook_receiver):
    hook, clock = add_webhook(db, webhook_receiver.url), Clock()
    webhook_channel = channel(disable_after=timedelta(seconds=60))
    webhook_receiver.answer(then=503)
    _, delivery_id = publish_course(db)
    first_failure = None
    for failed in range(1, 11):
        send(db, clock, webhook_channel)
        first_failure = first_failure or webhook(db, hook["id"])["failing_since"]
        if webhook(db, hook["id"])["status"] == "disabled":
            break
        clock.advance(webhook_channel.retry_in(failed))

    stopped = webhook(db, hook["id"])
    assert stopped["status"] == "disabled" and failed == 6  # 0, 1, 3.5, 9.75, 25.4 s: under a minute; 64.4 s
    assert stopped["disabled_at"] - first_failure >= timedelta(seconds=60)
    assert stopped["disabled_reason"].startswith("every delivery failed since")
    [disabled] = events(db, "webhook_disabled")
    assert disabled["data"]["webhook_id"] == str(hook["id"]) and disabled["data"]["alliance_id"] == ALLIANCE
    assert disabled["alliance_id"] == ALLIANCE
    with db.transaction() as tx:
        told = tx.execute(sa.select(users.c.email, notifications.c.body)
                          .join(notifications, notifications.c.user_id == users.c.id)
                          .where(notifications.c.event_type == "webhook_disabled")).all()
        mailed = tx.execute(sa.select(mail_items.c.recipient, mail_items.c.kind, mail_items.c.timing)).all()
    assert sorted(email for email, _ in told) == ["ada@affinity.test", "bo@affinity.test"]  # not staff, not LeTS
    body = told[0].body
    assert webhook_receiver.url in body and f"{first_failure:%Y-%m-%d %H:%M} UTC" in body
    assert f"POST /api/v1/webhooks/{hook['id']}/enable" in body
    assert sorted(mailed) == [("ada@affinity.test", "webhook_disabled", "immediate"),
                              ("bo@affinity.test", "webhook_disabled", "immediate")]

    clock.advance(3600)
    send(db, clock, webhook_channel)
    assert len(webhook_receiver.received) == 6  # its retry is cancelled, not posted
    assert delivery(db, delivery_id)["state"] == "cancelled"
    with db.transaction() as tx:
        assert webhooks.queue(tx, course_published()) == 0


def test_a_success_in_between_starts_the_failing_period_again(db, webhook_receiver):
    hook, clock = add_webhook(db, webhook_receiver.url), Clock()
    webhook_channel = channel(disable_after=timedelta(seconds=60))
    webhook_receiver.answer(500, 200, then=500)
    publish_course(db)
    send(db, clock, webhook_channel)
    clock.advance(50)
    assert send(db, clock, webhook_channel) == 1
    assert webhook(db, hook["id"])["failing_since"] is None

    publish_course(db)
    send(db, clock, webhook_channel)
    failing_since = webhook(db, hook["id"])["failing_since"]
    clock.advance(20)  # 70 s after the first failure, 20 s into this spell
    send(db, clock, webhook_channel)
    assert webhook(db, hook["id"])["status"] == "active"
    assert webhook(db, hook["id"])["failing_since"] == failing_since
    clock.advance(45)
    send(db, clock, webhook_channel)
    assert webhook(db, hook["id"])["status"] == "disabled"
    assert len(webhook_receiver.received) == 5


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_without_private_targets_a_url_resolving_to_loopback_fails_at_once_and_nothing_is_posted(
        db, webhook_receiver, host):
    hook = add_webhook(db, webhook_receiver.url.replace("127.0.0.1", host))
    _, delivery_id = publish_course(db)
    assert send(db, Clock(), channel(private_allowed=False)) == 0
    assert webhook_receiver.received == []
    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"]) == ("failed", 1)
    assert stored["last_error"].startswith(f"PermanentFailure: target refused: {host} resolves to a loopback")
    [failed] = events(db, "notification_failed")
    assert failed["data"]["webhook_id"] == str(hook["id"])


def test_the_tenth_failure_gives_up(db, webhook_receiver):
    hook, clock, webhook_channel = add_webhook(db, webhook_receiver.url), Clock(), channel()
    webhook_receiver.answer(then=503)
    _, delivery_id = publish_course(db)
    for failed in range(1, 11):
        assert delivery(db, delivery_id)["state"] == "pending"
        assert send(db, clock, webhook_channel) == 0
        clock.advance(webhook_channel.retry_in(failed))
    clock.advance(3600)
    assert send(db, clock, webhook_channel) == 0

    stored = delivery(db, delivery_id)
    assert (stored["state"], stored["attempts"], stored["last_response_code"]) == ("failed", 10, 503)
    assert stored["tries"] == [("failed", 503)] * 10
    received = webhook_receiver.received
    assert [r.header("X-Delivery-Attempt") for r in received] == [str(n) for n in range(1, 11)]
    assert {r.header("X-Delivery-ID") for r in received} == {delivery_id}
    [failed] = events(db, "notification_failed")
    assert (failed["data"]["attempts"], failed["data"]["last_response_code"]) == (10, 503)
    assert webhook(db, hook["id"])["status"] == "active"  # 42 minutes of failures: not yet a day
