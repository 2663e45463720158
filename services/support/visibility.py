"""Scope filters: which referrals a caller may see or act on, as WHERE clauses on ``referrals``.

- a school user: its own school's referrals;
- an alliance: its own (it is their home alliance), those it is deployed on,
  and the region's referrals once shared;
- a coordinator: every referral of the region; the platform admin: all.
"""
import sqlalchemy as sa

from services.chassis.scope import CallerScope, Role
from services.support.models import alliances, deployments, referrals


def deployed_from(alliance_id: str | None) -> sa.ColumnElement:
    """Referrals on which a leader of ``alliance_id`` is (or was) deployed."""
    return sa.exists(sa.select(deployments.c.id).where(
        deployments.c.referral_id == referrals.c.id, deployments.c.leader_alliance_id == alliance_id))


def seen_by(caller: CallerScope) -> sa.ColumnElement:
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return referrals.c.region_id == caller.region_id
    if caller.is_alliance_user:
        return sa.or_(referrals.c.alliance_id == caller.alliance_id,
                      sa.and_(referrals.c.region_id == caller.region_id, referrals.c.shared_at.is_not(None)),
                      deployed_from(caller.alliance_id))
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        return referrals.c.school_urn == caller.school_urn
    return sa.false()


def managed_by(caller: CallerScope) -> sa.ColumnElement:
    """Referrals the caller triages: share, match, assign, close (home alliance, coordinator, admin)."""
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return referrals.c.region_id == caller.region_id
    if caller.is_alliance_user:
        return referrals.c.alliance_id == caller.alliance_id
    return sa.false()


def supported_by(caller: CallerScope) -> sa.ColumnElement:
    """Referrals the caller may review and log visits on: those it manages or is deployed on."""
    if caller.is_alliance_user:
        return sa.or_(managed_by(caller), deployed_from(caller.alliance_id))
    return managed_by(caller)


def withdrawable_by(caller: CallerScope) -> sa.ColumnElement:
    """The school may withdraw its own request; its home alliance and the region may withdraw any."""
    if caller.role is Role.SCHOOL_USER and caller.school_urn:
        return referrals.c.school_urn == caller.school_urn
    return managed_by(caller)


def alliances_of(caller: CallerScope) -> sa.ColumnElement:
    """Alliances (support's copies) a caller may open a referral with, apart from a school's own."""
    if caller.is_admin:
        return sa.true()
    if caller.is_coordinator:
        return alliances.c.region_id == caller.region_id
    if caller.is_alliance_user:
        return alliances.c.id == caller.alliance_id
    return sa.false()

