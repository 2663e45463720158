import sqlalchemy as sa

from services.chassis.database import Database
from services.chassis.inbox import idempotent_handler
from services.chassis.operations import ServiceOperations
from tests.integration.probe.models import schools_seen, switch


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
