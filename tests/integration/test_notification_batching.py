"""Merged emails and daily digests on notifications' own database, at moments the tests choose.

Items are made by ``fan_out.notify`` from events shaped like the real ones
(tests/integration/notification_world.py); ``batching.send_merged`` and
``send_digests`` then run at chosen times, as the periodic jobs would. The
merge window is 10 minutes and the digest hour 7, London time.
"""
from datetime import date, datetime, timedelta, timezone

import eventlet
import pytest
import sqlalchemy as sa
from psycopg2 import extensions, extras

from services.chassis.scope import CallerScope, Role
from services.notifications import batching, fan_out, feed
from services.notifications.models import deliveries, mail_items, messages, notifications, users
from services.notifications.pacing import Pacing
from tests.integration import notification_world as w

pytestmark = pytest.mark.integration
WINDOW = timedelta(minutes=10)
UTC = timezone.utc
OFFICE_EMAIL, HEAD_EMAIL = "office@forestway.test", "head@forestway.test"


@pytest.fixture(autouse=True)
def pacing(monkeypatch):
    """A 10-minute window and the digest from 07:00 London time, whatever the environment says."""
    fixed = Pacing(WINDOW, digest_hour=7, link_base="http://app.test")
    monkeypatch.setattr(fan_out, "PACING", fixed)
    monkeypatch.setattr(batching, "PACING", fixed)


@pytest.fixture
def db(migrated_db):
    unit = migrated_db("services.notifications", "notifications")
    with unit.transaction() as tx:
        for envelope in w.world_events():
            w.keep(tx, envelope)
    return unit


def notify(db, envelope: dict, now: datetime) -> None:
    with db.transaction() as tx:
        fan_out.notify(tx, envelope, now)


def send_merged(db, now: datetime) -> int:
    with db.transaction() as tx:
        return batching.send_merged(tx, now)


def send_digests(db, now: datetime) -> int:
    with db.transaction() as tx:
        return batching.send_digests(tx, now)


def prefer(db, user_id: str, email: str) -> None:
    with db.transaction() as tx:
        feed.set_preferences(tx, CallerScope(user_id=user_id, role=Role.SCHOOL_USER, school_urn=w.SCHOOL),
                             {"email": email})


def sent(db, **where: object) -> list[dict]:
    """Messages (oldest first), each with its delivery's payload and the subjects of its items."""
    query = sa.select(messages, deliveries.c.payload, deliveries.c.target, deliveries.c.kind.label("channel")) \
        .join(deliveries, deliveries.c.id == messages.c.delivery_id) \
        .where(*(messages.c[name] == value for name, value in where.items())) \
        .order_by(messages.c.created_at, messages.c.recipient)
    with db.transaction() as tx:
        found = [dict(row) for row in tx.execute(query).mappings()]
        for message in found:
            message["titles"] = sorted(tx.execute(sa.select(mail_items.c.notice["title"].astext).where(
                mail_items.c.message_id == message["id"])).scalars())
    return found


def waiting(db, recipient: str) -> list[str]:
    with db.transaction() as tx:
        return sorted(tx.execute(sa.select(mail_items.c.notice["title"].astext).where(
            mail_items.c.recipient == recipient, mail_items.c.message_id.is_(None))).scalars())


