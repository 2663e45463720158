"""Scope filters: the WHERE clauses that keep each caller inside its tenant."""
import sqlalchemy as sa

from services.chassis.scope import CallerScope


def in_region(caller: CallerScope, region_id: sa.ColumnElement) -> sa.ColumnElement:
    """Rows of the caller's region (everything for the platform admin)."""
    if caller.is_admin:
        return sa.true()
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
