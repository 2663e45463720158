"""Referrals: opening, consent, sharing, withdrawing and closing, and reading them."""
from datetime import date, timedelta

import sqlalchemy as sa

from services.chassis.errors import Forbidden, NotFound, ValidationFailed
from services.chassis.pagination import paginate_keys
from services.chassis.periodic import CLOCK
from services.chassis.scope import CallerScope, Role
from services.chassis.transaction import Transaction
from services.chassis.validation import is_uuid
from services.support import schemas, timeline
from services.support.events import emit
from services.support.exceptions import NoConsentToShare, WrongReferralState
from services.support.lifecycle import FINISHED, REFERRAL, ReferralStatus
from services.support.models import (
    alliances,
    deployments,
    memberships,
    referrals,
    reviews,
    schools,
    system_leaders,
    visits,
)
from services.support.time_limits import TimeLimits, london_today
from services.support.visibility import alliances_of, keys_seen_by, managed_by, seen_by, withdrawable_by

REFERRAL_OUT = schemas.Referral()
LIMITS = TimeLimits.from_environment()  # a bad setting stops the service at start
OLDEST_RECEIVED = timedelta(days=366)
OPENERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF, Role.SCHOOL_USER)
TRIAGERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF)


def today() -> date:
    return london_today(CLOCK.now())


def find(tx: Transaction, referral_id: str, where: sa.ColumnElement, lock: bool = False) -> dict:
    """The referral if ``where`` lets the caller at it (locked for update if asked), else 404."""
    if not is_uuid(referral_id):
        raise NotFound("no such referral")
    query = sa.select(referrals).where(referrals.c.id == referral_id, where)
    row = tx.execute(query.with_for_update(of=referrals) if lock else query).mappings().first()
    if row is None:
        raise NotFound("no such referral")
    return dict(row)


def require_readable(tx: Transaction, caller: CallerScope, referral_id: str, where: sa.ColumnElement,
                     lock: bool = False) -> dict:
    """Like ``find``, but a referral the caller can see yet not act on is a 403, not a 404."""
    try:
        return find(tx, referral_id, where, lock)
    except NotFound:
        find(tx, referral_id, seen_by(caller))
        raise Forbidden("you can see this referral but not act on it")


def _school(tx: Transaction, urn: str) -> dict:
    school = tx.execute(sa.select(schools).where(schools.c.urn == urn)).mappings().first()
    if school is None:
        raise ValidationFailed("unknown school", {"school_urn": ["no such school"]})
    return dict(school)


def _home_alliance(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    query = sa.select(alliances).where(alliances.c.id == data["alliance_id"])
    if caller.role is Role.SCHOOL_USER:
        query = query.where(sa.exists(sa.select(memberships.c.id).where(
            memberships.c.alliance_id == alliances.c.id, memberships.c.school_urn == caller.school_urn,
            memberships.c.status == "active")))
    else:
        query = query.where(alliances_of(caller))
    alliance = tx.execute(query).mappings().first()
    if alliance is None:
        raise ValidationFailed("unknown alliance", {"alliance_id": ["not an alliance you may refer to"]})
    return dict(alliance)


def _received_on(data: dict) -> date:
    received, now = data.get("received_on") or today(), today()
    if received > now or received < now - OLDEST_RECEIVED:
        raise ValidationFailed("bad date", {"received_on": ["within the last year, not in the future"]})
    return received


def open_referral(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*OPENERS)
    if caller.role is Role.SCHOOL_USER and data["school_urn"] != caller.school_urn:
        raise ValidationFailed("not your school", {"school_urn": ["a school refers only itself"]})
    alliance = _home_alliance(tx, caller, data)
    _school(tx, data["school_urn"])
    received = _received_on(data)
    source = data.get("source") or ("self" if caller.role is Role.SCHOOL_USER else "alliance")
    consent = data["consent_to_share"]
    row = tx.execute(sa.insert(referrals).values(
        school_urn=data["school_urn"], alliance_id=alliance["id"], region_id=alliance["region_id"],
        need_areas=data["need_areas"], priority=data["priority"], source=source, summary=data["summary"],
        consent_to_share=consent, consent_given_by=data.get("consent_given_by") if consent else None,
        consent_recorded_by=caller.user_id if consent else None,
        consent_recorded_at=sa.func.now() if consent else None,
        received_on=received, match_due_on=LIMITS.match_due_on(received, data["priority"]),
        opened_by=caller.user_id,
    ).returning(*referrals.c)).mappings().one()
    timeline.record(tx, row["id"], caller, "opened", None, ReferralStatus.OPEN, priority=data["priority"],
                    need_areas=data["need_areas"], consent_to_share=consent,
                    consent_given_by=row["consent_given_by"])
    referral = with_school(tx, dict(row))
    emit(tx, "referral_opened", referral, referral)
    return REFERRAL_OUT.dump(referral)


def with_school(tx: Transaction, referral: dict) -> dict:
    name = tx.execute(sa.select(schools.c.name).where(schools.c.urn == referral["school_urn"])).scalar()
    return {**referral, "school_name": name, "overdue": is_overdue(referral)}


def is_overdue(referral: dict) -> bool:
    return (referral["status"] in (ReferralStatus.OPEN, ReferralStatus.SHARED)
            and LIMITS.is_overdue(referral["match_due_on"], today()))


def _move(tx: Transaction, referral: dict, target: ReferralStatus, **values: object) -> dict:
    if not REFERRAL.allows(referral["status"], target):
        raise WrongReferralState(f"a referral that is {referral['status']} cannot become {target.value}")
    return dict(tx.execute(sa.update(referrals).where(referrals.c.id == referral["id"])
                           .values(status=target.value, updated_at=sa.func.now(), **values)
                           .returning(*referrals.c)).mappings().one())


def record_consent(tx: Transaction, caller: CallerScope, referral_id: str, data: dict) -> dict:
    caller.require(*OPENERS)
    referral = require_readable(tx, caller, referral_id, withdrawable_by(caller), lock=True)
    if referral["status"] in FINISHED:
        raise WrongReferralState(f"the referral is {referral['status']}")
    saved = dict(tx.execute(sa.update(referrals).where(referrals.c.id == referral_id).values(
        consent_to_share=True, consent_given_by=data["given_by"], consent_recorded_by=caller.user_id,
        consent_recorded_at=sa.func.now(), updated_at=sa.func.now()).returning(*referrals.c)).mappings().one())
    timeline.record(tx, referral_id, caller, "consent_recorded", given_by=data["given_by"])
    return REFERRAL_OUT.dump(with_school(tx, saved))


def share(tx: Transaction, caller: CallerScope, referral_id: str) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, managed_by(caller), lock=True)
    if not referral["consent_to_share"]:
        raise NoConsentToShare("record the school's consent before sharing the referral with the region")
    shared = _move(tx, referral, ReferralStatus.SHARED, shared_at=sa.func.now())
    timeline.record(tx, referral_id, caller, "shared", referral["status"], ReferralStatus.SHARED)
    view = with_school(tx, shared)
    emit(tx, "referral_shared", view, view)
    return REFERRAL_OUT.dump(view)


