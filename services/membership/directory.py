"""Regions, alliances and the register of schools."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound, ValidationFailed
from services.chassis.pagination import paginate
from services.chassis.request_pipeline import contains
from services.chassis.scope import CallerScope, Role
from services.chassis.validation import is_uuid
from services.membership import schemas
from services.membership.events import emit
from services.membership.exceptions import DuplicateName, SchoolAlreadyRegistered
from services.membership.models import alliances, regions, schools
from services.membership.visibility import alliances_run_by, in_region, schools_kept_by

REGION_CREATORS: tuple[Role, ...] = ()  # the platform admin only
ALLIANCE_CREATORS = (Role.REGIONAL_COORDINATOR,)
ALLIANCE_EDITORS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN)
SCHOOL_REGISTRARS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN)
SCHOOL_KEEPERS = (Role.REGIONAL_COORDINATOR, Role.SCHOOL_USER)
# What only the region (or the platform) decides: whether it is an alliance or a hub, whether a school is open.
REGION_ONLY = {"kind", "status"}

REGION = schemas.Region()
ALLIANCE = schemas.Alliance()
SCHOOL = schemas.School()


def create_region(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*REGION_CREATORS)
    row = tx.execute(insert(regions).values(**data).on_conflict_do_nothing()
                     .returning(*regions.c)).mappings().first()
    if row is None:
        raise DuplicateName(f"a region with code {data['code']} exists")
    emit(tx, "region_created", row, region_id=row["id"])
    return REGION.dump(row)


def list_regions(tx: Transaction, caller: CallerScope, page: dict | None) -> dict:
    query = sa.select(regions).where(in_region(caller, regions.c.id))
    return paginate(tx, query, [regions.c.name, regions.c.id], page, REGION.dump)


def get_region(tx: Transaction, caller: CallerScope, region_id: str) -> dict:
    if not is_uuid(region_id):
        raise NotFound("no such region")
    row = tx.execute(sa.select(regions).where(
        regions.c.id == region_id, in_region(caller, regions.c.id))).mappings().first()
    if row is None:
        raise NotFound("no such region")
    return REGION.dump(row)


def create_alliance(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*ALLIANCE_CREATORS)
    region = tx.execute(sa.select(regions.c.id).where(
        regions.c.id == data["region_id"], in_region(caller, regions.c.id))).first()
    if region is None:
        raise ValidationFailed("unknown region", {"region_id": ["no such region"]})
    if data.get("lead_school_urn"):
        require_school(tx, data["lead_school_urn"], "lead_school_urn")
    row = tx.execute(insert(alliances).values(**data).on_conflict_do_nothing()
                     .returning(*alliances.c)).mappings().first()
    if row is None:
        raise DuplicateName(f"the region already has an alliance called {data['name']}")
    emit(tx, "alliance_created", row, region_id=row["region_id"], alliance_id=row["id"])
    return ALLIANCE.dump(row)


def list_alliances(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    query = sa.select(alliances).where(in_region(caller, alliances.c.region_id))
    if filters.get("region_id"):
        query = query.where(alliances.c.region_id == filters["region_id"])
    return paginate(tx, query, [alliances.c.name, alliances.c.id], page, ALLIANCE.dump)


def get_alliance(tx: Transaction, caller: CallerScope, alliance_id: str) -> dict:
    if not is_uuid(alliance_id):
        raise NotFound("no such alliance")
    row = tx.execute(sa.select(alliances).where(
        alliances.c.id == alliance_id, in_region(caller, alliances.c.region_id))).mappings().first()
    if row is None:
        raise NotFound("no such alliance")
    return ALLIANCE.dump(row)


def _region_only(caller: CallerScope, changes: dict) -> None:
    if not (caller.is_admin or caller.is_coordinator) and REGION_ONLY & set(changes):
        raise Forbidden(f"only the region changes {', '.join(sorted(REGION_ONLY & set(changes)))}")


def _changed(tx: Transaction, table: sa.Table, where: tuple, changes: dict) -> dict | None:
    """The row after ``changes`` (as it is, for none) if ``where`` lets the caller change it."""
    statement = (sa.update(table).where(*where).values(**changes).returning(*table.c) if changes
                 else sa.select(table).where(*where))
    return tx.execute(statement).mappings().first()


def update_alliance(tx: Transaction, caller: CallerScope, alliance_id: str, changes: dict) -> dict:
    caller.require(*ALLIANCE_EDITORS)
    get_alliance(tx, caller, alliance_id)  # 404 when not even visible
    _region_only(caller, changes)
    if changes.get("lead_school_urn"):
        require_school(tx, changes["lead_school_urn"], "lead_school_urn")
    try:
        with tx.savepoint():
            row = _changed(tx, alliances, (alliances.c.id == alliance_id, alliances_run_by(caller)), changes)
    except sa.exc.IntegrityError:
        raise DuplicateName(f"the region already has an alliance called {changes.get('name')}")
    if row is None:
        raise Forbidden("only the alliance's admin or its region changes the alliance")
    if changes:
        emit(tx, "alliance_updated", row, region_id=row["region_id"], alliance_id=row["id"])
    return ALLIANCE.dump(row)


def update_school(tx: Transaction, caller: CallerScope, urn: str, changes: dict) -> dict:
    caller.require(*SCHOOL_KEEPERS)
    get_school(tx, caller, urn)  # the register is public: 404 only for an unknown URN
    _region_only(caller, changes)
    row = _changed(tx, schools, (schools.c.urn == urn, schools_kept_by(caller)), changes)
    if row is None:
        raise Forbidden("only the school's own users or its region change its entry")
    if changes:
        emit(tx, "school_updated", row)
    return SCHOOL.dump(row)


def register_school(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(*SCHOOL_REGISTRARS)
    row = tx.execute(insert(schools).values(**data).on_conflict_do_nothing()
                     .returning(*schools.c)).mappings().first()
    if row is None:
        raise SchoolAlreadyRegistered(f"a school with URN {data['urn']} is already registered")
    emit(tx, "school_registered", row)
    return SCHOOL.dump(row)


def list_schools(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    """The register of schools (public GIAS data): readable by every signed-in caller."""
    query = sa.select(schools)
    if filters.get("q"):
        pattern = contains(filters["q"])
        query = query.where(sa.or_(schools.c.name.ilike(pattern), schools.c.urn == filters["q"]))
    if filters.get("local_authority"):
        query = query.where(sa.func.lower(schools.c.local_authority) == filters["local_authority"].lower())
    return paginate(tx, query, [schools.c.name, schools.c.urn], page, SCHOOL.dump)


def get_school(tx: Transaction, caller: CallerScope, urn: str) -> dict:
    row = tx.execute(sa.select(schools).where(schools.c.urn == urn)).mappings().first()
    if row is None:
        raise NotFound("no such school")
    return SCHOOL.dump(row)


def require_school(tx: Transaction, urn: str, field: str) -> dict:
    row = tx.execute(sa.select(schools).where(schools.c.urn == urn)).mappings().first()
    if row is None:
        raise ValidationFailed("unknown school", {field: ["no school with this URN"]})
    return row
