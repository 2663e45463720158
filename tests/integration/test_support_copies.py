"""Support keeps its copies of leaders and schools from membership's events: once each, never older over newer."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.envelope import make_envelope
from services.support.models import schools, system_leaders
from services.support.service import SupportService
from tests.events import publish
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
REGION, ALLIANCE, LEADER = ("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222",
                            "44444444-4444-4444-4444-444444444444")


def leader_event(event_type: str, at: datetime, **changes: object) -> dict:
    envelope = make_envelope("membership", event_type, {
        "id": LEADER, "name": "Sam Leader", "email": "sam@copies.test", "designation": "SLE",
        "school_urn": "400001", "trust": None, "alliance_id": ALLIANCE, "region_id": REGION,
        "specialisms": ["maths"], "phases": ["primary"], "days_available": 10, "status": "active", **changes})
    envelope["occurred_at"] = at.isoformat()
    return envelope


def rows(url: str, table: sa.Table) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.select(table)).mappings().all()
    engine.dispose()
    return found


def handled(url: str) -> int:
    inbox = sa.Table("inbox", sa.MetaData(), sa.Column("event_id"), sa.Column("handler"))
    return len(rows(url, inbox))


def test_leader_copies_take_each_event_once_and_never_an_older_one(service_db, run_service, broker):
    url = service_db("support")
    run_service(SupportService)
    now = datetime.now(timezone.utc)
    designated = leader_event("system_leader_designated", now - timedelta(minutes=10))
    publish(broker.uri, designated, times=3)
    [copied] = wait_until(lambda: rows(url, system_leaders), timeout=10)
    assert copied["days_available"] == 10 and copied["status"] == "active"

    inactive = leader_event("system_leader_updated", now, status="inactive", specialisms=["send"])
    publish(broker.uri, inactive)
    wait_until(lambda: rows(url, system_leaders)[0]["status"] == "inactive", timeout=10)
    late = leader_event("system_leader_updated", now - timedelta(minutes=5), days_available=3)
    publish(broker.uri, late)  # older than the copy: changes nothing
    wait_until(lambda: handled(url) == 3, timeout=10)
    [leader] = rows(url, system_leaders)
    assert (leader["status"], leader["specialisms"], leader["days_available"]) == ("inactive", ["send"], 10)


def test_a_school_copy_keeps_its_trust_and_phase_for_conflict_checks(service_db, run_service, broker):
    url = service_db("support")
    run_service(SupportService)
    school = make_envelope("membership", "school_registered", {
        "urn": "400002", "name": "Oak Primary", "local_authority": "Leicestershire", "phase": "primary",
        "school_type": None, "trust": "Oak Trust", "postcode": None, "status": "open"})
    publish(broker.uri, school, times=2)
    [copied] = wait_until(lambda: rows(url, schools), timeout=10)
    assert (copied["trust"], copied["phase"], copied["local_authority"]) == ("Oak Trust", "primary", "Leicestershire")
