"""Audiences resolved to people, from this service's copies of membership's users and leaders."""
from dataclasses import dataclass

import sqlalchemy as sa

from services.chassis import scope
from services.chassis.transaction import Transaction
from services.notifications.models import alliances, memberships, preferences, system_leaders, users
from services.notifications.routing import Audience, Who

ALLIANCE_ROLES = tuple(role.value for role in scope.ALLIANCE_ROLES)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user_id: str | None = None  # people with an account also get the in-app feed and choose their email
    preference: str | None = None


def _users_where(condition: sa.ColumnElement) -> sa.Select:
    """Active users matching ``condition``, with their email preference."""
    return (sa.select(users.c.email, users.c.name, users.c.id, preferences.c.email.label("preference"))
            .select_from(users.outerjoin(preferences, preferences.c.user_id == users.c.id))
            .where(users.c.active, condition))


def _member_schools(condition: sa.ColumnElement) -> sa.ColumnElement:
    urns = sa.select(memberships.c.school_urn).where(memberships.c.status == "active", condition)
    return sa.and_(users.c.role == "school_user", users.c.school_urn.in_(urns))


KEY = sa.bindparam("key")


def _query(who: Who) -> sa.Select:
    """The people of one kind of audience, whose key is the parameter ``key``."""
    if who is Who.PARTICIPANT:
        return _users_where(sa.func.lower(users.c.email) == sa.func.lower(KEY))
    if who is Who.SCHOOL_USERS:
        return _users_where(sa.and_(users.c.school_urn == KEY, users.c.role == "school_user"))
    if who is Who.ALLIANCE_USERS:
        return _users_where(sa.and_(users.c.alliance_id == KEY, users.c.role.in_(ALLIANCE_ROLES)))
    if who is Who.ALLIANCE_ADMINS:
        return _users_where(sa.and_(users.c.alliance_id == KEY, users.c.role == "alliance_admin"))
    if who is Who.COORDINATORS:
        return _users_where(sa.and_(users.c.region_id == KEY, users.c.role == "regional_coordinator"))
    if who is Who.REGION_ALLIANCE_USERS:
        in_region = sa.select(alliances.c.id).where(alliances.c.region_id == KEY)
        return _users_where(sa.and_(users.c.alliance_id.in_(in_region), users.c.role.in_(ALLIANCE_ROLES)))
    if who is Who.MEMBER_SCHOOLS:
        return _users_where(_member_schools(memberships.c.alliance_id == KEY))
    if who is Who.REGION_MEMBER_SCHOOLS:
        return _users_where(_member_schools(memberships.c.region_id == KEY))
    raise ValueError(f"no query for {who}")


# Built once: building a query costs more than running it, and a built one is compiled once (cached).
QUERIES = {who: _query(who).order_by(users.c.email) for who in Who if who is not Who.LEADER}
LEADER = sa.select(system_leaders.c.email, system_leaders.c.name).where(system_leaders.c.id == KEY)


def resolve(tx: Transaction, audience: Audience, name: str = "") -> list[Recipient]:
    """The people of ``audience``; a participant or leader without an account is reached by email alone."""
    if audience.who is Who.LEADER:
        return _leader(tx, audience.key)
    found = [Recipient(row.email.lower(), row.name, str(row.id), row.preference)
             for row in tx.execute(QUERIES[audience.who], {"key": audience.key})]
    if audience.who is Who.PARTICIPANT and not found:
        return [Recipient(audience.key.lower(), name)]
    return found


def _leader(tx: Transaction, leader_id: str) -> list[Recipient]:
    leader = tx.execute(LEADER, {"key": leader_id}).first()
    if leader is None:
        return []
    return resolve(tx, Audience(Who.PARTICIPANT, leader.email), leader.name)
