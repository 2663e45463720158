"""User accounts after creation: who manages whom, deactivation, whether a user is active."""

import sqlalchemy as sa

from services.chassis.database import Transaction
from services.chassis.errors import Forbidden, NotFound
from services.chassis.pagination import paginate
from services.chassis.scope import ALLIANCE_ROLES, CallerScope, Role
from services.chassis.validation import is_uuid
from services.membership import schemas
from services.membership.events import emit
from services.membership.models import users
from services.membership.visibility import users_seen_by

USER = schemas.User()
# Roles that manage some users; what each may manage is in ``managed_by``.
MANAGERS = (Role.ALLIANCE_ADMIN, Role.SCHOOL_USER)


def managed_by(caller: CallerScope) -> sa.ColumnElement:
    """The users ``caller`` manages, as a filter on ``users``: one rule per managing role. Oneself is
    included (one's own account is in one's scope) but never deactivated."""
    if caller.is_admin:
        return sa.true()
    if caller.role is Role.ALLIANCE_ADMIN and caller.alliance_id:
        return sa.and_(users.c.alliance_id == caller.alliance_id,
                       users.c.role.in_([role.value for role in ALLIANCE_ROLES]))
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        return sa.and_(users.c.school_urn == caller.school_urn, users.c.role == Role.SCHOOL_USER.value)
    return sa.false()


def list_users(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    """The users the caller manages (those it may deactivate, and itself), by name; 403 for other roles."""
    caller.require(*MANAGERS)
    query = sa.select(users).where(managed_by(caller))
    if filters.get("role"):
        query = query.where(users.c.role == filters["role"])
    if filters.get("active") is not None:
        query = query.where(users.c.deactivated_at.is_(None) if filters["active"]
                            else users.c.deactivated_at.is_not(None))
    return paginate(tx, query, [users.c.name, users.c.id], page, USER.dump)


def deactivate_user(tx: Transaction, caller: CallerScope, user_id: str) -> dict:
    """Deactivate a user the caller manages (403), among those it can see (404); idempotent."""
    caller.require(*MANAGERS)
    user = is_uuid(user_id) and tx.execute(sa.select(users).where(
        users.c.id == user_id, users_seen_by(caller)).with_for_update()).mappings().first()
    if not user:
        raise NotFound("no such user")
    manageable = tx.execute(sa.select(users.c.id).where(users.c.id == user_id, managed_by(caller))).first()
    if not manageable or user["id"] == caller.user_id:
        raise Forbidden("you may not deactivate this user")
    if user["deactivated_at"] is not None:
        return USER.dump(user)
    row = tx.execute(sa.update(users).where(users.c.id == user_id).values(deactivated_at=sa.func.now())
                     .returning(*users.c)).mappings().one()
    tx.audit_change("active", True, False)
    emit(tx, "user_updated", row, region_id=row["region_id"], alliance_id=row["alliance_id"])
    return USER.dump(row)


def is_active(tx: Transaction, user_id: str) -> bool:
    """Whether the user exists and is not deactivated (a token's user, for the gateway)."""
    return is_uuid(user_id) and tx.execute(sa.select(users.c.id).where(
        users.c.id == user_id, users.c.deactivated_at.is_(None))).first() is not None
