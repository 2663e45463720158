"""Schools' memberships of alliances: joining, changing tier, leaving."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import NotFound
from services.chassis.pagination import paginate
from services.chassis.scope import CallerScope, Role
from services.chassis.validation import is_uuid
from services.membership import schemas
from services.membership.directory import require_school
from services.membership.events import emit
from services.membership.exceptions import AlreadyActiveMember
from services.membership.models import alliances, memberships, schools
from services.membership.visibility import in_managed_alliance

MEMBERSHIP = schemas.Membership()
MANAGERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN)
READERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF)


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


def _record(row: dict, alliance: dict, school_name: str) -> dict:
    return {**row, "region_id": alliance["region_id"], "school_name": school_name}


def add_member(tx: Transaction, caller: CallerScope, alliance_id: str, data: dict) -> dict:
    caller.require(*MANAGERS)
    alliance = managed_alliance(tx, caller, alliance_id)
    school = require_school(tx, data["school_urn"], "school_urn")
    row = tx.execute(insert(memberships).values(alliance_id=alliance["id"], **data)
                     .on_conflict_do_nothing().returning(*memberships.c)).mappings().first()
    if row is None:
        raise AlreadyActiveMember(f"school {data['school_urn']} is already an active member")
    record = _record(row, alliance, school["name"])
    emit(tx, "membership_started", record, region_id=alliance["region_id"], alliance_id=alliance["id"])
    return MEMBERSHIP.dump(record)


def list_members(tx: Transaction, caller: CallerScope, alliance_id: str, status: str | None,
                 page: dict | None) -> dict:
    caller.require(*READERS)
    alliance = managed_alliance(tx, caller, alliance_id)
    query = (sa.select(memberships, schools.c.name.label("school_name"))
             .join(schools, schools.c.urn == memberships.c.school_urn)
             .where(memberships.c.alliance_id == alliance["id"]))
    if status:
        query = query.where(memberships.c.status == status)
    return paginate(tx, query, [memberships.c.school_urn, memberships.c.id], page,
                    lambda row: MEMBERSHIP.dump({**row, "region_id": alliance["region_id"]}))


def _update_active(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str,
                   event_type: str, **values: object) -> dict:
    caller.require(*MANAGERS)
    alliance = managed_alliance(tx, caller, alliance_id)
    row = tx.execute(sa.update(memberships).where(
        memberships.c.alliance_id == alliance["id"], memberships.c.school_urn == urn,
        memberships.c.status == "active",
    ).values(**values).returning(*memberships.c)).mappings().first()
    if row is None:
        raise NotFound(f"school {urn} is not an active member")
    name = tx.execute(sa.select(schools.c.name).where(schools.c.urn == urn)).scalar_one()
    record = _record(row, alliance, name)
    emit(tx, event_type, record, region_id=alliance["region_id"], alliance_id=alliance["id"])
    return MEMBERSHIP.dump(record)


def change_tier(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str, data: dict) -> dict:
    return _update_active(tx, caller, alliance_id, urn, "membership_changed", tier=data["tier"])


def end_membership(tx: Transaction, caller: CallerScope, alliance_id: str, urn: str) -> dict:
    return _update_active(tx, caller, alliance_id, urn, "membership_ended",
                          status="ended", ended_on=date.today())
