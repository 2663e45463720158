"""Chains of allowed calls that must not widen a caller's scope, step by step."""
import pytest

from tests.e2e import authorisation_world as w
from tests.e2e.courses_world import course_body, eventually

pytestmark = pytest.mark.e2e


def status(answer) -> int:
    return answer.status_code


def school_with_user(t: w.Tenants, alliance: dict) -> tuple[str, object]:
    """A fresh member school of ``alliance`` and a signed-in user of it."""
    urn = t.fresh_school()
    t.admin.created(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": urn, "tier": "partner"})
    email = f"office{urn}@matrix.test"
    t.admin.created("/api/v1/users", {"email": email, "name": "Office", "role": "school_user",
                                      "school_urn": urn, "password": w.PASSWORD})
    return urn, t.anonymous.login(email, w.PASSWORD)


def test_an_alliance_cannot_enrol_a_school_then_mint_a_user_to_read_its_bookings(tenants):
    t = tenants
    a_admin, b_staff = t.callers[w.ALLIANCE_ADMIN], t.callers[w.NEIGHBOUR_STAFF]
    urn, office = school_with_user(t, t.b)
    b_course = eventually(lambda: b_staff.post("/api/v1/courses", course_body(
        t.b["id"], title="B's own course", visibility="alliance")).json())
    assert t.admin.post(f"/api/v1/courses/{b_course['id']}/publish").status_code == 200
    booked = eventually(lambda: office.post(f"/api/v1/courses/{b_course['id']}/bookings", {
        "school_urn": urn, "participant": {"name": "Private Person", "email": "private@b.test"}}).json()
        .get("id"))

    members = f"/api/v1/alliances/{t.a['id']}/members"
    invited = a_admin.created(members, {"school_urn": urn, "tier": "partner"})
    assert invited["status"] == "pending"
    mint = {"email": f"mole{urn}@a.test", "name": "Mole", "role": "school_user", "school_urn": urn,
            "password": w.PASSWORD}
    assert status(a_admin.post("/api/v1/users", mint)) == 403
    assert status(a_admin.post(f"{members}/{urn}/accept")) == 403
    assert status(t.callers[w.COORDINATOR].post(f"{members}/{urn}/accept")) == 403  # the school has users

    # Even once the school accepts, A reads and cancels nothing of B's.
    assert office.post(f"{members}/{urn}/accept").json()["status"] == "active"
    assert status(a_admin.post("/api/v1/users", mint)) == 403
    listed = a_admin.get("/api/v1/bookings", params={"school_urn": urn}).json()["items"]
    assert booked not in {b["id"] for b in listed}
    assert status(a_admin.get(f"/api/v1/bookings/{booked}")) == 404
    assert status(a_admin.post(f"/api/v1/bookings/{booked}/cancel")) == 404
    assert status(a_admin.get(f"/api/v1/courses/{b_course['id']}")) == 404
    assert status(a_admin.post(f"/api/v1/courses/{b_course['id']}/bookings", {
        "school_urn": urn, "participant": {"name": "X", "email": "x@a.test"}})) == 404
    assert office.get(f"/api/v1/bookings/{booked}").json()["status"] == "confirmed"


def test_a_region_speaks_only_for_schools_of_that_region_alone(tenants):
    t = tenants
    far_urn = t.fresh_school()
    t.admin.created(f"/api/v1/alliances/{t.f['id']}/members", {"school_urn": far_urn, "tier": "partner"})
    members = f"/api/v1/alliances/{t.a['id']}/members"
    t.callers[w.ALLIANCE_ADMIN].created(members, {"school_urn": far_urn, "tier": "partner"})
    assert status(t.callers[w.COORDINATOR].post(f"{members}/{far_urn}/accept")) == 403
    assert status(t.callers[w.COORDINATOR_ELSEWHERE].post(f"{members}/{far_urn}/accept")) == 404
    # The coordinator may add the school directly (the contract), but not mint its first user.
    assert status(t.callers[w.ALLIANCE_ADMIN].delete(f"{members}/{far_urn}")) == 200
    assert t.callers[w.COORDINATOR].created(members, {"school_urn": far_urn, "tier": "partner"})["status"] == "active"
    answer = t.callers[w.COORDINATOR].post("/api/v1/users", {
        "email": f"first{far_urn}@x.test", "name": "First", "role": "school_user", "school_urn": far_urn,
        "password": w.PASSWORD})
    assert status(answer) == 422 and "school_urn" in answer.json()["errors"]


@pytest.mark.parametrize("creator, role, scope, refused", [
    (w.ALLIANCE_ADMIN, "platform_admin", {}, 403),
    (w.ALLIANCE_ADMIN, "regional_coordinator", {"region": True}, 403),
    (w.ALLIANCE_ADMIN, "alliance_admin", {"alliance": "b"}, 422),
    (w.ALLIANCE_ADMIN, "school_user", {"school": w.S}, 403),
    (w.ALLIANCE_STAFF, "alliance_staff", {}, 403),
    (w.COORDINATOR, "alliance_admin", {"alliance": "a"}, 403),  # A has an admin already
    (w.COORDINATOR, "alliance_staff", {"alliance": "a"}, 403),
    (w.COORDINATOR, "regional_coordinator", {"region": True}, 403),
    (w.COORDINATOR, "school_user", {"school": w.S}, 403),  # S has users: they add colleagues
    (w.COORDINATOR_ELSEWHERE, "alliance_admin", {"alliance": "a"}, 422),
    (w.SCHOOL_USER, "school_user", {"school": w.O}, 403),
    (w.SCHOOL_USER, "alliance_admin", {"alliance": "a"}, 403),
    (w.NON_MEMBER_SCHOOL_USER, "regional_coordinator", {"region": True}, 403),
])
def test_no_one_creates_a_user_with_a_scope_wider_than_their_own(tenants, creator, role, scope, refused):
    t = tenants
    body = {"email": f"wider{t.unique()}@x.test", "name": "Wider", "role": role, "password": w.PASSWORD}
    if scope.get("region"):
        body["region_id"] = t.region["id"]
    if scope.get("alliance"):
        body["alliance_id"] = {"a": t.a, "b": t.b}[scope["alliance"]]["id"]
    if scope.get("school"):
        body["school_urn"] = scope["school"]
    assert status(t.callers[creator].post("/api/v1/users", body)) == refused


def test_a_school_asks_to_join_and_the_alliance_accepts(tenants):
    t = tenants
    urn = t.fresh_school()
    email = f"asker{urn}@x.test"
    t.admin.created("/api/v1/users", {"email": email, "name": "Asker", "role": "school_user", "school_urn": urn,
                                      "password": w.PASSWORD})
    asker = t.anonymous.login(email, w.PASSWORD)
    members = f"/api/v1/alliances/{t.a['id']}/members"
    assert status(asker.post(members, {"school_urn": w.S, "tier": "partner"})) == 403
    asked = asker.created(members, {"school_urn": urn, "tier": "associate"})
    assert asked["status"] == "pending" and asked["requested_by"] == "school"
    assert status(asker.post(f"{members}/{urn}/accept")) == 403
    assert status(t.callers[w.ALLIANCE_STAFF].post(f"{members}/{urn}/accept")) == 403
    assert status(t.callers[w.NEIGHBOUR_ADMIN].post(f"{members}/{urn}/accept")) == 404
    assert t.callers[w.ALLIANCE_ADMIN].post(f"{members}/{urn}/accept").json()["status"] == "active"
    mine = asker.get(f"/api/v1/schools/{urn}/memberships").json()["items"]
    assert [(m["alliance_id"], m["status"]) for m in mine] == [(t.a["id"], "active")]
    # Members see the alliance's own courses once courses has the membership from its events.
    eventually(lambda: asker.get(f"/api/v1/courses/{t.course['id']}").ok)
    ended = asker.delete(f"{members}/{urn}")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
