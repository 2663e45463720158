"""Periodic jobs on the real database: once per period across replicas, failures recorded and retried."""
from datetime import timedelta

import eventlet
import pytest
import sqlalchemy as sa

from services.chassis.periodic import Clock, run_if_due
from tests.integration.probe.models import jobs, ticks
from tests.integration.probe.service import TICK_SECONDS, ProbeService

pytestmark = pytest.mark.integration


def slots_and_runs(url: str) -> tuple[list, int]:
    """The slots the ticks claimed and the job's run count, from one snapshot."""
    engine = sa.create_engine(url, isolation_level="REPEATABLE READ")
    with engine.begin() as conn:
        slots = conn.execute(sa.select(ticks.c.at).order_by(ticks.c.at)).scalars().all()
        runs = conn.execute(sa.select(jobs.c.runs)).scalar_one()
    engine.dispose()
    return slots, runs


def test_two_replicas_run_the_job_once_per_period(service_db, run_service):
    url = service_db("chassis_probe")
    run_service(ProbeService)
    run_service(ProbeService)
    eventlet.sleep(TICK_SECONDS * 7)
    slots, runs = slots_and_runs(url)
    assert len(slots) >= 3
    assert len(set(slots)) == len(slots), "two replicas ran the same period"
    gaps = {round((later - earlier).total_seconds() / TICK_SECONDS, 6) for earlier, later in zip(slots, slots[1:])}
    assert all(gap == int(gap) >= 1 for gap in gaps), gaps  # slots stay on the period's grid
    assert runs == len(slots)


@pytest.fixture
def db(migrated_db):
    return migrated_db("tests.integration.probe", "chassis_probe")


def test_a_failed_run_is_recorded_and_tried_again_at_the_next_slot(db):
    clock, every, calls = Clock(), timedelta(minutes=10), []

    def job(tx, now):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("the first run fails")

    assert run_if_due(db, "report", every, job, clock) is False
    with db.transaction() as tx:
        row = tx.execute(sa.select(jobs)).mappings().one()
    assert row["runs"] == 0 and "first run fails" in row["last_error"]
    assert run_if_due(db, "report", every, job, clock) is False and len(calls) == 1  # not due again yet
    clock.advance(every.total_seconds())
    assert run_if_due(db, "report", every, job, clock) is True
    with db.transaction() as tx:
        row = tx.execute(sa.select(jobs)).mappings().one()
    assert row["runs"] == 1 and row["last_error"] is None and row["next_run_at"] > clock.now()
    clock.advance(every.total_seconds() * 5)  # five periods missed: one run, not five
    assert run_if_due(db, "report", every, job, clock) is True
    assert run_if_due(db, "report", every, job, clock) is False and len(calls) == 3
