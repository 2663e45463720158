"""A referral's timeline: who did what, when, from which alliance. Rows are only ever added."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope
from services.chassis.transaction import Transaction
from services.support.models import timeline


def record(tx: Transaction, referral_id: str, caller: CallerScope | None, action: str,
           from_status: str | None = None, to_status: str | None = None, **detail: object) -> None:
    """Add an entry; ``caller`` None is the system itself (an escalation at the time limit)."""
    tx.execute(sa.insert(timeline).values(
        referral_id=referral_id, action=action, from_status=from_status, to_status=to_status,
        actor_id=caller.user_id if caller else "system", actor_role=caller.role.value if caller else "system",
        actor_alliance_id=caller.alliance_id if caller else None,
        detail={k: v for k, v in detail.items() if v is not None},
    ))


def of(tx: Transaction, referral_id: str) -> list[dict]:
    return [dict(row) for row in tx.execute(
        sa.select(timeline).where(timeline.c.referral_id == referral_id).order_by(timeline.c.id)).mappings()]
