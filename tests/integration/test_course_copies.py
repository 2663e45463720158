"""Courses keeps its copies of membership data from events: once each, and never older over newer."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.envelope import make_envelope
from services.courses.models import alliances, memberships
from services.courses.service import CoursesService
from tests.events import publish
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
REGION, ALLIANCE, MEMBERSHIP = ("11111111-1111-1111-1111-111111111111",
                                "22222222-2222-2222-2222-222222222222",
                                "33333333-3333-3333-3333-333333333333")


def membership_event(event_type: str, status: str, at: datetime) -> dict:
    envelope = make_envelope("membership", event_type, {
        "id": MEMBERSHIP, "alliance_id": ALLIANCE, "region_id": REGION, "school_urn": "400001",
        "tier": "partner", "status": status})
    envelope["occurred_at"] = at.isoformat()
    return envelope


def rows(url: str, table: sa.Table) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.select(table)).mappings().all()
    engine.dispose()
    return found


def test_copies_apply_each_event_once_and_ignore_older_ones(service_db, run_service, broker):
    url = service_db("courses")
    run_service(CoursesService)
    alliance = make_envelope("membership", "alliance_created", {
        "id": ALLIANCE, "region_id": REGION, "name": "Forest Way", "kind": "teaching_school_alliance"})
    publish(broker.uri, alliance, times=3)
    [copied] = wait_until(lambda: rows(url, alliances), timeout=10)
    assert copied["name"] == "Forest Way" and copied["region_id"] == REGION

    now = datetime.now(timezone.utc)
    ended = membership_event("membership_ended", "ended", now)
    started = membership_event("membership_started", "active", now - timedelta(minutes=5))
    publish(broker.uri, ended)
    wait_until(lambda: rows(url, memberships), timeout=10)
    publish(broker.uri, started)  # late: older than what the copy already holds
    inbox = sa.Table("inbox", sa.MetaData(), sa.Column("event_id"), sa.Column("handler"))
    wait_until(lambda: len(rows(url, inbox)) == 3, timeout=10)
    [membership] = rows(url, memberships)
    assert membership["status"] == "ended"


def test_an_event_published_before_the_consumer_first_runs_is_kept(service_db, run_service, broker):
    from services.chassis.event_queues import declare_event_queues
    fresh_broker = broker.separate_uri("deploy_order")
    url = service_db("courses")
    queues = declare_event_queues(CoursesService, fresh_broker)
    assert "evt-membership-alliance_created--courses.on_alliance" in queues
    publish(fresh_broker, make_envelope("membership", "alliance_created", {
        "id": ALLIANCE, "region_id": REGION, "name": "Step", "kind": "teaching_school_alliance"}))

    run_service(CoursesService, amqp_uri=fresh_broker)
    [copied] = wait_until(lambda: rows(url, alliances), timeout=10)
    assert copied["name"] == "Step"


def test_an_event_that_breaks_its_contract_is_parked_untouched_with_the_reason(service_db, run_service,
                                                                              broker, rpc):
    url = service_db("courses")
    run_service(CoursesService)
    newer = membership_event("membership_started", "active", datetime.now(timezone.utc))
    newer["schema_version"] = 2
    broken = membership_event("membership_started", "active", datetime.now(timezone.utc))
    del broken["data"]["tier"]
    publish(broker.uri, newer)
    publish(broker.uri, broken)
    parked = wait_until(lambda: (lambda p: p if len(p) == 2 else None)(
        rpc.courses.list_parked_events({"user_id": "admin", "role": "platform_admin"})), timeout=10)
    reasons = {p["event_id"]: p["error"] for p in parked}
    assert "version 2" in reasons[newer["event_id"]]
    assert "tier" in reasons[broken["event_id"]] and "contract" in reasons[broken["event_id"]]
    assert {p["attempts"] for p in parked} == {0} and {p["handler"] for p in parked} == {"on_membership"}
    assert rows(url, memberships) == []


def test_one_handler_takes_several_event_types_each_once(service_db, run_service, broker):
    url = service_db("courses")
    run_service(CoursesService)
    at = datetime.now(timezone.utc)
    for event_type, status, offset in (("membership_started", "active", 0), ("membership_changed", "active", 1),
                                       ("membership_ended", "ended", 2)):
        publish(broker.uri, membership_event(event_type, status, at + timedelta(seconds=offset)), times=2)
    inbox = sa.Table("inbox", sa.MetaData(), sa.Column("event_id"), sa.Column("handler"))
    handled = wait_until(lambda: (lambda r: r if len(r) == 3 else None)(rows(url, inbox)), timeout=10)
    assert {row["handler"] for row in handled} == {"on_membership"}
    [membership] = rows(url, memberships)
    assert membership["status"] == "ended"
