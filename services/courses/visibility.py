"""Scope filters: which courses and bookings a caller may see or run, as WHERE clauses."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope, Role
from services.courses.models import alliances, bookings, courses, memberships


def _school_memberships(urn: str) -> sa.Select:
    return sa.select(memberships.c.alliance_id, memberships.c.region_id).where(
        memberships.c.school_urn == urn, memberships.c.status == "active")


def active_member_regions(urn: str) -> sa.ScalarSelect:
    """The regions where the school is an active member of an alliance, as one array of text."""
    # As text: psycopg2 hands a uuid[] back as one unparsed string.
    return sa.func.array(sa.select(sa.cast(memberships.c.region_id, sa.Text)).where(
        memberships.c.school_urn == urn, memberships.c.status == "active").scalar_subquery())


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


def alliances_run_by(caller: CallerScope) -> sa.ColumnElement:
    """Alliances (courses' copies) whose courses the caller drafts: its own (any for the platform admin)."""
    if caller.is_admin:
        return sa.true()
    if caller.is_alliance_user:
        return alliances.c.id == caller.alliance_id
    return sa.false()


def overseen_by(caller: CallerScope) -> sa.ColumnElement:
    """Courses whose bookings the caller oversees: those it runs, or its region's for a coordinator."""
    return courses.c.region_id == caller.region_id if caller.is_coordinator else run_by(caller)


def readable_by(caller: CallerScope) -> sa.ColumnElement:
    """One course by id: any the caller runs or oversees, else a published one offered to them."""
    return sa.or_(overseen_by(caller),
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
