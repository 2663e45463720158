"""Scope filters: the WHERE clauses that keep each caller inside its tenant."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope, Role
from services.membership.models import alliances, memberships

LIVE = ("pending", "active")


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
        return region_id.in_(regions_of_school(caller.school_urn)) if caller.school_urn else sa.false()
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
