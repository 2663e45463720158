"""System leaders (NLE, LLE, SLE): designation, their details and status, and the regional directory."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound, ValidationFailed
from services.chassis.pagination import paginate
from services.chassis.scope import ALLIANCE_ROLES, CallerScope, Role
from services.chassis.validation import is_uuid
from services.membership import schemas
from services.membership.directory import require_school
from services.membership.events import emit
from services.membership.exceptions import AlreadyDesignated
from services.membership.models import alliances, memberships, schools, system_leaders
from services.membership.visibility import in_managed_alliance, in_region, system_leaders_kept_by

DESIGNATORS = ALLIANCE_ROLES  # the leader's home alliance designates them and keeps their details
READERS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.ALLIANCE_STAFF)
LEADER = schemas.SystemLeader()


def _with_region_and_trust() -> sa.Select:
    """Leaders as their records and events show them: with their alliance's region and school's trust."""
    return (sa.select(system_leaders, alliances.c.region_id, schools.c.trust)
            .join(alliances, alliances.c.id == system_leaders.c.alliance_id)
            .join(schools, schools.c.urn == system_leaders.c.school_urn))


def _emit(tx: Transaction, event_type: str, record: dict) -> None:
    emit(tx, event_type, record, region_id=record["region_id"], alliance_id=record["alliance_id"])


def designate(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*DESIGNATORS)
    alliance = tx.execute(sa.select(alliances).where(
        alliances.c.id == data["alliance_id"],
        in_managed_alliance(caller, alliances.c.id, alliances.c.region_id),
    )).mappings().first()
    if alliance is None:
        raise ValidationFailed("unknown alliance", {"alliance_id": ["no such alliance"]})
    school = require_school(tx, data["school_urn"], "school_urn")
    if tx.execute(sa.select(memberships.c.id).where(
            memberships.c.alliance_id == alliance["id"], memberships.c.school_urn == school["urn"],
            memberships.c.status == "active")).first() is None:
        raise ValidationFailed("not a member school", {"school_urn": ["not an active member school of the alliance"]})
    row = tx.execute(insert(system_leaders).values(**data).on_conflict_do_nothing()
                     .returning(*system_leaders.c)).mappings().first()
    if row is None:
        raise AlreadyDesignated(f"{data['email']} is already a system leader")
    record = {**row, "region_id": alliance["region_id"], "trust": school["trust"]}
    _emit(tx, "system_leader_designated", record)
    return LEADER.dump(record)


def _visible_leader(tx: Transaction, caller: CallerScope, leader_id: str) -> dict:
    if not is_uuid(leader_id):
        raise NotFound("no such system leader")
    row = tx.execute(_with_region_and_trust().where(
        system_leaders.c.id == leader_id, in_region(caller, alliances.c.region_id))).mappings().first()
    if row is None:
        raise NotFound("no such system leader")
    return row


def get_leader(tx: Transaction, caller: CallerScope, leader_id: str) -> dict:
    caller.require(*READERS)
    return LEADER.dump(_visible_leader(tx, caller, leader_id))


def update_leader(tx: Transaction, caller: CallerScope, leader_id: str, changes: dict) -> dict:
    """Change a leader's details or status (``changes`` is never empty: the schema says so)."""
    caller.require(*DESIGNATORS)
    found = _visible_leader(tx, caller, leader_id)  # 404 when not even visible
    row = tx.execute(sa.update(system_leaders)
                     .where(system_leaders.c.id == leader_id, system_leaders_kept_by(caller))
                     .values(**changes).returning(*system_leaders.c)).mappings().first()
    if row is None:
        raise Forbidden("only the leader's home alliance changes their details")
    record = {**row, "region_id": found["region_id"], "trust": found["trust"]}
    _emit(tx, "system_leader_updated", record)
    return LEADER.dump(record)


def list_leaders(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    """System leaders are deployed across the region, so its alliances see them all."""
    caller.require(*READERS)
    query = _with_region_and_trust().where(in_region(caller, alliances.c.region_id))
    if filters.get("region_id"):
        query = query.where(alliances.c.region_id == filters["region_id"])
    if filters.get("alliance_id"):
        query = query.where(system_leaders.c.alliance_id == filters["alliance_id"])
    if filters.get("specialism"):
        query = query.where(system_leaders.c.specialisms.any(filters["specialism"]))
    return paginate(tx, query, [system_leaders.c.name, system_leaders.c.id], page, LEADER.dump)
