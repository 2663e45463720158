"""Matching and deploying system leaders on a referral, and logging their visits."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.errors import NotFound, ValidationFailed
from services.chassis.scope import CallerScope
from services.chassis.transaction import Transaction
from services.chassis.validation import is_uuid
from services.support import candidates, matching, schemas, timeline
from services.support.events import emit
from services.support.exceptions import (
    AlreadyDeployed,
    ConflictOfInterest,
    LeaderUnavailable,
    NoConsentToShare,
    NotEnoughDays,
    WrongReferralState,
)
from services.support.lifecycle import REFERRAL, SUPPORTED, ReferralStatus
from services.support.models import deployments, referrals, visits
from services.support.referrals import REFERRAL_OUT, TRIAGERS, require_readable, today, with_school
from services.support.time_limits import academic_year, academic_year_bounds
from services.support.visibility import managed_by, supported_by

MAX_EXCLUDED = 100
DEPLOYMENT = schemas.Deployment()
VISIT = schemas.VisitOut()


def _leader_view(leader: matching.Leader) -> dict:
    return {"id": leader.id, "name": leader.name, "designation": leader.designation,
            "school_urn": leader.school_urn, "alliance_id": leader.alliance_id,
            "specialisms": list(leader.specialisms), "phases": list(leader.phases),
            "days_left": leader.days_left, "active_deployments": leader.active_deployments}


def _candidate(ranked: matching.Ranked) -> dict:
    return {"system_leader": _leader_view(ranked.leader), "score": ranked.score, "reasons": list(ranked.reasons)}


def matches(tx: Transaction, caller: CallerScope, referral_id: str, options: dict) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, managed_by(caller))
    need = candidates.need_of(tx, referral)
    leaders = candidates.region_leaders(tx, referral, academic_year(today()))
    ranked, excluded = matching.rank(need, leaders, options["limit"])
    return {"referral_id": referral_id, "items": [_candidate(r) for r in ranked],
            "excluded": [_candidate(r) for r in excluded[:MAX_EXCLUDED]]}


def _check_leader(need: matching.Need, row: dict | None, days: int) -> matching.Leader:
    if row is None:
        raise ValidationFailed("unknown system leader", {"system_leader_id": ["no such system leader in the region"]})
    if row["status"] != "active":
        raise LeaderUnavailable(f"{row['name']} is {row['status']}")
    leader = candidates.as_leader(row)
    if leader.alliance_id != need.alliance_id and not need.consent_to_share:
        raise NoConsentToShare("a leader from another alliance needs the school's consent to share")
    reasons = [r for r in matching.conflicts(need, leader)
               if not r.startswith("no days left") and "consented" not in r]
    if reasons:
        raise ConflictOfInterest("; ".join(reasons))
    if days > leader.days_left:
        raise NotEnoughDays(f"{leader.name} has {max(0, leader.days_left)} days left this academic year")
    return leader


def assign(tx: Transaction, caller: CallerScope, referral_id: str, data: dict) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, managed_by(caller), lock=True)
    if referral["status"] not in SUPPORTED and not REFERRAL.allows(referral["status"], ReferralStatus.MATCHED):
        raise WrongReferralState(f"a referral that is {referral['status']} cannot be matched")
    year = academic_year(today())
    row = candidates.one_leader(tx, data["system_leader_id"], referral["region_id"], year)
    leader = _check_leader(candidates.need_of(tx, referral), row, data["days"])
    cross = leader.alliance_id != referral["alliance_id"]
    placed = tx.execute(insert(deployments).values(
        referral_id=referral_id, system_leader_id=leader.id, leader_alliance_id=leader.alliance_id,
        referral_alliance_id=referral["alliance_id"], cross_alliance=cross, days=data["days"],
        academic_year=year, assigned_by=caller.user_id, referral_opened_at=referral["opened_at"],
    ).on_conflict_do_nothing().returning(*deployments.c)).mappings().first()
    if placed is None:
        raise AlreadyDeployed(f"{leader.name} is already deployed on this referral")
    saved = referral
    if referral["status"] not in SUPPORTED:
        saved = dict(tx.execute(sa.update(referrals).where(referrals.c.id == referral_id).values(
            status=ReferralStatus.MATCHED.value, matched_at=sa.func.now(), updated_at=sa.func.now(),
        ).returning(*referrals.c)).mappings().one())
    timeline.record(tx, referral_id, caller, "assigned", referral["status"], saved["status"],
                    deployment_id=placed["id"], system_leader_id=leader.id, system_leader_name=leader.name,
                    leader_alliance_id=leader.alliance_id, days=data["days"], cross_alliance=cross)
    view = with_school(tx, saved)
    emit(tx, "referral_matched", {**view, "deployment": dict(placed)}, view)
    return {**REFERRAL_OUT.dump(view), "cross_alliance": cross,
            "deployment": DEPLOYMENT.dump({**placed, "system_leader_name": leader.name})}


def _check_visit_day(visited_on: date, placed: dict) -> None:
    first, last = academic_year_bounds(placed["academic_year"])
    if visited_on > today():
        raise ValidationFailed("bad date", {"visited_on": ["a visit is logged once it has happened"]})
    if not first <= visited_on <= last:
        raise ValidationFailed("bad date", {"visited_on": [
            f"the deployment's days are in the academic year {first} to {last}; assign again for another year"]})


def log_visit(tx: Transaction, caller: CallerScope, referral_id: str, deployment_id: str, data: dict) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, supported_by(caller), lock=True)
    placed = None
    if is_uuid(deployment_id):
        placed = tx.execute(sa.select(deployments).where(
            deployments.c.id == deployment_id, deployments.c.referral_id == referral_id,
        ).with_for_update()).mappings().first()
    if placed is None:
        raise NotFound("no such deployment on this referral")
    if caller.is_alliance_user and caller.alliance_id not in (referral["alliance_id"], placed["leader_alliance_id"]):
        raise NotFound("no such deployment on this referral")
    if referral["status"] not in SUPPORTED or placed["status"] != "active":
        raise WrongReferralState(f"visits are logged while support is under way; the referral is {referral['status']}")
    _check_visit_day(data["visited_on"], placed)
    left = placed["days"] - placed["days_used"]
    if data["days_used"] > left:
        raise NotEnoughDays(f"{left} of the deployment's {placed['days']} days are left; assign more days first")
    visit = tx.execute(sa.insert(visits).values(deployment_id=deployment_id, logged_by=caller.user_id, **data)
                       .returning(*visits.c)).mappings().one()
    placed = tx.execute(sa.update(deployments).where(deployments.c.id == deployment_id)
                        .values(days_used=deployments.c.days_used + data["days_used"])
                        .returning(*deployments.c)).mappings().one()
    moves = referral["status"] == ReferralStatus.MATCHED  # the first visit starts the support
    if moves:
        tx.execute(sa.update(referrals).where(referrals.c.id == referral_id)
                   .values(status=ReferralStatus.ACTIVE.value, updated_at=sa.func.now()))
    timeline.record(tx, referral_id, caller, "visit_logged", *((referral["status"], ReferralStatus.ACTIVE.value)
                                                               if moves else (None, None)),
                    deployment_id=deployment_id, visited_on=data["visited_on"].isoformat(),
                    days_used=data["days_used"])
    emit(tx, "deployment_logged", {"referral_id": referral_id, "region_id": referral["region_id"],
                                   "alliance_id": referral["alliance_id"], "deployment": dict(placed),
                                   "visited_on": data["visited_on"], "days_used": data["days_used"]}, referral)
    return VISIT.dump(dict(visit))
