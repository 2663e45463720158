"""Idempotent handlers with the real broker and database: once, or parked and replayable."""
import pytest
import sqlalchemy as sa

from services.chassis.envelope import make_envelope
from services.chassis.scope import SYSTEM
from services.chassis.tables import CHASSIS
from tests.events import publish
from tests.integration.probe.models import schools_seen, switch
from tests.integration.probe.service import ProbeService
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
ADMIN = SYSTEM.to_dict()


def count(url: str, table: sa.Table, *where) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
    engine.dispose()
    return value


@pytest.fixture
def probe(service_db, run_service):
    url = service_db("chassis_probe")
    run_service(ProbeService)
    return url


def test_a_redelivered_event_takes_effect_once(probe, broker):
    envelope = make_envelope("membership", "school_registered", {"urn": "300001"})
    publish(broker.uri, envelope, times=3)

    wait_until(lambda: count(probe, CHASSIS.tables["inbox"]) == 1, timeout=10)
    later = make_envelope("membership", "school_registered", {"urn": "300002"})
    publish(broker.uri, later)  # arrives after the duplicates: they have all been handled
    wait_until(lambda: count(probe, schools_seen, schools_seen.c.urn == "300002") == 1, timeout=10)
    assert count(probe, schools_seen, schools_seen.c.urn == "300001") == 1
    assert count(probe, CHASSIS.tables["inbox"]) == 2


def test_a_failing_handler_parks_the_event_and_replay_applies_it(probe, broker, rpc):
    engine = sa.create_engine(probe)
    with engine.begin() as conn:
        conn.execute(sa.insert(switch).values(id=1, failing=True))
    envelope = make_envelope("membership", "membership_started",
                             {"school_urn": "300003", "alliance_id": "a", "tier": "partner"})
    publish(broker.uri, envelope)

    [parked] = wait_until(lambda: rpc.chassis_probe.list_parked_events(ADMIN), timeout=15)
    assert parked["event_id"] == envelope["event_id"]
    assert parked["handler"] == "on_membership_started"
    assert parked["attempts"] == 3 and "switched to failing" in parked["error"]
    assert count(probe, schools_seen) == 0
    assert rpc.chassis_probe.ping()["parked_events"] == 1

    still_failing = rpc.chassis_probe.replay_parked_event(ADMIN, parked["id"])
    assert still_failing["outcome"] == "parked"

    with engine.begin() as conn:
        conn.execute(sa.update(switch).values(failing=False))
    replayed = rpc.chassis_probe.replay_parked_event(ADMIN, parked["id"])
    assert replayed["outcome"] == "handled"
    assert count(probe, schools_seen, schools_seen.c.urn == "300003") == 1
    assert rpc.chassis_probe.list_parked_events(ADMIN) == []
    [audited] = rpc.chassis_probe.list_audit_log(ADMIN, {"action": "replay_parked_event"})["items"]
    assert audited["subject_id"] == str(parked["id"]) and audited["actor_id"] == ADMIN["user_id"]
    assert audited["changes"] == {"outcome": {"before": "parked", "after": "handled"}}  # the failed replay: none
    engine.dispose()


def test_only_the_platform_admin_sees_parked_events(probe, rpc):
    from services.chassis.errors import Forbidden
    coordinator = {"user_id": "u1", "role": "regional_coordinator", "region_id": "r1"}
    with pytest.raises(Forbidden):
        rpc.chassis_probe.list_parked_events(coordinator)
