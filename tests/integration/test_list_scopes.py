"""Each list a scope filters gives each role exactly what it may see: every row once, in keyset order.

Bookings, an alliance's members and referrals are read by keys first (services/chassis/pagination.py
``paginate_keys``); referrals as the union of one part per arm of who sees them
(services/support/visibility.py ``keys_seen_by``). A small world is written straight into each
service's database, many rows sharing one timestamp (or one school) so that pages end inside ties, and
every page of each list is compared with what each role should see, worked out here in Python from the
rows written (and, for referrals, with the one WHERE clause that decides who sees one referral).
"""
import random
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.errors import NotFound
from services.chassis.scope import CallerScope, Role
from services.courses import bookings as course_bookings
from services.courses import models as courses_db
from services.membership import memberships as membership_lists
from services.membership import models as membership_db
from services.support import models as support_db
from services.support import referrals as support_referrals
from services.support.visibility import seen_by

pytestmark = pytest.mark.integration

R1, R2 = "11111111-1111-1111-1111-111111111111", "11111111-1111-1111-1111-222222222222"
A1, A2, A3 = ("22222222-2222-2222-2222-111111111111", "22222222-2222-2222-2222-222222222222",
              "22222222-2222-2222-2222-333333333333")
REGION_OF = {A1: R1, A2: R1, A3: R2}
SCHOOLS = [f"6000{n:02d}" for n in range(1, 13)]
# Few distinct times: most rows share theirs with others, so pages end inside ties.
MOMENTS = [datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc) + timedelta(minutes=m) for m in (0, 0, 0, 5, 5, 30)]
LIMITS = (1, 3, 7, 200)

ADMIN = CallerScope("admin", Role.PLATFORM_ADMIN)
COORDINATOR = CallerScope("coordinator", Role.REGIONAL_COORDINATOR, region_id=R1)
STAFF_A1 = CallerScope("staff-a1", Role.ALLIANCE_STAFF, region_id=R1, alliance_id=A1)
ADMIN_A2 = CallerScope("admin-a2", Role.ALLIANCE_ADMIN, region_id=R1, alliance_id=A2)
STAFF_A3 = CallerScope("staff-a3", Role.ALLIANCE_STAFF, region_id=R2, alliance_id=A3)
SCHOOL = CallerScope("school", Role.SCHOOL_USER, region_id=R1, school_urn=SCHOOLS[0])


