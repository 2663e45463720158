"""Schools' memberships of alliances: invitations and requests, acceptance, tiers, leaving."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound
from services.chassis.pagination import paginate, paginate_keys
from services.chassis.scope import CallerScope, Role
from services.chassis.validation import is_uuid
from services.membership import consent, schemas
from services.membership.directory import require_school
from services.membership.events import emit
from services.membership.exceptions import AlreadyActiveMember
from services.membership.models import alliances, memberships, schools, users
from services.membership.visibility import in_managed_alliance, memberships_seen_by, regions_of_school

MEMBERSHIP = schemas.Membership()
JOINERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.SCHOOL_USER)
DECIDERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.SCHOOL_USER)
TIER_SETTERS = (Role.ALLIANCE_ADMIN,)
READERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF)
EVENTS = {consent.ACTIVE: "membership_started", consent.PENDING: "membership_requested",
          consent.DECLINED: "membership_declined", consent.ENDED: "membership_ended"}


def managed_alliance(tx: Transaction, caller: CallerScope, alliance_id: str) -> dict:
    """The alliance, if the caller runs it; otherwise it does not exist for them."""
    if not is_uuid(alliance_id):
        raise NotFound("no such alliance")
    row = tx.execute(sa.select(alliances).where(
        alliances.c.id == alliance_id,
        in_managed_alliance(caller, alliances.c.id, alliances.c.region_id),
    )).mappings().first()
    if row is None:
        raise NotFound("no such alliance")
    return row


def _alliance_to_join(tx: Transaction, caller: CallerScope, alliance_id: str) -> dict:
    """A school may ask to join any alliance it knows the id of; the others add to their own."""
    if caller.role is not Role.SCHOOL_USER:
        return managed_alliance(tx, caller, alliance_id)
    row = is_uuid(alliance_id) and tx.execute(
        sa.select(alliances).where(alliances.c.id == alliance_id)).mappings().first()
    if not row:
        raise NotFound("no such alliance")
    return row


def _record(row: dict, alliance: dict, school_name: str) -> dict:
    return {**row, "region_id": alliance["region_id"], "school_name": school_name}


def _emit(tx: Transaction, record: dict) -> None:
    emit(tx, EVENTS[record["status"]], record, region_id=record["region_id"],
         alliance_id=record["alliance_id"])


def add_member(tx: Transaction, caller: CallerScope, alliance_id: str, data: dict) -> dict:
    caller.require(*JOINERS)
    if caller.role is Role.SCHOOL_USER and data["school_urn"] != caller.school_urn:
        raise Forbidden("a school user asks to join for their own school only")
    alliance = _alliance_to_join(tx, caller, alliance_id)
    school = require_school(tx, data["school_urn"], "school_urn")
    opening = consent.opening(caller)
    accepted = {"accepted_by_user": caller.user_id, "accepted_at": sa.func.now()} \
        if opening.status == consent.ACTIVE else {}
    row = tx.execute(insert(memberships).values(
        alliance_id=alliance["id"], status=opening.status, requested_by=opening.requested_by,
        requested_by_user=caller.user_id, **accepted, **data,
    ).on_conflict_do_nothing().returning(*memberships.c)).mappings().first()
    if row is None:
        raise AlreadyActiveMember(f"school {data['school_urn']} is already a member or invited")
    record = _record(row, alliance, school["name"])
    tx.audit_change("status", None, row["status"])
    tx.audit_change("tier", None, row["tier"])
    _emit(tx, record)
    return MEMBERSHIP.dump(record)


def _find(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str, statuses: tuple) -> dict:
    """The live membership if the caller may see it (alliance, region or the school), else 404."""
    if not is_uuid(alliance_id):
        raise NotFound("no such membership")
    row = tx.execute(
        sa.select(memberships, alliances.c.region_id, schools.c.name.label("school_name"))
        .join(alliances, alliances.c.id == memberships.c.alliance_id)
        .join(schools, schools.c.urn == memberships.c.school_urn)
        .where(memberships.c.alliance_id == alliance_id, memberships.c.school_urn == urn,
               memberships.c.status.in_(statuses), memberships_seen_by(caller))
        .with_for_update(of=memberships)
    ).mappings().first()
    if row is None:
        raise NotFound(f"school {urn} has no such membership of this alliance")
    return dict(row)


def school_has_users(tx: Transaction, urn: str) -> bool:
    return tx.execute(sa.select(users.c.id).where(
        users.c.school_urn == urn, users.c.role == Role.SCHOOL_USER.value,
        users.c.deactivated_at.is_(None)).limit(1)).first() is not None


def _party(tx: Transaction, found: dict) -> consent.Party:
    urn = found["school_urn"]
    return consent.Party(found["alliance_id"], found["region_id"], urn, found["requested_by"],
                         school_has_users(tx, urn), frozenset(tx.execute(regions_of_school(urn)).scalars()))


def _save(tx: Transaction, found: dict, **values: object) -> dict:
    row = tx.execute(sa.update(memberships).where(memberships.c.id == found["id"])
                     .values(**values).returning(*memberships.c)).mappings().one()
    record = {**row, "region_id": found["region_id"], "school_name": found["school_name"]}
    tx.audit_change("status", found["status"], row["status"])
    _emit(tx, record)
    return MEMBERSHIP.dump(record)


def decide(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str, accept: bool) -> dict:
    """Accept or decline a pending membership, as the side that did not ask for it."""
    caller.require(*DECIDERS)
    outcome = consent.ACTIVE if accept else consent.DECLINED
    found = _find(tx, caller, alliance_id, urn, consent.MEMBERSHIP.sources(outcome))
    if not consent.may_decide(caller, _party(tx, found)):
        raise Forbidden("only the other side (or the region for a school with no users) decides")
    if accept:
        return _save(tx, found, status=outcome.value, accepted_by_user=caller.user_id,
                     accepted_at=sa.func.now(), joined_on=date.today())
    return _save(tx, found, status=outcome.value, ended_on=date.today())


def change_tier(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str, data: dict) -> dict:
    caller.require(*TIER_SETTERS)
    found = _find(tx, caller, alliance_id, urn, (consent.ACTIVE.value,))
    row = tx.execute(sa.update(memberships).where(memberships.c.id == found["id"])
                     .values(tier=data["tier"]).returning(*memberships.c)).mappings().one()
    record = {**row, "region_id": found["region_id"], "school_name": found["school_name"]}
    tx.audit_change("tier", found["tier"], row["tier"])
    emit(tx, "membership_changed", record, region_id=record["region_id"], alliance_id=record["alliance_id"])
    return MEMBERSHIP.dump(record)


def end_membership(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str) -> dict:
    """Either side ends an active membership or withdraws a pending one."""
    caller.require(Role.ALLIANCE_ADMIN, Role.SCHOOL_USER)
    found = _find(tx, caller, alliance_id, urn, consent.MEMBERSHIP.sources(consent.ENDED))
    if not consent.may_end(caller, _party(tx, found)):
        raise Forbidden("only the alliance's admin or the school ends a membership")
    return _save(tx, found, status=consent.ENDED.value, ended_on=date.today())


def list_members(tx: Transaction, caller: CallerScope, alliance_id: str, filters: dict,
                 page: dict | None) -> dict:
    """The alliance's memberships by (school_urn, id): the page's keys from ix_memberships_alliance_school
    (which holds the filters' columns), then its rows and schools' names by id (joined before the LIMIT,
    schools were read from the first up to the page, however deep)."""
    caller.require(*READERS)
    alliance = managed_alliance(tx, caller, alliance_id)
    keys = sa.select(memberships.c.school_urn, memberships.c.id).where(memberships.c.alliance_id == alliance["id"])
    for name in ("status", "tier"):
        if filters.get(name):
            keys = keys.where(memberships.c[name] == filters[name])
    return paginate_keys(tx, [keys], [memberships.c.school_urn, memberships.c.id], _members_of, page,
                         lambda row: MEMBERSHIP.dump({**row, "region_id": alliance["region_id"]}))


def _members_of(page_keys: sa.Subquery) -> sa.Select:
    return (sa.select(memberships, schools.c.name.label("school_name"))
            .join(page_keys, page_keys.c.id == memberships.c.id)
            .join(schools, schools.c.urn == memberships.c.school_urn))


def list_school_memberships(tx: Transaction, caller: CallerScope, urn: str, status: str | None,
                            page: dict | None) -> dict:
    """A school's memberships and invitations, as far as the caller may see them."""
    if caller.role is Role.SCHOOL_USER and urn != caller.school_urn:
        raise NotFound("no such school")
    query = (sa.select(memberships, alliances.c.region_id, schools.c.name.label("school_name"))
             .join(alliances, alliances.c.id == memberships.c.alliance_id)
             .join(schools, schools.c.urn == memberships.c.school_urn)
             .where(memberships.c.school_urn == urn, memberships_seen_by(caller)))
    if status:
        query = query.where(memberships.c.status == status)
    return paginate(tx, query, [memberships.c.alliance_id, memberships.c.id], page, MEMBERSHIP.dump)
