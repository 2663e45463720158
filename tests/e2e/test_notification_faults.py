"""Notifications under faults lose nothing and send nothing twice, apart from the one send a crash
interrupts, which carries the same id (issue 9). Each test runs a stack of its own and counts what
arrived against what was expected.
"""
import signal
import time
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa

from deploy.stack import Stack
from tests.e2e.api import Api, school
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, FAST_NOTIFICATIONS, stack_env
from tests.e2e.courses_world import eventually, published_course
from tests.mailbox import Mailbox
from tests.waiting import wait_until
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.e2e

URN = "970001"
DELIVERY_WORKERS = 4  # DeliveryWorkers per process: at most this many sends are in flight at a kill


@pytest.fixture
def own_stack(broker, postgres, tmp_path):
    """``own_stack(label, **settings)``: a stack of its own with the test pacing; its settings."""
    started: list[Stack] = []

    def start(label: str, **extra: str) -> tuple[Stack, dict]:
        env = stack_env(broker, postgres, label, tmp_path / "mail", **{**FAST_NOTIFICATIONS, **extra})
        stack = Stack(env, run_dir=tmp_path / "run")
        stack.up(timeout=120)
        started.append(stack)
        return stack, env

    yield start
    for stack in started:
        stack.down()


@pytest.fixture
def notifications_db():
    engines: list[sa.Engine] = []

    def connect(env: dict) -> sa.Engine:
        engines.append(sa.create_engine(env["NOTIFICATIONS_DB_URL"]))
        return engines[-1]

    yield connect
    for engine in engines:
        engine.dispose()