def every_page(db, list_page, limit: int) -> list[dict]:
    """Every item of a list, page by page (each page a read-only transaction of its own)."""
    items, cursor = [], None
    for _ in range(1000):
        with db.transaction(read_only=True) as tx:
            page = list_page(tx, {"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["items"], "a next page after an empty one"
    raise AssertionError("the list never ends")


def in_order(rows: list[dict], *keys: str) -> list[str]:
    """The ids of ``rows`` in keyset order: by ``keys``, then id (PostgreSQL orders UUIDs as their text)."""
    return [row["id"] for row in sorted(rows, key=lambda row: (*[row[key] for key in keys], row["id"]))]


def assert_lists(db, list_page, expected: list[str]) -> None:
    assert len(set(expected)) == len(expected)
    for limit in LIMITS:
        assert [item["id"] for item in every_page(db, list_page, limit)] == expected, f"limit {limit}"


# --- courses: bookings --------------------------------------------------------------------------

@pytest.fixture
def courses_world(migrated_db):
    db = migrated_db("services.courses", "courses")
    draw = random.Random(12)
    courses = {}
    with db.engine.begin() as conn:
        for alliance, region in REGION_OF.items():
            conn.execute(sa.insert(courses_db.alliances).values(id=alliance, region_id=region, name=alliance[-4:],
                                                                kind="teaching_school_hub"))
            for n in range(2):
                course_id = str(uuid.uuid4())
                conn.execute(sa.insert(courses_db.courses).values(
                    id=course_id, alliance_id=alliance, region_id=region, title=f"Course {n}", programme="npq",
                    area="npq", visibility="region", capacity=100, price_member_pence=100,
                    price_non_member_pence=200, status="published", starts_at=MOMENTS[-1] + timedelta(days=30)))
                courses[course_id] = alliance
        conn.execute(sa.insert(courses_db.schools), [{"urn": urn, "name": f"School {urn}"} for urn in SCHOOLS])
        rows = [{"id": str(uuid.uuid4()), "course_id": draw.choice(list(courses)),
                 "school_urn": draw.choice(SCHOOLS[:4]), "participant_name": "P",
                 "participant_email": f"p{n}@example.org",
                 "status": draw.choice(["confirmed", "confirmed", "waitlisted", "cancelled"]), "price_pence": 100,
                 "member_price": True, "booked_by": "admin", "created_at": draw.choice(MOMENTS)} for n in range(80)]
        conn.execute(sa.insert(courses_db.bookings), rows)
    return db, courses, rows


@pytest.mark.parametrize("caller, sees", [
    (ADMIN, lambda booking, alliance: True),
    (COORDINATOR, lambda booking, alliance: REGION_OF[alliance] == R1),
    (STAFF_A1, lambda booking, alliance: alliance == A1),
    (ADMIN_A2, lambda booking, alliance: alliance == A2),
    (STAFF_A3, lambda booking, alliance: alliance == A3),
    (SCHOOL, lambda booking, alliance: booking["school_urn"] == SCHOOLS[0]),
], ids=["admin", "coordinator", "staff-a1", "admin-a2", "staff-a3", "school"])
def test_bookings_each_role_sees_its_own_once_in_order(courses_world, caller, sees):
    db, courses, rows = courses_world
    seen = [row for row in rows if sees(row, courses[row["course_id"]])]
    assert seen, "the world gives every role something to see"
    assert_lists(db, lambda tx, page: course_bookings.list_bookings(tx, caller, {}, page),
                 in_order(seen, "created_at"))
    for filters in ({"status": "confirmed"}, {"school_urn": SCHOOLS[1]},
                    {"status": "waitlisted", "school_urn": SCHOOLS[0]}):
        wanted = [row for row in seen if all(row[name] == value for name, value in filters.items())]
        assert_lists(db, lambda tx, page: course_bookings.list_bookings(tx, caller, filters, page),
                     in_order(wanted, "created_at"))


def test_a_course_s_bookings_once_in_order(courses_world):
    db, courses, rows = courses_world
    course_id = next(c for c, alliance in courses.items() if alliance == A1)
    on_course = [row for row in rows if row["course_id"] == course_id]
    assert_lists(db, lambda tx, page: course_bookings.list_course_bookings(tx, STAFF_A1, course_id, {}, page),
                 in_order(on_course, "created_at"))
    with pytest.raises(NotFound), db.transaction(read_only=True) as tx:
        course_bookings.list_course_bookings(tx, ADMIN_A2, course_id, {}, None)


# --- membership: an alliance's members ------------------------------------------------------------

@pytest.fixture
def membership_world(migrated_db):
    db = migrated_db("services.membership", "membership")
    draw = random.Random(7)
    with db.engine.begin() as conn:
        for region in (R1, R2):
            conn.execute(sa.insert(membership_db.regions).values(id=region, name=region[-4:], code=region[-4:]))
        for alliance, region in REGION_OF.items():
            conn.execute(sa.insert(membership_db.alliances).values(id=alliance, region_id=region, name=alliance[-4:],
                                                                   kind="teaching_school_hub"))
        conn.execute(sa.insert(membership_db.schools), [
            {"urn": urn, "name": f"School {urn}", "local_authority": "Leeds", "phase": "primary"} for urn in SCHOOLS])
        rows = []
        for alliance in (A1, A2):
            for urn in SCHOOLS:
                # Several ended memberships of one school before its live one: ties on school_urn.
                for status in ["ended"] * draw.choice([0, 0, 1, 3]) + [draw.choice(["active", "pending", "ended"])]:
                    rows.append({"id": str(uuid.uuid4()), "alliance_id": alliance, "school_urn": urn,
                                 "tier": draw.choice(["partner", "associate"]), "status": status})
        conn.execute(sa.insert(membership_db.memberships), rows)
    return db, rows


@pytest.mark.parametrize("caller", [ADMIN, COORDINATOR, STAFF_A1], ids=["admin", "coordinator", "staff-a1"])
def test_members_each_reader_sees_the_alliance_s_once_in_order(membership_world, caller):
    db, rows = membership_world
    for filters in ({}, {"status": "ended"}, {"tier": "partner", "status": "active"}):
        wanted = [row for row in rows if row["alliance_id"] == A1
                  and all(row[name] == value for name, value in filters.items())]
        assert_lists(db, lambda tx, page: membership_lists.list_members(tx, caller, A1, filters, page),
                     in_order(wanted, "school_urn"))


def test_members_of_another_alliance_or_region_do_not_exist_for_the_caller(membership_world):
    db, rows = membership_world
    for caller in (ADMIN_A2, STAFF_A3, CallerScope("coordinator-2", Role.REGIONAL_COORDINATOR, region_id=R2)):
        with pytest.raises(NotFound), db.transaction(read_only=True) as tx:
            membership_lists.list_members(tx, caller, A1, {}, None)


# --- support: referrals ---------------------------------------------------------------------------

@pytest.fixture
def support_world(migrated_db):
    db = migrated_db("services.support", "support")
    draw = random.Random(3)
    today = date(2026, 3, 2)
    with db.engine.begin() as conn:
        for alliance, region in REGION_OF.items():
            conn.execute(sa.insert(support_db.alliances).values(id=alliance, region_id=region, name=alliance[-4:],
                                                                kind="teaching_school_hub"))
        conn.execute(sa.insert(support_db.schools), [
            {"urn": urn, "name": f"School {urn}", "local_authority": "Leeds", "phase": "primary"} for urn in SCHOOLS])
        referrals, deployments = [], []
        for n in range(90):
            alliance = draw.choice([A1, A2, A2, A3])
            opened = draw.choice(MOMENTS)
            referrals.append({
                "id": str(uuid.uuid4()), "school_urn": draw.choice(SCHOOLS), "alliance_id": alliance,
                "region_id": REGION_OF[alliance], "need_areas": ["maths"], "priority": draw.choice(["low", "high"]),
                "source": "alliance", "summary": "s", "consent_to_share": True,
                "status": draw.choice(["open", "shared"]),
                "received_on": today, "match_due_on": today + timedelta(days=7), "opened_by": "admin",
                "opened_at": opened, "shared_at": opened + timedelta(hours=1) if draw.random() < 0.3 else None})
        for referral in referrals:
            # Leaders of A1 (and A2) on others' referrals, shared or not; sometimes two on one referral,
            # or one deployed twice (ended, then again): the deployed-on part must count a referral once.
            for leader_alliance in (A1, A2):
                if leader_alliance != referral["alliance_id"] and draw.random() < 0.3:
                    for status in draw.choice([["active"], ["active", "active"], ["ended", "active"]]):
                        deployments.append({
                            "referral_id": referral["id"], "system_leader_id": str(uuid.uuid4()),
                            "leader_alliance_id": leader_alliance, "referral_alliance_id": referral["alliance_id"],
                            "cross_alliance": True, "days": 2, "academic_year": 2025, "status": status,
                            "assigned_by": "admin", "referral_opened_at": referral["opened_at"]})
        conn.execute(sa.insert(support_db.referrals), referrals)
        conn.execute(sa.insert(support_db.deployments), deployments)
    deployed_from: dict[str, set] = {}
    for deployment in deployments:
        deployed_from.setdefault(deployment["referral_id"], set()).add(deployment["leader_alliance_id"])
    return db, referrals, deployed_from


def sees_referral(caller: CallerScope, referral: dict, deployed_from: dict[str, set]) -> bool:
    """Who sees a referral, as README's "Support referrals" says it."""
    if caller.is_admin:
        return True
    if caller.is_coordinator:
        return referral["region_id"] == caller.region_id
    if caller.is_alliance_user:
        return (referral["alliance_id"] == caller.alliance_id
                or (referral["region_id"] == caller.region_id and referral["shared_at"] is not None)
                or caller.alliance_id in deployed_from.get(referral["id"], set()))
    return referral["school_urn"] == caller.school_urn


@pytest.mark.parametrize("caller", [ADMIN, COORDINATOR, STAFF_A1, ADMIN_A2, STAFF_A3, SCHOOL],
                         ids=["admin", "coordinator", "staff-a1", "admin-a2", "staff-a3", "school"])
def test_referrals_each_role_sees_its_own_once_in_order(support_world, caller):
    db, referrals, deployed_from = support_world
    seen = [r for r in referrals if sees_referral(caller, r, deployed_from)]
    assert seen
    with db.transaction(read_only=True) as tx:  # the one clause that decides who reads one referral
        decided = tx.execute(sa.select(support_db.referrals.c.id).where(seen_by(caller))).scalars().all()
    assert sorted(decided) == sorted(r["id"] for r in seen)
    for filters in ({}, {"status": "shared"}, {"priority": "high", "school_urn": SCHOOLS[2]}, {"alliance_id": A2}):
        wanted = [r for r in seen if all(r[name] == value for name, value in filters.items())]
        assert_lists(db, lambda tx, page: support_referrals.list_referrals(tx, caller, filters, page),
                     in_order(wanted, "opened_at"))


def test_an_alliance_s_three_parts_overlap_and_each_adds_referrals(support_world):
    """The world exercises every arm of an alliance's OR, alone and together with the others."""
    db, referrals, deployed_from = support_world
    own = {r["id"] for r in referrals if r["alliance_id"] == A1}
    shared = {r["id"] for r in referrals if r["region_id"] == R1 and r["shared_at"] is not None}
    deployed = {r["id"] for r in referrals if A1 in deployed_from.get(r["id"], set())}
    assert own - shared - deployed and shared - own - deployed and deployed - own - shared
    assert shared & deployed and own & shared
