"""Scope filters: which courses and bookings a caller may see or run, as WHERE clauses."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope, Role
from services.courses.models import bookings, courses, memberships


def _school_memberships(urn: str) -> sa.Select:
    return sa.select(memberships.c.alliance_id, memberships.c.region_id).where(
        memberships.c.school_urn == urn, memberships.c.status == "active")


def listed_for(caller: CallerScope) -> sa.ColumnElement:
    """Courses offered to the caller: own alliance's, the region's shared ones, public ones."""
    public = courses.c.visibility == "public"
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return sa.or_(courses.c.region_id == caller.region_id, public)
    if caller.is_alliance_user:
        return sa.or_(courses.c.alliance_id == caller.alliance_id, public,
                      sa.and_(courses.c.visibility == "region", courses.c.region_id == caller.region_id))
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        member_of = _school_memberships(caller.school_urn).subquery()
        return sa.or_(
            public,
            # the regions of its memberships, and the one it is placed in when it has no alliance
            sa.and_(courses.c.visibility == "region",
                    sa.or_(courses.c.region_id.in_(sa.select(member_of.c.region_id)),
                           courses.c.region_id == caller.region_id)),
            sa.and_(courses.c.visibility == "alliance",
                    courses.c.alliance_id.in_(sa.select(member_of.c.alliance_id))),
        )
    return sa.false()


def run_by(caller: CallerScope) -> sa.ColumnElement:
    """Courses the caller manages: their own alliance's (everything for the platform admin)."""
    if caller.is_admin:
        return sa.true()
    if caller.is_alliance_user:
        return courses.c.alliance_id == caller.alliance_id
    return sa.false()


def readable_by(caller: CallerScope) -> sa.ColumnElement:
    """One course by id: any the caller runs or oversees, else a published one offered to them."""
    oversees = (courses.c.region_id == caller.region_id
                if caller.is_coordinator else sa.false())
    return sa.or_(run_by(caller), oversees,
                  sa.and_(courses.c.status != "draft", listed_for(caller)))


def bookings_of(caller: CallerScope) -> sa.ColumnElement:
    """Bookings the caller may see; the query must join ``courses``."""
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return courses.c.region_id == caller.region_id
    if caller.is_alliance_user:
        return courses.c.alliance_id == caller.alliance_id
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        return bookings.c.school_urn == caller.school_urn
    return sa.false()