def _course(admin: Api) -> dict:
    """A region-shared course with room for everyone, at an alliance with one member school (no users:
    the participants are the only people emailed)."""
    region = admin.created("/api/v1/regions", {"name": "Fault Lines", "code": "FAULTS"})
    alliance = admin.created("/api/v1/alliances", {"name": "Fault Lines Hub", "region_id": region["id"],
                                                   "kind": "teaching_school_hub"})
    admin.created("/api/v1/schools", school(URN, "Fault Lane Primary"))
    admin.created(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": URN, "tier": "partner"})
    return published_course(admin, alliance["id"], capacity=200)


def _book_each(admin: Api, course: dict, emails: list[str]) -> list[dict]:
    def book(email: str):
        answer = admin.post(f"/api/v1/courses/{course['id']}/bookings", {
            "school_urn": URN, "participant": {"name": email.split("@")[0], "email": email}})
        return answer.status_code == 201 and answer.json()

    bookings = [eventually(lambda: book(emails[0]))]  # once courses has its copy of the school
    bookings += [book(email) for email in emails[1:]]
    assert all(booking and booking["status"] == "confirmed" for booking in bookings)
    return bookings


def _participants(label: str, count: int) -> list[str]:
    return [f"p{n:02d}@{label}.test" for n in range(count)]


def _to(messages: list[dict], emails: list[str]) -> list[dict]:
    wanted = set(emails)
    return [message for message in messages if set(message["to"]) & wanted]


def _states(db: sa.Engine, kind: str) -> Counter:
    with db.connect() as conn:
        return Counter(dict(conn.execute(sa.text("SELECT state, count(*) FROM deliveries WHERE kind = :kind"
                                                 " GROUP BY state"), {"kind": kind}).all()))


def _wait_all_sent(db: sa.Engine, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (states := _states(db, "email")) != Counter(sent=count):
        assert time.monotonic() < deadline, f"email deliveries after {timeout}s: {dict(states)}, expected {count} sent"
        time.sleep(0.2)


def _failed_attempts(db: sa.Engine) -> dict[str, int]:
    """Email delivery id -> its failed attempts so far."""
    with db.connect() as conn:
        return dict(conn.execute(sa.text(
            "SELECT d.id::text, count(a.id) FILTER (WHERE a.outcome = 'failed') FROM deliveries d"
            " LEFT JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.kind = 'email' GROUP BY d.id")).all())


def _claimed_now(db: sa.Engine) -> int:
    """Pending deliveries locked by a worker at this moment: sends in flight."""
    with db.connect() as conn:
        pending = conn.execute(sa.text("SELECT count(*) FROM deliveries WHERE state = 'pending'")).scalar()
        free = conn.execute(sa.text("SELECT count(*) FROM (SELECT id FROM deliveries WHERE state = 'pending'"
                                    " FOR UPDATE SKIP LOCKED) AS free")).scalar()
        conn.rollback()
    return pending - free


def _one_message_id_each(received: list[dict], emails: list[str]) -> dict[str, list[dict]]:
    """Messages by Message-ID, after checking that every participant has exactly one Message-ID."""
    ids_of = defaultdict(set)
    by_id = defaultdict(list)
    for message in received:
        [recipient] = message["to"]
        ids_of[recipient].add(message["message_id"])
        by_id[message["message_id"]].append(message)
    assert sorted(ids_of) == sorted(emails), "every participant is emailed"
    assert all(len(ids) == 1 for ids in ids_of.values()), {r: ids for r, ids in ids_of.items() if len(ids) > 1}
    return by_id


OUTAGE_SECONDS = 20


def test_an_smtp_outage_loses_no_email_and_sends_none_twice(own_stack, notifications_db):
    """The SMTP server is down while 40 people book; when it is back each gets one confirmation.

    The issue says "down for minutes"; here it is 20 s with EMAIL_FIRST_RETRY_SECONDS=1. Retries wait
    first_retry x 1, 2, 4, 8, 16 ...: with 1 s the attempts fall at about 0, 1, 3, 7 and 15 s (all
    refused) and the next at about 31 s gets through, exactly as with the default 10 s they fall at 0,
    10, 30, 70 and 150 s and the next at 310 s, across an outage of 200 s (3 1/3 minutes). Scaling the
    first retry scales the whole schedule, so the test walks the same attempts in a tenth of the time.
    """
    stack, env = own_stack("smtp_outage")
    db = notifications_db(env)
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    course = _course(admin)
    mailbox = Mailbox(stack.url("mailsink"))
    emails = _participants("outage", 40)

    stack.stop("mailsink", signal.SIGKILL)  # and kept down: the supervisor would restart a crash
    down_at = time.monotonic()
    _book_each(admin, course, emails)
    wait_until(lambda: (lambda failed: len(failed) == 40 and min(failed.values()) >= 1)(_failed_attempts(db)),
               timeout=15)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    stack.start("mailsink")
    _wait_all_sent(db, 40, timeout=45)

    received = _to(mailbox.messages(), emails)
    by_id = _one_message_id_each(received, emails)
    assert len(received) == 40, f"{len(received)} messages for 40 participants"
    assert len(by_id) == 40
    failed = _failed_attempts(db)
    assert min(failed.values()) >= 3, f"each email was refused through the outage: {sorted(failed.values())}"
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM messages")).scalar() == 40


def test_notifications_killed_mid_send_resends_only_what_was_in_flight_with_the_same_ids(own_stack,
                                                                                       notifications_db):
    """kill -9 of notifications while its workers wait for the server's answer: the server has each of
    those messages, the database does not know it. After a restart every participant has their email,
    and the only extra messages are those sends, with the same Message-ID."""
    stack, env = own_stack("kill9", MAIL_SINK_ANSWER_DELAY_SECONDS="1")
    db = notifications_db(env)
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    course = _course(admin)
    mailbox = Mailbox(stack.url("mailsink"))
    emails = _participants("kill9", 40)

    _book_each(admin, course, emails)
    mailbox.wait_for(lambda found: len(_to(found, emails)) >= 8, timeout=30)
    in_flight = _claimed_now(db)
    stack.stop("notifications", signal.SIGKILL)  # and kept down: the supervisor would restart a crash
    before_restart = len(_to(mailbox.messages(), emails))
    assert 1 <= in_flight <= DELIVERY_WORKERS and before_restart < 40, (in_flight, before_restart)

    stack.start("notifications")
    stack.wait_ready(timeout=60)
    _wait_all_sent(db, 40, timeout=60)

    received = _to(mailbox.messages(), emails)
    by_id = _one_message_id_each(received, emails)
    duplicates = len(received) - 40
    assert len(by_id) == 40
    assert 1 <= duplicates <= DELIVERY_WORKERS, f"{duplicates} duplicates, {in_flight} sends in flight at the kill"
    for copies in by_id.values():
        assert len({(m["subject"], m["text"]) for m in copies}) == 1, "a duplicate is the same message"
    with db.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM messages")).scalar() == 40


def test_a_webhook_answering_500_then_200_gets_each_event_acknowledged_once(own_stack):
    """Every booking's webhook is answered 500 at least twice, then 200: each event is acknowledged
    exactly once, every attempt of it carrying the same X-Delivery-ID, signed with the secret."""
    stack, env = own_stack("webhook500")
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    course = _course(admin)
    with WebhookReceiver(then=500) as receiver:
        hook = eventually(lambda: (lambda a: a.status_code == 201 and a.json())(admin.post("/api/v1/webhooks", {
            "alliance_id": course["alliance_id"], "url": receiver.url, "event_types": ["booking_confirmed"]})))
        bookings = _book_each(admin, course, _participants("webhook", 20))
        booking_ids = sorted(b["id"] for b in bookings)

        def refused_twice() -> bool:
            refusals = Counter(r.json()["data"]["id"] for r in receiver.received if r.answered == 500)
            return sorted(refusals) == booking_ids and min(refusals.values()) >= 2
        wait_until(refused_twice, timeout=30)
        receiver.answer(then=200)
        path = f"/api/v1/webhooks/{hook['id']}/deliveries?limit=100"
        logged = wait_until(lambda: (lambda items: len(items) == 20 and all(d["status"] == "sent" for d in items)
                                     and items)(admin.get(path).json()["items"]), timeout=30)
        requests = receiver.received
        assert receiver.verify(hook["secret"]) == len(requests)

    acknowledged = Counter(r.json()["data"]["id"] for r in requests if r.answered == 200)
    assert sorted(acknowledged) == booking_ids and set(acknowledged.values()) == {1}, acknowledged
    ids_of = defaultdict(set)
    for r in requests:
        ids_of[r.json()["data"]["id"]].add(r.header("X-Delivery-ID"))
        assert r.json()["delivery_id"] == r.header("X-Delivery-ID")
    assert all(len(ids) == 1 for ids in ids_of.values()), ids_of
    attempts = Counter(r.header("X-Delivery-ID") for r in requests)
    assert {d["id"]: (d["attempts"], d["last_response_code"]) for d in logged} == {
        delivery_id: (count, 200) for delivery_id, count in attempts.items()}
    numbers = defaultdict(list)
    for r in requests:
        numbers[r.header("X-Delivery-ID")].append(int(r.header("X-Delivery-Attempt")))
    assert all(sorted(numbers[delivery_id]) == list(range(1, count + 1)) for delivery_id, count in attempts.items())
