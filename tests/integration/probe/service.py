import sqlalchemy as sa

from services.chassis.database import Database
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from services.chassis.periodic import periodic
from tests.integration.probe.models import jobs, schools_seen, switch, ticks

TICK_SECONDS = 0.4


class ProbeService(ServiceOperations):
    name = "chassis_probe"

    db = Database(package="tests.integration.probe")

    @idempotent_handler("membership", "school_registered")
    def on_school_registered(self, tx, envelope):
        tx.execute(sa.insert(schools_seen).values(
            event_id=envelope["event_id"], urn=envelope["data"]["urn"]))

    @idempotent_handler("membership", "membership_started", attempts=3)
    def on_membership_started(self, tx, envelope):
        if tx.execute(sa.select(switch.c.failing).where(switch.c.id == 1)).scalar():
            raise RuntimeError("the probe is switched to failing")
        tx.execute(sa.insert(schools_seen).values(
            event_id=envelope["event_id"], urn=envelope["data"]["school_urn"]))

    @periodic("probe_tick", every=TICK_SECONDS)
    def tick(self, tx, now):
        # the slot this run claimed: its row is locked by this transaction until the run commits
        slot = tx.execute(sa.select(jobs.c.next_run_at).where(jobs.c.name == "probe_tick")).scalar_one()
        tx.execute(sa.insert(ticks).values(at=slot))
