"""The outbox with the real broker and database: once, in order, and through outages."""
import eventlet
import pytest
import sqlalchemy as sa

from services.chassis.database import Transaction
from services.chassis.envelope import EnvelopeSchema
from services.chassis.outbox import EventPublisher, Relay, outbox, relay_batch
from services.chassis.scope import SYSTEM
from services.membership import directory
from services.membership.service import MembershipService
from tests.tcp_proxy import TcpProxy
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
ADMIN = SYSTEM.to_dict()


def school(urn: str) -> dict:
    return {"urn": urn, "name": f"School {urn}", "local_authority": "Leicestershire",
            "phase": "primary", "school_type": None, "trust": None, "postcode": None}


def outbox_rows(url: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(outbox).order_by(outbox.c.id)).mappings().all()
    engine.dispose()
    return rows


def test_a_change_publishes_its_event_exactly_once(service_db, run_service, rpc, subscriber):
    url = service_db("membership")
    subscriber.bind("membership")
    run_service(MembershipService)

    created = rpc.membership.register_school(ADMIN, school("100001"))

    [event] = subscriber.wait_for("school_registered")
    subscriber.drain(1.5)
    assert len(subscriber.of_type("school_registered")) == 1
    EnvelopeSchema().load(event)
    assert event["source"] == "membership"
    assert event["correlation_id"] == "test-request-1"
    assert event["data"]["urn"] == created["urn"] == "100001"
    [row] = [r for r in outbox_rows(url) if r["event_type"] == "school_registered"]
    assert row["state"] == "published" and row["attempts"] == 1


def test_membership_started_reaches_a_subscriber_with_the_envelope(
        service_db, run_service, rpc, subscriber):
    service_db("membership")
    run_service(MembershipService)
    subscriber.bind("membership", "membership_started")

    region = rpc.membership.create_region(ADMIN, {"name": "East Midlands", "code": "EMSYH"})
    alliance = rpc.membership.create_alliance(ADMIN, {
        "name": "Forest Way", "region_id": region["id"], "kind": "teaching_school_alliance"})
    rpc.membership.register_school(ADMIN, school("100002"))
    rpc.membership.add_member(ADMIN, alliance["id"], {"school_urn": "100002", "tier": "partner"})

    [event] = subscriber.wait_for("membership_started")
    EnvelopeSchema().load(event)
    assert event["event_type"] == "membership_started"
    assert event["region_id"] == region["id"] and event["alliance_id"] == alliance["id"]
    assert event["data"]["school_urn"] == "100002"
    assert event["data"]["tier"] == "partner" and event["data"]["status"] == "active"
    assert subscriber.of_type("region_created") == []  # bound to membership_started only


def test_a_change_commits_while_the_broker_is_away_and_its_event_follows(
        service_db, run_service, broker, subscriber):
    url = service_db("membership")
    run_service(MembershipService).stop()  # migrate the database, then leave it to the test
    host_port = broker.uri.split("@", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    subscriber.bind("membership", "school_registered")
    engine = sa.create_engine(url)
    relay = Relay(engine, EventPublisher(broker.uri.replace(host_port, f"127.0.0.1:{proxy.port}"),
                                         "membership"), poll_interval=0.2)
    running = eventlet.spawn(relay.run)
    try:
        proxy.cut()
        with engine.begin() as conn:
            directory.register_school(Transaction(conn, "during-outage"), SYSTEM, school("100003"))
        relay.kick()

        failing = wait_until(lambda: [r for r in outbox_rows(url) if r["attempts"] >= 2], timeout=15)
        assert failing[0]["state"] == "pending" and failing[0]["last_error"]
        subscriber.drain(0.5)
        assert subscriber.of_type("school_registered") == []

        proxy.restore()
        [event] = subscriber.wait_for("school_registered", timeout=30)
        assert event["data"]["urn"] == "100003"
        assert event["correlation_id"] == "during-outage"
        subscriber.drain(1.0)
        assert len(subscriber.of_type("school_registered")) == 1
        wait_until(lambda: all(r["state"] == "published" for r in outbox_rows(url)), timeout=10)
    finally:
        relay.stop()
        running.wait()
        proxy.close()
        engine.dispose()


def test_relays_side_by_side_publish_every_event_once_in_order(service_db, run_service, broker, subscriber):
    url = service_db("membership")
    run_service(MembershipService).stop()  # migrate the database, then leave it to the test
    subscriber.bind("membership", "school_registered")
    engine = sa.create_engine(url, pool_size=4)
    with engine.begin() as conn:
        for n in range(200):
            directory.register_school(Transaction(conn, None), SYSTEM, school(f"2{n:05d}"))

    publishers = [EventPublisher(broker.uri, "membership") for _ in range(3)]

    def relay(publisher):
        while relay_batch(engine, publisher, batch_size=20).published:
            pass

    pool = eventlet.GreenPool()
    for publisher in publishers:
        pool.spawn(relay, publisher)
    pool.waitall()

    events = subscriber.wait_for("school_registered", count=200, timeout=30)
    subscriber.drain(1.0)
    events = subscriber.of_type("school_registered")
    assert len(events) == 200
    assert len({e["event_id"] for e in events}) == 200
    assert all(r["state"] == "published" for r in outbox_rows(url))
    for publisher in publishers:
        publisher.close()
    engine.dispose()


def test_a_stopping_relay_publishes_what_the_last_workers_wrote(service_db, run_service, broker, subscriber):
    """SIGTERM: nameko waits for the workers, then stops the relay; rows they wrote after its last
    batch must not wait for the next start (or be left to another replica)."""
    url = service_db("membership")
    run_service(MembershipService).stop()
    subscriber.bind("membership", "school_registered")
    engine = sa.create_engine(url, pool_size=2)
    relay = Relay(engine, EventPublisher(broker.uri, "membership"), batch_size=10, poll_interval=60)
    running = eventlet.spawn(relay.run)
    eventlet.sleep(0.5)  # its first batch found nothing; the next poll is a minute away
    with engine.begin() as conn:
        for n in range(25):
            directory.register_school(Transaction(conn, None), SYSTEM, school(f"3{n:05d}"))
    schools = lambda: [r["state"] for r in outbox_rows(url) if r["event_type"] == "school_registered"]  # noqa: E731
    assert set(schools()) == {"pending"}

    relay.stop()
    running.wait()

    assert schools() == ["published"] * 25
    assert len(subscriber.wait_for("school_registered", count=25, timeout=10)) == 25
    engine.dispose()
