"""Who may start, accept and end a membership (pure rules, no broker)."""
import pytest

from services.chassis.scope import CallerScope, Role
from services.membership.consent import ACTIVE, PENDING, Party, may_decide, may_end, opening

R1, R2 = "region-1", "region-2"


def caller(role: Role, **scope: str) -> CallerScope:
    return CallerScope(user_id="u", role=role, **scope)


ADMIN = caller(Role.PLATFORM_ADMIN)
COORDINATOR = caller(Role.REGIONAL_COORDINATOR, region_id=R1)
OTHER_COORDINATOR = caller(Role.REGIONAL_COORDINATOR, region_id=R2)
ALLIANCE_ADMIN = caller(Role.ALLIANCE_ADMIN, alliance_id="a1", region_id=R1)
OTHER_ALLIANCE_ADMIN = caller(Role.ALLIANCE_ADMIN, alliance_id="a2", region_id=R1)
STAFF = caller(Role.ALLIANCE_STAFF, alliance_id="a1", region_id=R1)
SCHOOL = caller(Role.SCHOOL_USER, school_urn="100001")
OTHER_SCHOOL = caller(Role.SCHOOL_USER, school_urn="100002")


def party(requested_by: str, has_users: bool = False, regions: tuple = (R1,)) -> Party:
    return Party("a1", R1, "100001", requested_by, has_users, frozenset(regions))


def test_the_platform_and_the_region_add_members_directly_others_ask():
    assert opening(ADMIN).status == ACTIVE and opening(COORDINATOR).status == ACTIVE
    assert opening(ALLIANCE_ADMIN) == opening(ALLIANCE_ADMIN).__class__(PENDING, "alliance")
    assert opening(SCHOOL).status == PENDING and opening(SCHOOL).requested_by == "school"


@pytest.mark.parametrize("who, allowed", [
    (SCHOOL, True), (ADMIN, True), (OTHER_SCHOOL, False), (ALLIANCE_ADMIN, False), (STAFF, False),
    (OTHER_ALLIANCE_ADMIN, False), (COORDINATOR, False), (OTHER_COORDINATOR, False),
])
def test_an_invitation_is_accepted_by_the_school(who, allowed):
    assert may_decide(who, party("alliance", has_users=True)) is allowed


def test_the_region_accepts_for_a_school_with_no_users_of_its_region_alone():
    assert may_decide(COORDINATOR, party("alliance"))
    assert not may_decide(OTHER_COORDINATOR, party("alliance", regions=(R2,)))
    assert not may_decide(COORDINATOR, party("alliance", regions=(R1, R2)))
    assert not may_decide(COORDINATOR, party("alliance", has_users=True))


@pytest.mark.parametrize("who, allowed", [
    (ALLIANCE_ADMIN, True), (COORDINATOR, True), (ADMIN, True), (STAFF, False), (SCHOOL, False),
    (OTHER_ALLIANCE_ADMIN, False), (OTHER_COORDINATOR, False),
])
def test_a_schools_request_is_accepted_by_the_alliance(who, allowed):
    assert may_decide(who, party("school")) is allowed


@pytest.mark.parametrize("who, allowed", [
    (ALLIANCE_ADMIN, True), (SCHOOL, True), (ADMIN, True), (STAFF, False), (COORDINATOR, False),
    (OTHER_SCHOOL, False), (OTHER_ALLIANCE_ADMIN, False),
])
def test_either_side_ends_a_membership(who, allowed):
    assert may_end(who, party("alliance")) is allowed
