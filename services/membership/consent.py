"""Who may start, accept and end a membership: a school joins only with its consent.

A membership asked for by one side (the alliance invites, or the school asks)
is ``pending`` until the other side accepts it. The platform admin and the
coordinator of the alliance's region add members directly (``active``), and
the coordinator accepts on behalf of a school that has no users yet.
"""
from dataclasses import dataclass
from enum import StrEnum

from services.chassis.lifecycle import Lifecycle
from services.chassis.scope import CallerScope, Role


class MembershipStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"
    DECLINED = "declined"


PENDING, ACTIVE, ENDED, DECLINED = MembershipStatus
LIVE = (PENDING.value, ACTIVE.value)
MEMBERSHIP = Lifecycle({
    PENDING: {ACTIVE, DECLINED, ENDED},  # accepted, declined, or withdrawn by the side that asked
    ACTIVE: {ENDED},
    ENDED: set(),
    DECLINED: set(),
})


@dataclass(frozen=True)
class Opening:
    status: str
    requested_by: str  # platform | region | alliance | school


@dataclass(frozen=True)
class Party:
    """The membership as the rules see it."""
    alliance_id: str
    region_id: str
    school_urn: str
    requested_by: str
    school_has_users: bool
    school_regions: frozenset[str]  # regions of the school's live memberships, this one included


def opening(caller: CallerScope) -> Opening:
    """How a membership starts when ``caller`` asks for it."""
    if caller.is_admin:
        return Opening(ACTIVE, "platform")
    if caller.is_coordinator:
        return Opening(ACTIVE, "region")
    if caller.role is Role.SCHOOL_USER:
        return Opening(PENDING, "school")
    return Opening(PENDING, "alliance")


def _speaks_for_school(caller: CallerScope, party: Party) -> bool:
    if caller.role is Role.SCHOOL_USER:
        return caller.school_urn == party.school_urn
    # The region speaks for a school with no users of its own, and only for a school of its region alone.
    return (caller.is_coordinator and not party.school_has_users
            and party.region_id == caller.region_id and party.school_regions == {caller.region_id})


def _speaks_for_alliance(caller: CallerScope, party: Party) -> bool:
    if caller.role is Role.ALLIANCE_ADMIN:
        return caller.alliance_id == party.alliance_id
    return caller.is_coordinator and caller.region_id == party.region_id


def may_decide(caller: CallerScope, party: Party) -> bool:
    """Whether ``caller`` may accept or decline a pending membership: the side that did not ask."""
    if caller.is_admin:
        return True
    if party.requested_by == "school":
        return _speaks_for_alliance(caller, party)
    return _speaks_for_school(caller, party)


def may_end(caller: CallerScope, party: Party) -> bool:
    """Either side may end (or withdraw) a membership: the alliance's admin or the school's user."""
    if caller.is_admin:
        return True
    if caller.role is Role.SCHOOL_USER:
        return caller.school_urn == party.school_urn
    return caller.role is Role.ALLIANCE_ADMIN and caller.alliance_id == party.alliance_id
