"""Scope filters: the WHERE clauses that keep each caller inside its tenant."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope, Role
from services.membership.consent import LIVE
from services.membership.models import alliances, memberships, schools, system_leaders, users


def regions_of_school(urn: str) -> sa.Select:
    """Regions where the school is a member or has been invited or has asked to be."""
    return (sa.select(alliances.c.region_id)
            .join(memberships, memberships.c.alliance_id == alliances.c.id)
            .where(memberships.c.school_urn == urn, memberships.c.status.in_(LIVE)))


def in_region(caller: CallerScope, region_id: sa.ColumnElement) -> sa.ColumnElement:
    """Rows of the caller's region (everything for the platform admin; a school's regions)."""
    if caller.is_admin:
        return sa.true()
    if caller.role is Role.SCHOOL_USER:
        if not caller.school_urn:
            return sa.false()
        return sa.or_(region_id == caller.region_id, region_id.in_(regions_of_school(caller.school_urn)))
    return region_id == caller.region_id


def in_managed_alliance(caller: CallerScope, alliance_id: sa.ColumnElement,
                        region_id: sa.ColumnElement) -> sa.ColumnElement:
    """Rows of an alliance the caller runs: theirs, or any of their region for a coordinator."""
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return region_id == caller.region_id
    if caller.is_alliance_user:
        return alliance_id == caller.alliance_id
    return sa.false()


def memberships_seen_by(caller: CallerScope) -> sa.ColumnElement:
    """Memberships the caller may see; the query must join ``alliances``."""
    if caller.role is Role.SCHOOL_USER:
        return memberships.c.school_urn == caller.school_urn
    return in_managed_alliance(caller, memberships.c.alliance_id, alliances.c.region_id)


def alliances_run_by(caller: CallerScope) -> sa.ColumnElement:
    """Alliances whose details the caller may change: its own, or its region's for a coordinator."""
    return in_managed_alliance(caller, alliances.c.id, alliances.c.region_id) \
        if caller.role is not Role.ALLIANCE_STAFF else sa.false()


def system_leaders_kept_by(caller: CallerScope) -> sa.ColumnElement:
    """System leaders whose details the caller may change: its own alliance's (every one for the platform admin)."""
    if caller.is_admin:
        return sa.true()
    if caller.is_alliance_user:
        return system_leaders.c.alliance_id == caller.alliance_id
    return sa.false()


def schools_kept_by(caller: CallerScope) -> sa.ColumnElement:
    """Schools whose register entry the caller may change.

    A coordinator keeps the schools of its region: members (or invited) of its
    alliances, and schools without an alliance placed in it by their users.
    A school's own users keep its entry; alliances never edit the register.
    """
    if caller.is_admin:
        return sa.true()
    if caller.role is Role.SCHOOL_USER:
        return schools.c.urn == caller.school_urn
    if not caller.is_coordinator:
        return sa.false()
    members = (sa.select(memberships.c.school_urn)
               .join(alliances, alliances.c.id == memberships.c.alliance_id)
               .where(alliances.c.region_id == caller.region_id, memberships.c.status.in_(LIVE)))
    placed = sa.select(users.c.school_urn).where(users.c.region_id == caller.region_id,
                                                  users.c.role == Role.SCHOOL_USER.value)
    return sa.or_(schools.c.urn.in_(members), schools.c.urn.in_(placed))


def users_seen_by(caller: CallerScope) -> sa.ColumnElement:
    """Users the caller may know of: everyone for the platform admin, else its own alliance's or school's."""
    if caller.is_admin:
        return sa.true()
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        return users.c.school_urn == caller.school_urn
    if caller.alliance_id is None:
        return sa.false()
    return users.c.alliance_id == caller.alliance_id