def test_news_of_one_kind_waits_for_the_window_of_its_first_item_then_goes_as_one_email(db):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    notify(db, w.course_published(w.AFFINITY, "Phonics"), t0)
    notify(db, w.booking("booking_confirmed", "Phonics", "confirmed"), t0 + timedelta(minutes=1))
    notify(db, w.course_published(w.LETS, "Maths mastery"), t0 + timedelta(minutes=2))
    notify(db, w.course_published(w.AFFINITY, "Science"), t0 + timedelta(minutes=9))
    [at_once] = sent(db)  # the participant's own booking: decided with the event, no waiting
    assert (at_once["recipient"], at_once["kind"], at_once["target"]) == (w.PARTICIPANT, "booking", w.PARTICIPANT)

    assert send_merged(db, t0 + WINDOW - timedelta(seconds=1)) == 0
    assert waiting(db, OFFICE_EMAIL) == ["New course: Maths mastery", "New course: Phonics", "New course: Science",
                                         "Place confirmed: Phonics"]
    assert send_merged(db, t0 + WINDOW) == 2  # the office and the head: new courses; bookings wait a minute more
    news = sent(db, kind="new_courses")
    assert [m["recipient"] for m in news] == [HEAD_EMAIL, OFFICE_EMAIL]
    for message in news:
        assert message["titles"] == ["New course: Maths mastery", "New course: Phonics", "New course: Science"]
        assert message["items"] == 3 and message["subject"] == "3 new courses from 2 alliances"
        assert message["channel"] == "email" and message["target"] == message["recipient"]
        payload = message["payload"]
        assert payload["subject"] == message["subject"] and payload["message_id"] == message["id"]
        assert payload["from_name"] == "Alliance Network"  # from several alliances
        assert all(title in payload["text"] and title in payload["html"] for title in message["titles"])
    assert send_merged(db, t0 + WINDOW) == 0  # sent once

    assert send_merged(db, t0 + WINDOW + timedelta(minutes=1)) == 2
    for message in sent(db, kind="school_bookings"):
        assert message["titles"] == ["Place confirmed: Phonics"]
        assert message["subject"] == "Place confirmed: Phonics" and message["payload"]["from_name"] == "Affinity"
    assert waiting(db, OFFICE_EMAIL) == []

    later = t0 + timedelta(minutes=12)  # after the first email: a window of its own
    notify(db, w.course_published(w.AFFINITY, "History"), later)
    assert send_merged(db, later + WINDOW - timedelta(seconds=1)) == 0
    assert send_merged(db, later + WINDOW) == 2
    latest = sent(db, kind="new_courses")[-2:]
    assert [(m["subject"], m["items"]) for m in latest] == [("New course: History", 1)] * 2
    assert latest[0]["payload"]["from_name"] == "Affinity"
    assert len(sent(db)) == 7 and len({m["id"] for m in sent(db)}) == 7


def test_waiting_news_is_not_emailed_to_someone_who_turned_email_off_or_was_deactivated(db):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    notify(db, w.course_published(w.AFFINITY, "Phonics"), t0)
    assert waiting(db, OFFICE_EMAIL) == waiting(db, HEAD_EMAIL) == ["New course: Phonics"]
    prefer(db, w.OFFICE, "off")
    with db.transaction() as tx:
        tx.execute(sa.update(users).where(users.c.email == HEAD_EMAIL).values(active=False))
    assert send_merged(db, t0 + WINDOW) == 0
    assert waiting(db, OFFICE_EMAIL) == waiting(db, HEAD_EMAIL) == [] and sent(db, kind="new_courses") == []
    with db.transaction() as tx:  # the feed keeps what they were told
        assert tx.execute(sa.select(sa.func.count()).select_from(notifications)).scalar() == 2


@pytest.mark.parametrize("before, hour", [
    (datetime(2026, 1, 15, 6, 59, 59, tzinfo=UTC), datetime(2026, 1, 15, 7, 0, tzinfo=UTC)),  # GMT
    (datetime(2026, 7, 15, 5, 59, 59, tzinfo=UTC), datetime(2026, 7, 15, 6, 0, tzinfo=UTC)),  # BST: 07:00 is 06:00 UTC
])
def test_no_digest_goes_before_the_hour_in_london(db, before, hour):
    prefer(db, w.OFFICE, "daily_digest")
    notify(db, w.course_published(w.AFFINITY, "Phonics"), before - timedelta(hours=10))
    assert send_digests(db, before) == 0 and sent(db, kind="digest") == []
    assert send_digests(db, hour) == 1
    [digest] = sent(db, kind="digest")
    assert digest["recipient"] == OFFICE_EMAIL and digest["digest_day"] == hour.date()
    assert digest["titles"] == ["New course: Phonics"]


