"""Users, their roles and scopes, and signing in."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from services.chassis.scope import ALLIANCE_ROLES, CallerScope, Role
from services.membership import schemas
from services.membership.events import emit
from services.membership.exceptions import EmailTaken, InvalidCredentials
from services.membership.memberships import school_has_users
from services.membership.models import alliances, regions, schools, users
from services.membership.passwords import hash_password, needs_rehash, verify_password
from services.membership.visibility import in_managed_alliance, regions_of_school

USER = schemas.User()
USER_CREATORS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN, Role.SCHOOL_USER)
# The roles each role may ever create (the platform admin may create any);
# the scope rules below narrow each further.
CREATABLE = {
    Role.REGIONAL_COORDINATOR: (Role.ALLIANCE_ADMIN, Role.SCHOOL_USER),  # first ones only
    Role.ALLIANCE_ADMIN: ALLIANCE_ROLES,
    Role.SCHOOL_USER: (Role.SCHOOL_USER,),
}
SCOPE_FIELDS = {
    Role.PLATFORM_ADMIN: (), Role.REGIONAL_COORDINATOR: ("region_id",),
    Role.ALLIANCE_ADMIN: ("alliance_id",), Role.ALLIANCE_STAFF: ("alliance_id",),
    Role.SCHOOL_USER: ("school_urn", "region_id"),
}


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("the user's scope is not valid", {field: [message]})


def _scope_of_new_user(tx: Transaction, caller: CallerScope, role: Role, data: dict) -> dict:
    """Work out (and check) the region, alliance or school the new user belongs to."""
    for field in ("region_id", "alliance_id", "school_urn"):
        if data.get(field) and field not in SCOPE_FIELDS[role]:
            raise _invalid(field, f"a {role.value} has no {field}")
    if role is Role.PLATFORM_ADMIN:
        return {"region_id": None, "alliance_id": None, "school_urn": None}
    if role is Role.REGIONAL_COORDINATOR:
        region_id = data.get("region_id")
        if region_id is None or tx.execute(sa.select(regions.c.id).where(regions.c.id == region_id)).first() is None:
            raise _invalid("region_id", "no such region")
        return {"region_id": region_id, "alliance_id": None, "school_urn": None}
    if role in ALLIANCE_ROLES:
        return _alliance_user_scope(tx, caller, data.get("alliance_id") or caller.alliance_id)
    return _school_user_scope(tx, caller, data.get("school_urn") or caller.school_urn, data.get("region_id"))


def _alliance_user_scope(tx: Transaction, caller: CallerScope, alliance_id: str | None) -> dict:
    alliance = alliance_id and tx.execute(sa.select(alliances).where(
        alliances.c.id == alliance_id,
        in_managed_alliance(caller, alliances.c.id, alliances.c.region_id),
    )).mappings().first()
    if not alliance:
        raise _invalid("alliance_id", "no such alliance")
    if caller.is_coordinator and tx.execute(sa.select(users.c.id).where(
            users.c.alliance_id == alliance["id"], users.c.role == Role.ALLIANCE_ADMIN.value)).first():
        raise Forbidden("the alliance has an admin: its admins add its users")
    return {"region_id": alliance["region_id"], "alliance_id": alliance["id"], "school_urn": None}


def _school_user_scope(tx: Transaction, caller: CallerScope, urn: str | None, region_id: str | None) -> dict:
    """A school's users are vouched for by the school, or its first one by its region.

    A school in no alliance is placed in a region by its users: the region of
    the coordinator who creates its first user (or one the platform admin names),
    inherited by the colleagues they add.
    """
    if not urn or tx.execute(sa.select(schools.c.urn).where(schools.c.urn == urn)).first() is None:
        raise _invalid("school_urn", "no school with this URN")
    if caller.role is Role.SCHOOL_USER and urn != caller.school_urn:
        raise Forbidden("a school user adds colleagues of their own school only")
    if caller.is_coordinator:
        _check_first_user_of_regional_school(tx, caller, urn)
    return {"region_id": _region_of_school_user(tx, caller, region_id), "alliance_id": None, "school_urn": urn}


def _region_of_school_user(tx: Transaction, caller: CallerScope, region_id: str | None) -> str | None:
    if not caller.is_admin:
        if region_id and region_id != caller.region_id:
            raise _invalid("region_id", "a school user is placed in your own region")
        return caller.region_id
    if region_id and tx.execute(sa.select(regions.c.id).where(regions.c.id == region_id)).first() is None:
        raise _invalid("region_id", "no such region")
    return region_id


def _check_first_user_of_regional_school(tx: Transaction, caller: CallerScope, urn: str) -> None:
    if school_has_users(tx, urn):
        raise Forbidden("the school has users: they add their colleagues")
    if not set(tx.execute(regions_of_school(urn)).scalars()) <= {caller.region_id}:
        raise _invalid("school_urn", "a member school of another region")


def create_user(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    role = Role(data["role"])
    caller.require(*USER_CREATORS)
    if not caller.is_admin and role not in CREATABLE[caller.role]:
        raise Forbidden(f"a {caller.role.value} may not create a {role.value}")
    values = {
        "email": data["email"].strip(), "name": data["name"], "role": role.value,
        "password_hash": hash_password(data["password"]), "created_by": caller.user_id,
        **_scope_of_new_user(tx, caller, role, data),
    }
    row = tx.execute(insert(users).values(**values).on_conflict_do_nothing()
                     .returning(*users.c)).mappings().first()
    if row is None:
        raise EmailTaken("a user with this email exists")
    tx.audit_change("role", None, row["role"])
    tx.audit_change("active", None, True)
    emit(tx, "user_created", row, region_id=row["region_id"], alliance_id=row["alliance_id"])
    return USER.dump(row)


def get_user(tx: Transaction, caller: CallerScope) -> dict:
    row = tx.execute(sa.select(users).where(users.c.id == caller.user_id)).mappings().first()
    if row is None:
        raise NotFound("no such user")
    if row["deactivated_at"] is not None:
        raise Unauthorized("the account is deactivated")
    return USER.dump(row)


def authenticate(tx: Transaction, email: str, password: str) -> dict:
    row = tx.execute(sa.select(users).where(
        sa.func.lower(users.c.email) == email.strip().lower())).mappings().first()
    valid = verify_password(row["password_hash"] if row else None, password)
    if not valid or row["deactivated_at"] is not None:  # the same answer: nothing to learn from it
        raise InvalidCredentials("invalid email or password")
    if needs_rehash(row["password_hash"]):
        tx.execute(sa.update(users).where(users.c.id == row["id"])
                   .values(password_hash=hash_password(password)))
    return USER.dump(row)
