"""RPCs that every service offers to operators, through the gateway."""
import sqlalchemy as sa

from services.chassis import audit, inbox
from services.chassis.entrypoints import rpc
from services.chassis.outbox import outbox
from services.chassis.request_pipeline import read
from services.chassis.scope import CallerScope
from services.chassis.tables import CHASSIS


class ServiceOperations:
    """Mixed into every service class; needs its ``db`` dependency."""

    @rpc
    def ping(self) -> dict:
        parked = CHASSIS.tables["parked_events"]
        with self.db.transaction() as tx:
            pending = tx.execute(sa.select(sa.func.count()).select_from(outbox)
                                 .where(outbox.c.state == "pending")).scalar_one()
            parked_count = tx.execute(sa.select(sa.func.count()).select_from(parked)
                                      .where(parked.c.replayed_at.is_(None))).scalar_one()
        return {"service": self.name, "outbox_pending": pending, "parked_events": parked_count}

    @rpc
    def list_parked_events(self, scope: dict) -> list[dict]:
        CallerScope.from_dict(scope).require()
        return inbox.list_parked(self.db)

    @rpc
    def replay_parked_event(self, scope: dict, parked_id: int) -> dict:
        caller = CallerScope.from_dict(scope)
        caller.require()
        return inbox.replay(self, caller, int(parked_id))

    @rpc
    def list_audit_log(self, scope: dict, filters: dict | None = None, page: dict | None = None) -> dict:
        return read(self.db, scope, lambda tx, caller: audit.list_entries(tx, caller, filters, page))