def test_a_person_gets_one_digest_a_day_and_later_news_waits_for_the_next(db):
    prefer(db, w.OFFICE, "daily_digest")
    evening = datetime(2026, 1, 14, 18, 0, tzinfo=UTC)
    notify(db, w.course_published(w.AFFINITY, "Phonics"), evening)
    notify(db, w.booking("booking_confirmed", "Phonics", "confirmed"), evening + timedelta(minutes=5))
    morning = datetime(2026, 1, 15, 7, 30, tzinfo=UTC)
    assert send_digests(db, morning) == 1
    assert send_digests(db, morning) == 0  # run twice
    [digest] = sent(db, kind="digest")
    assert digest["subject"] == "Your daily summary for 15 January: 2 updates" and digest["items"] == 2
    assert digest["titles"] == ["New course: Phonics", "Place confirmed: Phonics"]
    assert batching.DIGEST_INTRO in digest["payload"]["text"]
    assert send_merged(db, morning + timedelta(hours=1)) == 2  # the head's news and bookings, merged as usual
    assert {(m["recipient"], m["kind"]) for m in sent(db) if m["kind"] != "digest"} == {
        (HEAD_EMAIL, "new_courses"), (HEAD_EMAIL, "school_bookings"), (w.PARTICIPANT, "booking")}

    notify(db, w.course_published(w.LETS, "Maths mastery"), morning + timedelta(hours=4))
    for later_that_day in (morning + timedelta(hours=4, minutes=1), datetime(2026, 1, 15, 23, 59, tzinfo=UTC),
                           datetime(2026, 1, 16, 6, 59, tzinfo=UTC)):
        assert send_digests(db, later_that_day) == 0
    assert waiting(db, OFFICE_EMAIL) == ["New course: Maths mastery"]
    assert send_digests(db, datetime(2026, 1, 16, 7, 0, tzinfo=UTC)) == 1
    assert [(d["digest_day"], d["titles"]) for d in sent(db, kind="digest")] == [
        (date(2026, 1, 15), ["New course: Phonics", "Place confirmed: Phonics"]),
        (date(2026, 1, 16), ["New course: Maths mastery"])]
    assert len({d["id"] for d in sent(db, kind="digest")}) == 2


@pytest.fixture
def green_postgres():
    """psycopg2 waits for the server through eventlet, so green threads' transactions really overlap."""
    extensions.set_wait_callback(extras.wait_select)
    yield
    extensions.set_wait_callback(None)


def test_two_replicas_sending_digests_at_once_send_each_person_one(db, green_postgres):
    people = [f"40000000-0000-4000-8000-{n:012d}" for n in range(30)]
    with db.transaction() as tx:
        for n, user_id in enumerate(people):
            w.keep(tx, w.user_created(user_id, f"teacher{n}@forestway.test", "school_user", school_urn=w.SCHOOL))
    for user_id in people:
        prefer(db, user_id, "daily_digest")
    evening = datetime(2026, 1, 14, 18, 0, tzinfo=UTC)
    notify(db, w.course_published(w.AFFINITY, "Phonics"), evening)
    notify(db, w.course_published(w.LETS, "Maths mastery"), evening)

    morning = datetime(2026, 1, 15, 7, 0, 5, tzinfo=UTC)
    replicas = [eventlet.spawn(send_digests, db, morning) for _ in range(2)]
    counts = [replica.wait() for replica in replicas]
    assert sum(counts) == 30
    assert send_digests(db, morning + timedelta(minutes=5)) == 0
    digests = sent(db, kind="digest")
    assert len(digests) == len({d["recipient"] for d in digests}) == 30
    assert all(d["titles"] == ["New course: Maths mastery", "New course: Phonics"] for d in digests)
    with db.transaction() as tx:
        assert tx.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 30
