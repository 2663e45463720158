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


def keys_seen_by(caller: CallerScope, *conditions: sa.ColumnElement) -> list[sa.Select]:
    """The referrals ``seen_by`` the caller that meet ``conditions`` (on ``referrals``), as selects of
    the list's keys (opened_at, id) whose union they are: one per arm of an alliance's OR, each read from
    an index of its own in that order (an OR across columns can use none). The deployed-on part reads
    deployments, which carry their referral's opened_at (ix_deployments_alliance_referral).
    """
    keys = (referrals.c.opened_at, referrals.c.id)
    if not caller.is_alliance_user:
        return [sa.select(*keys).where(seen_by(caller), *conditions)]
    deployed = (sa.select(deployments.c.referral_opened_at, deployments.c.referral_id).distinct()
                .where(deployments.c.leader_alliance_id == caller.alliance_id))
    if conditions:
        deployed = deployed.join(referrals, referrals.c.id == deployments.c.referral_id).where(*conditions)
    return [
        sa.select(*keys).where(referrals.c.alliance_id == caller.alliance_id, *conditions),
        sa.select(*keys).where(referrals.c.region_id == caller.region_id, referrals.c.shared_at.is_not(None),
                               *conditions),
        deployed,
    ]


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

