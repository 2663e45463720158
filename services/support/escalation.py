"""Escalating referrals not matched within their time limit: once each, whatever the replicas."""
from datetime import datetime

import sqlalchemy as sa

from services.chassis.transaction import Transaction
from services.support import timeline
from services.support.events import emit
from services.support.lifecycle import UNMATCHED
from services.support.models import referrals
from services.support.referrals import with_school
from services.support.time_limits import london_today

BATCH = 500


def escalate_overdue(tx: Transaction, now: datetime) -> int:
    """Mark every overdue unmatched referral escalated, with its event; how many were."""
    overdue = tx.execute(
        sa.select(referrals).where(referrals.c.status.in_(UNMATCHED), referrals.c.escalated_at.is_(None),
                                   referrals.c.match_due_on < london_today(now))
        .order_by(referrals.c.match_due_on, referrals.c.id).limit(BATCH)
        .with_for_update(skip_locked=True)).mappings().all()
    for row in overdue:
        escalated = dict(tx.execute(sa.update(referrals).where(referrals.c.id == row["id"])
                                    .values(escalated_at=now, updated_at=sa.func.now())
                                    .returning(*referrals.c)).mappings().one())
        timeline.record(tx, row["id"], None, "escalated", due_on=row["match_due_on"].isoformat())
        view = with_school(tx, escalated)
        emit(tx, "referral_escalated", view, view)
    return len(overdue)