def withdraw(tx: Transaction, caller: CallerScope, referral_id: str, data: dict) -> dict:
    caller.require(*OPENERS)
    referral = require_readable(tx, caller, referral_id, withdrawable_by(caller), lock=True)
    withdrawn = _move(tx, referral, ReferralStatus.WITHDRAWN, closed_at=sa.func.now())
    release_unused_days(tx, referral_id)
    timeline.record(tx, referral_id, caller, "withdrawn", referral["status"], ReferralStatus.WITHDRAWN,
                    reason=data["reason"])
    view = with_school(tx, withdrawn)
    emit(tx, "referral_withdrawn", view, view)
    return REFERRAL_OUT.dump(view)


def close(tx: Transaction, caller: CallerScope, referral_id: str, data: dict) -> dict:
    caller.require(*TRIAGERS)
    referral = require_readable(tx, caller, referral_id, managed_by(caller), lock=True)
    closed = _move(tx, referral, ReferralStatus.CLOSED, closed_at=sa.func.now(), outcome=data["outcome"],
                   impact_summary=data.get("impact_summary"))
    release_unused_days(tx, referral_id)
    timeline.record(tx, referral_id, caller, "closed", referral["status"], ReferralStatus.CLOSED,
                    outcome=data["outcome"])
    view = with_school(tx, closed)
    emit(tx, "referral_closed", view, view)
    return REFERRAL_OUT.dump(view)


def release_unused_days(tx: Transaction, referral_id: str) -> None:
    """When support ends, only the days used stay held against the leaders' availability."""
    tx.execute(sa.update(deployments).where(deployments.c.referral_id == referral_id,
                                            deployments.c.status == "active")
               .values(days=deployments.c.days_used, status="ended"))


def get(tx: Transaction, caller: CallerScope, referral_id: str) -> dict:
    referral = with_school(tx, find(tx, referral_id, seen_by(caller)))
    placed = [dict(r) for r in tx.execute(
        sa.select(deployments, system_leaders.c.name.label("system_leader_name"))
        .outerjoin(system_leaders, system_leaders.c.id == deployments.c.system_leader_id)
        .where(deployments.c.referral_id == referral_id).order_by(deployments.c.assigned_at)).mappings()]
    referral["deployments"] = placed
    referral["cross_alliance"] = any(d["cross_alliance"] for d in placed)
    referral["visits"] = [dict(r) for r in tx.execute(
        sa.select(visits).where(visits.c.deployment_id.in_([d["id"] for d in placed]))
        .order_by(visits.c.visited_on, visits.c.logged_at)).mappings()]
    referral["reviews"] = [dict(r) for r in tx.execute(
        sa.select(reviews).where(reviews.c.referral_id == referral_id).order_by(reviews.c.reviewed_at)).mappings()]
    referral["timeline"] = timeline.of(tx, referral_id)
    return REFERRAL_OUT.dump(referral)


def _rows_of(page_keys: sa.Subquery) -> sa.Select:
    return (sa.select(referrals, schools.c.name.label("school_name"))
            .join(page_keys, page_keys.c.id == referrals.c.id)
            .outerjoin(schools, schools.c.urn == referrals.c.school_urn))


def list_referrals(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    """Referrals the caller may see, by (opened_at, id): each part of what it sees paginated on its own
    index, merged (visibility.keys_seen_by), then the page's rows by id."""
    conditions = [referrals.c[name] == filters[name]
                  for name in ("status", "alliance_id", "region_id", "school_urn", "priority") if filters.get(name)]
    return paginate_keys(tx, keys_seen_by(caller, *conditions), [referrals.c.opened_at, referrals.c.id], _rows_of,
                         page, lambda row: REFERRAL_OUT.dump({**row, "overdue": is_overdue(row)}))
