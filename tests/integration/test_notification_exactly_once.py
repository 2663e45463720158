"""One notification per person and event, however often the event comes and however many replicas run.

Real NotificationsService containers on the test broker, sending to a mail
sink of the test's own; events shaped like the real ones
(tests/integration/notification_world.py).
"""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from kombu import Connection
from nameko.testing.services import entrypoint_hook

from services.chassis.inbox import Outcome
from services.notifications import fan_out
from services.notifications.models import deliveries, mail_items, messages, notifications
from services.notifications.pacing import Pacing
from services.notifications.service import NotificationsService
from tests.events import publish
from tests.integration import notification_world as w
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
OFFICE_EMAIL, HEAD_EMAIL = "office@forestway.test", "head@forestway.test"
INBOX = sa.Table("inbox", sa.MetaData(), sa.Column("event_id"), sa.Column("handler"))


class Reader:
    """Notifications' database, read from outside the service."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, pool_size=2)

    def count(self, table: sa.Table, *where: sa.ColumnElement) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar()

    def per(self, column: sa.Column, *where: sa.ColumnElement) -> dict:
        """How many rows for each value of ``column``."""
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(column, sa.func.count()).where(*where).group_by(column)).all())

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def database(service_db, mail_sink, monkeypatch):
    """Notifications' database for this test; its containers send to ``mail_sink``."""
    url = service_db("notifications")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(mail_sink.smtp_port))
    monkeypatch.setenv("NOTIFY_BATCH_SECONDS", "0.2")
    reader = Reader(url)
    yield reader
    reader.close()


def test_an_event_handled_twice_tells_each_person_once(database, run_service, mail_sink):
    container = run_service(NotificationsService)
    handlers = {"alliance_created": "on_alliance", "user_created": "on_user"}
    for envelope in w.world_events():
        with entrypoint_hook(container, handlers.get(envelope["event_type"], "on_membership_event")) as handle:
            assert handle(envelope) is Outcome.HANDLED

    booked = w.booking("booking_confirmed", "Phonics", "confirmed")
    with entrypoint_hook(container, "on_course_event") as handle:
        assert handle(booked) is Outcome.HANDLED
        assert handle(booked) is Outcome.DUPLICATE
    [email] = mail_sink.mailbox.wait_for(1, timeout=15, to=w.PARTICIPANT)
    assert email["subject"] == "Place confirmed: Phonics"

    event = mail_items.c.event_id == booked["event_id"]
    assert database.per(notifications.c.user_id, notifications.c.event_id == booked["event_id"]) == {
        w.OFFICE: 1, w.HEAD: 1}
    assert database.per(mail_items.c.recipient, event) == {w.PARTICIPANT: 1, OFFICE_EMAIL: 1, HEAD_EMAIL: 1}
    assert database.count(messages) == 1
    wait_until(lambda: database.count(deliveries, deliveries.c.state == "sent") == 1, timeout=15)
    assert database.count(deliveries) == 1
    assert len(mail_sink.mailbox.messages()) == 1


def ready(broker_uri: str, queue: str) -> int:
    """Messages waiting on ``queue``, not yet taken by a consumer."""
    with Connection(broker_uri) as conn:
        return conn.default_channel.queue_declare(queue=queue, passive=True).message_count


def test_two_replicas_given_each_event_three_times_tell_each_person_once(database, run_service, broker, mail_sink,
                                                                         monkeypatch):
    monkeypatch.setattr(fan_out, "PACING", Pacing(timedelta(seconds=3), digest_hour=7, link_base=""))
    replicas = [run_service(NotificationsService) for _ in range(2)]
    for handled, envelope in enumerate(w.world_events(), 1):  # in order: the school's users join a member school
        publish(broker.uri, envelope)
        wait_until(lambda: database.count(INBOX) == handled, timeout=15)

    events = [w.booking("booking_confirmed", "Phonics", "confirmed"), w.course_published(w.AFFINITY, "Phonics"),
              w.course_published(w.LETS, "Maths mastery")]
    for envelope in events:
        publish(broker.uri, envelope, times=3)  # redelivered, and taken by either replica
    mailbox = mail_sink.mailbox
    mailbox.wait_for(lambda found: len(found) == 5, timeout=30)  # one at once, two merged emails each for two
    queues = [f"evt-courses-{kind}--notifications.on_course_event" for kind in ("booking_confirmed",
                                                                                "course_published")]
    wait_until(lambda: all(ready(broker.uri, queue) == 0 for queue in queues), timeout=15)
    for replica in replicas:
        replica.stop()  # lets running handlers finish; a copy not yet handled would go back on its queue
    assert all(ready(broker.uri, queue) == 0 for queue in queues)  # so every copy was handled

    assert database.count(INBOX) == len(w.world_events()) + 3
    for user_id in (w.OFFICE, w.HEAD):
        assert database.per(notifications.c.event_id, notifications.c.user_id == user_id) == {
            envelope["event_id"]: 1 for envelope in events}
    assert database.per(mail_items.c.recipient) == {w.PARTICIPANT: 1, OFFICE_EMAIL: 3, HEAD_EMAIL: 3}
    assert database.per(messages.c.recipient) == {w.PARTICIPANT: 1, OFFICE_EMAIL: 2, HEAD_EMAIL: 2}
    assert database.count(deliveries) == 5 and database.count(deliveries, deliveries.c.state == "sent") == 5
    assert database.count(mail_items, mail_items.c.message_id.is_(None)) == 0
    for recipient in (OFFICE_EMAIL, HEAD_EMAIL):
        assert sorted(m["subject"] for m in mailbox.messages(to=recipient)) == [
            "2 new courses from 2 alliances", "Place confirmed: Phonics"]
    assert [m["subject"] for m in mailbox.messages(to=w.PARTICIPANT)] == ["Place confirmed: Phonics"]
