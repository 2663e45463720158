"""Users, their roles and scopes, and signing in."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from services.chassis.scope import CallerScope, Role
from services.membership import schemas
from services.membership.events import emit
from services.membership.exceptions import EmailTaken, InvalidCredentials
from services.membership.models import alliances, memberships, regions, users
from services.membership.passwords import hash_password, needs_rehash, verify_password
from services.membership.visibility import in_managed_alliance, in_region

USER = schemas.User()
USER_CREATORS = (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN)
# Who may create users of each role (the platform admin may create any).
CREATORS = {
    Role.PLATFORM_ADMIN: (),
    Role.REGIONAL_COORDINATOR: (),
    Role.ALLIANCE_ADMIN: (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN),
    Role.ALLIANCE_STAFF: (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN),
    Role.SCHOOL_USER: (Role.REGIONAL_COORDINATOR, Role.ALLIANCE_ADMIN),
}


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed("the user's scope is not valid", {field: [message]})


def _scope_of_new_user(tx: Transaction, caller: CallerScope, role: Role, data: dict) -> dict:
    """Work out (and check) the region, alliance and school the new user belongs to."""
    if role is Role.PLATFORM_ADMIN:
        return {"region_id": None, "alliance_id": None, "school_urn": None}
    if role is Role.REGIONAL_COORDINATOR:
        region_id = data.get("region_id") or caller.region_id
        if region_id is None or tx.execute(sa.select(regions.c.id).where(
                regions.c.id == region_id, in_region(caller, regions.c.id))).first() is None:
            raise _invalid("region_id", "no such region")
        return {"region_id": region_id, "alliance_id": None, "school_urn": None}
    alliance_id = data.get("alliance_id") or caller.alliance_id
    if alliance_id is None and role is Role.SCHOOL_USER and data.get("school_urn"):
        alliance_id = _only_alliance_of(tx, caller, data["school_urn"])
    alliance = alliance_id and tx.execute(sa.select(alliances).where(
        alliances.c.id == alliance_id,
        in_managed_alliance(caller, alliances.c.id, alliances.c.region_id),
    )).mappings().first()
    if not alliance:
        raise _invalid("alliance_id", "no such alliance")
    scope = {"region_id": alliance["region_id"], "alliance_id": alliance["id"], "school_urn": None}
    if role is Role.SCHOOL_USER:
        urn = data.get("school_urn")
        member = urn and tx.execute(sa.select(memberships.c.id).where(
            memberships.c.alliance_id == alliance["id"], memberships.c.school_urn == urn,
            memberships.c.status == "active")).first()
        if not member:
            raise _invalid("school_urn", "not an active member school of the alliance")
        scope["school_urn"] = urn
    return scope


def _only_alliance_of(tx: Transaction, caller: CallerScope, urn: str) -> str | None:
    """The alliance a school user belongs to when the school is a member of just one."""
    found = tx.execute(sa.select(memberships.c.alliance_id)
                       .join(alliances, alliances.c.id == memberships.c.alliance_id)
                       .where(memberships.c.school_urn == urn, memberships.c.status == "active",
                              in_managed_alliance(caller, alliances.c.id, alliances.c.region_id))
                       .limit(2)).scalars().all()
    if len(found) > 1:
        raise _invalid("alliance_id", "the school belongs to several alliances: name one")
    return found[0] if found else None


def create_user(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    role = Role(data["role"])
    caller.require(*USER_CREATORS)
    if not caller.is_admin and caller.role not in CREATORS[role]:
        raise Forbidden(f"a {caller.role.value} may not create a {role.value}")
    values = {
        "email": data["email"].strip(), "name": data["name"], "role": role.value,
        "password_hash": hash_password(data["password"]),
        **_scope_of_new_user(tx, caller, role, data),
    }
    row = tx.execute(insert(users).values(**values).on_conflict_do_nothing()
                     .returning(*users.c)).mappings().first()
    if row is None:
        raise EmailTaken("a user with this email exists")
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
