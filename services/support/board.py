"""The regional referral board: where a region's referrals stand, and where support flows."""
import sqlalchemy as sa

from services.chassis.errors import NotFound
from services.chassis.periodic import CLOCK
from services.chassis.scope import CallerScope, Role
from services.chassis.transaction import Transaction
from services.chassis.validation import is_uuid
from services.support.lifecycle import UNMATCHED, ReferralStatus
from services.support.models import alliances, deployments, referrals, schools
from services.support.referrals import LIMITS, today
from services.support.time_limits import working_days_between

STATUSES = [status.value for status in ReferralStatus]


def _region(caller: CallerScope, region_id: str) -> str:
    caller.require(Role.REGIONAL_COORDINATOR)
    if not is_uuid(region_id) or (caller.is_coordinator and caller.region_id != region_id):
        raise NotFound("no such region")
    return region_id


def _alliance_names(tx: Transaction, region_id: str) -> dict[str, str]:
    return dict(tx.execute(sa.select(alliances.c.id, alliances.c.name)
                           .where(alliances.c.region_id == region_id)).all())


def _by_alliance(tx: Transaction, region_id: str, names: dict[str, str]) -> list[dict]:
    counts = tx.execute(sa.select(referrals.c.alliance_id, referrals.c.status, sa.func.count())
                        .where(referrals.c.region_id == region_id)
                        .group_by(referrals.c.alliance_id, referrals.c.status)).all()
    rows = {aid: {status: 0 for status in STATUSES} for aid in names}
    for alliance_id, status, count in counts:
        rows.setdefault(alliance_id, {s: 0 for s in STATUSES})[status] = count
    return [{"alliance_id": aid, "alliance_name": names.get(aid), "counts": counts_of,
             "total": sum(counts_of.values())}
            for aid, counts_of in sorted(rows.items(), key=lambda item: (names.get(item[0]) or "", item[0]))]


def _flows(tx: Transaction, region_id: str, names: dict[str, str]) -> list[dict]:
    """Referrals that a home alliance's school received support for from another alliance's leader."""
    rows = tx.execute(
        sa.select(deployments.c.referral_alliance_id, deployments.c.leader_alliance_id,
                  sa.func.count(sa.distinct(deployments.c.referral_id)))
        .join(referrals, referrals.c.id == deployments.c.referral_id)
        .where(referrals.c.region_id == region_id, deployments.c.cross_alliance)
        .group_by(deployments.c.referral_alliance_id, deployments.c.leader_alliance_id)).all()
    return sorted(({"from_alliance_id": src, "from_alliance_name": names.get(src), "to_alliance_id": dst,
                    "to_alliance_name": names.get(dst), "count": count} for src, dst, count in rows),
                  key=lambda flow: (-flow["count"], flow["from_alliance_id"], flow["to_alliance_id"]))


def _median_days_to_match(tx: Transaction, region_id: str) -> float | None:
    days = sa.extract("epoch", referrals.c.matched_at - referrals.c.opened_at) / 86400
    median = tx.execute(sa.select(sa.func.percentile_cont(0.5).within_group(days))
                        .where(referrals.c.region_id == region_id, referrals.c.matched_at.is_not(None))).scalar()
    return None if median is None else round(float(median), 2)


def _days_deployed(tx: Transaction, region_id: str, names: dict[str, str]) -> list[dict]:
    """Days of each alliance's leaders: used on visits, and booked on deployments still under way."""
    rows = tx.execute(
        sa.select(deployments.c.leader_alliance_id, sa.func.sum(deployments.c.days_used),
                  sa.func.coalesce(sa.func.sum(deployments.c.days).filter(deployments.c.status == "active"), 0))
        .join(referrals, referrals.c.id == deployments.c.referral_id)
        .where(referrals.c.region_id == region_id)
        .group_by(deployments.c.leader_alliance_id)).all()
    return sorted(({"alliance_id": aid, "alliance_name": names.get(aid), "days_used": int(used),
                    "days_booked": int(booked)} for aid, used, booked in rows),
                  key=lambda row: (row["alliance_name"] or "", row["alliance_id"]))


def _overdue(tx: Transaction, region_id: str, names: dict[str, str]) -> list[dict]:
    now = today()
    rows = tx.execute(
        sa.select(referrals.c.id, referrals.c.school_urn, schools.c.name, referrals.c.alliance_id,
                  referrals.c.priority, referrals.c.status, referrals.c.received_on, referrals.c.match_due_on,
                  referrals.c.escalated_at)
        .outerjoin(schools, schools.c.urn == referrals.c.school_urn)
        .where(referrals.c.region_id == region_id, referrals.c.status.in_(UNMATCHED),
               referrals.c.match_due_on < now)
        .order_by(referrals.c.match_due_on, referrals.c.id)).mappings().all()
    return [{"referral_id": row["id"], "school_urn": row["school_urn"], "school_name": row["name"],
             "alliance_id": row["alliance_id"], "alliance_name": names.get(row["alliance_id"]),
             "priority": row["priority"], "status": row["status"], "received_on": row["received_on"].isoformat(),
             "match_due_on": row["match_due_on"].isoformat(),
             "working_days_overdue": working_days_between(row["match_due_on"], now, LIMITS.holidays),
             "escalated": row["escalated_at"] is not None} for row in rows]


def referral_board(tx: Transaction, caller: CallerScope, region_id: str) -> dict:
    region_id = _region(caller, region_id)
    names = _alliance_names(tx, region_id)
    return {"region_id": region_id, "as_of": CLOCK.now().isoformat(),
            "by_alliance": _by_alliance(tx, region_id, names),
            "cross_alliance_flows": _flows(tx, region_id, names),
            "median_days_to_match": _median_days_to_match(tx, region_id),
            "days_deployed": _days_deployed(tx, region_id, names),
            "overdue": _overdue(tx, region_id, names)}
