"""Every membership route over HTTP: success, 401, 403, 404 across tenants, 422, 409."""
import pytest

from tests.e2e.api import school

pytestmark = pytest.mark.e2e


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == status and body["title"]
    return body


# --- regions -----------------------------------------------------------------

def test_regions(world, admin, anonymous):
    problem(anonymous.get("/api/v1/regions"), 401)
    problem(world.coordinator.post("/api/v1/regions", {"name": "South West", "code": "SW"}), 403)
    bad = problem(admin.post("/api/v1/regions", {"name": "", "code": "sw", "extra": 1}), 422)
    assert set(bad["errors"]) == {"name", "code", "extra"}
    problem(admin.post("/api/v1/regions", {"name": "Again", "code": "EMSYH"}), 409)

    mine = world.coordinator.get("/api/v1/regions").json()["items"]
    assert [r["id"] for r in mine] == [world.region1["id"]]
    assert world.coordinator.get(f"/api/v1/regions/{world.region1['id']}").json()["code"] == "EMSYH"
    problem(world.coordinator.get(f"/api/v1/regions/{world.region2['id']}"), 404)
    problem(world.coordinator.get("/api/v1/regions/not-a-uuid"), 404)
    assert {r["code"] for r in admin.get("/api/v1/regions").json()["items"]} >= {"EMSYH", "NW"}


# --- alliances ---------------------------------------------------------------

def test_alliances(world, admin, anonymous):
    created = world.coordinator.created("/api/v1/alliances", {
        "name": "Oadby Learning Partnership", "region_id": world.region1["id"],
        "kind": "teaching_school_alliance"})
    assert created["kind_label"] == "Teaching school alliance"
    assert world.a2["kind_label"] == "Teaching school hub"
    problem(anonymous.post("/api/v1/alliances", {}), 401)
    problem(world.a1_admin.post("/api/v1/alliances", {
        "name": "Step", "region_id": world.region1["id"], "kind": "teaching_school_alliance"}), 403)
    other_region = problem(world.coordinator.post("/api/v1/alliances", {
        "name": "Step", "region_id": world.region2["id"], "kind": "teaching_school_alliance"}), 422)
    assert "region_id" in other_region["errors"]
    bad = problem(world.coordinator.post("/api/v1/alliances", {
        "name": "Step", "region_id": "nope", "kind": "academy"}), 422)
    assert set(bad["errors"]) == {"region_id", "kind"}
    problem(world.coordinator.post("/api/v1/alliances", {
        "name": "Affinity", "region_id": world.region1["id"], "kind": "teaching_school_alliance"}), 409)

    seen = {a["id"] for a in world.a1_staff.get("/api/v1/alliances").json()["items"]}
    assert {world.a1["id"], world.a2["id"], created["id"]} <= seen
    assert world.a3["id"] not in seen
    problem(world.a1_staff.get(f"/api/v1/alliances/{world.a3['id']}"), 404)
    assert world.coordinator2.get(f"/api/v1/alliances/{world.a3['id']}").json()["name"] == "Mersey Hub"
    by_region = admin.get("/api/v1/alliances", params={"region_id": world.region2["id"]}).json()
    assert [a["id"] for a in by_region["items"]] == [world.a3["id"]]


# --- schools -----------------------------------------------------------------

def test_schools(world, anonymous):
    created = world.a1_admin.created("/api/v1/schools", school(
        "120001", "Loughborough Primary", trust="Learning Without Limits Trust"))
    assert created["trust"] == "Learning Without Limits Trust"
    problem(anonymous.post("/api/v1/schools", school("120002", "X")), 401)
    problem(world.a1_staff.post("/api/v1/schools", school("120002", "X")), 403)
    problem(world.school_user.post("/api/v1/schools", school("120002", "X")), 403)
    duplicate = problem(world.a2_admin.post("/api/v1/schools", school("120001", "Copy")), 409)
    assert "120001" in duplicate["detail"]
    bad = problem(world.a1_admin.post("/api/v1/schools", {**school("12345", "X"), "phase": "uni"}), 422)
    assert set(bad["errors"]) == {"urn", "phase"}

    found = world.school_user.get("/api/v1/schools", params={"q": "loughborough"}).json()["items"]
    assert [s["urn"] for s in found] == ["120001"]
    assert world.school_user.get("/api/v1/schools/120001").json()["name"] == "Loughborough Primary"
    problem(world.school_user.get("/api/v1/schools/999999"), 404)
    by_la = world.coordinator.get("/api/v1/schools", params={"local_authority": "leicester"}).json()
    assert {s["urn"] for s in by_la["items"]} == {"110001"}


# --- memberships -------------------------------------------------------------

def test_membership_lifecycle(world, admin):
    admin.created("/api/v1/schools", school("130001", "Oadby Manor Primary"))
    members = f"/api/v1/alliances/{world.a1['id']}/members"
    invited = world.a1_admin.created(members, {"school_urn": "130001", "tier": "partner",
                                               "mou_signed_on": "2026-09-01"})
    assert invited["status"] == "pending" and invited["requested_by"] == "alliance"
    assert invited["alliance_id"] == world.a1["id"] and invited["tier"] == "partner"
    problem(world.a1_admin.post(members, {"school_urn": "130001", "tier": "associate"}), 409)
    bad = problem(world.a1_admin.post(members, {"school_urn": "130001", "tier": "gold"}), 422)
    assert "tier" in bad["errors"]
    assert "school_urn" in problem(world.a1_admin.post(members, {"school_urn": "999999",
                                                                 "tier": "partner"}), 422)["errors"]
    problem(world.a1_staff.post(members, {"school_urn": "130001", "tier": "partner"}), 403)
    problem(world.a1_admin.post(f"{members}/130001/accept"), 403)  # the inviting side cannot accept
    problem(world.a1_admin.patch(f"{members}/130001", {"tier": "lead"}), 404)  # not active yet
    # The school has no users yet: its region's coordinator accepts on its behalf.
    joined = world.coordinator.post(f"{members}/130001/accept")
    assert joined.status_code == 200 and joined.json()["status"] == "active"
    assert joined.json()["accepted_at"]

    listed = world.a1_staff.get(members).json()["items"]
    assert {"130001", "110002"} <= {m["school_urn"] for m in listed}
    changed = world.a1_admin.patch(f"{members}/130001", {"tier": "strategic_partner"})
    assert changed.status_code == 200 and changed.json()["tier"] == "strategic_partner"
    problem(world.a1_admin.patch(f"{members}/130001", {"tier": "nope"}), 422)
    problem(world.coordinator.patch(f"{members}/130001", {"tier": "lead"}), 403)
    problem(world.coordinator.delete(f"{members}/130001"), 403)
    ended = world.a1_admin.delete(f"{members}/130001")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    problem(world.a1_admin.delete(f"{members}/130001"), 404)
    assert world.a1_admin.get(members, params={"status": "ended"}).json()["items"][0]["school_urn"] == "130001"
    rejoined = world.coordinator.created(members, {"school_urn": "130001", "tier": "associate"})
    assert rejoined["status"] == "active" and rejoined["requested_by"] == "region"


def test_an_alliance_admin_never_sees_or_changes_another_alliances_members(world, admin):
    admin.created("/api/v1/schools", school("140001", "Step Academy"))
    a2_members = f"/api/v1/alliances/{world.a2['id']}/members"
    world.a2_admin.created(a2_members, {"school_urn": "140001", "tier": "partner"})

    problem(world.a1_admin.get(a2_members), 404)
    problem(world.a1_staff.get(a2_members), 404)
    problem(world.a1_admin.post(a2_members, {"school_urn": "140001", "tier": "lead"}), 404)
    problem(world.a1_admin.patch(f"{a2_members}/140001", {"tier": "lead"}), 404)
    problem(world.a1_admin.delete(f"{a2_members}/140001"), 404)
    problem(world.coordinator2.get(a2_members), 404)
    problem(world.school_user.get(a2_members), 403)
    assert world.a2_admin.get(a2_members).json()["items"][0]["tier"] == "partner"
    assert world.coordinator.get(a2_members).status_code == 200


# --- system leaders ----------------------------------------------------------

def test_system_leaders(world, admin):
    leader = world.a1_admin.created("/api/v1/system-leaders", {
        "name": "Sam Patel", "email": "sam.patel@forestway.test", "designation": "NLE",
        "school_urn": "110002", "alliance_id": world.a1["id"], "specialisms": ["send", "leadership"],
        "phases": ["primary", "special"], "days_available": 20})
    assert leader["region_id"] == world.region1["id"]
    another = {"name": "Ana Ruiz", "email": "ana.ruiz@forestway.test", "designation": "SLE",
               "school_urn": "110002", "alliance_id": world.a1["id"], "specialisms": ["maths"],
               "days_available": 5}
    problem(world.school_user.post("/api/v1/system-leaders", another), 403)
    problem(world.coordinator.post("/api/v1/system-leaders", another), 403)
    outside = problem(world.a1_staff.post("/api/v1/system-leaders", {
        "name": "Far Away", "email": "far@x.test", "designation": "SLE", "school_urn": "110001",
        "alliance_id": world.a1["id"], "specialisms": ["maths"], "days_available": 5}), 422)
    assert "school_urn" in outside["errors"]  # the leader's school is not a member of the alliance
    not_mine = problem(world.a1_admin.post("/api/v1/system-leaders", {
        "name": "X", "email": "x@x.test", "designation": "SLE", "school_urn": "110001",
        "alliance_id": world.a2["id"], "specialisms": ["maths"], "days_available": 5}), 422)
    assert "alliance_id" in not_mine["errors"]
    bad = problem(world.a1_admin.post("/api/v1/system-leaders", {
        "name": "X", "email": "not-an-email", "designation": "XLE", "school_urn": "110002",
        "alliance_id": world.a1["id"], "specialisms": [], "days_available": -1}), 422)
    assert set(bad["errors"]) == {"email", "designation", "specialisms", "days_available"}

    send = world.a2_admin.get("/api/v1/system-leaders", params={"specialism": "send"}).json()["items"]
    assert [found["id"] for found in send] == [leader["id"]]
    assert world.a2_admin.get("/api/v1/system-leaders", params={"specialism": "maths"}).json()["items"] == []
    assert world.coordinator2.get("/api/v1/system-leaders").json()["items"] == []
    problem(world.school_user.get("/api/v1/system-leaders"), 403)


def test_a_system_leader_is_kept_by_their_home_alliance(world, admin, stack_events):
    stack_events.bind("membership", "system_leader_updated")
    leader = world.a1_admin.created("/api/v1/system-leaders", {
        "name": "Lee Chen", "email": "lee.chen@forestway.test", "designation": "SLE", "school_urn": "110002",
        "alliance_id": world.a1["id"], "specialisms": ["maths"], "days_available": 6})
    assert leader["status"] == "active"
    path = f"/api/v1/system-leaders/{leader['id']}"
    assert world.a2_admin.get(path).json() == leader  # the region's alliances see every leader of the region
    problem(world.coordinator2.get(path), 404)
    problem(world.school_user.get(path), 403)

    changed = world.a1_staff.patch(path, {"status": "inactive", "specialisms": ["maths", "science"]}).json()
    assert changed == {**leader, "status": "inactive", "specialisms": ["maths", "science"]}
    assert set(problem(world.a1_admin.patch(path, {"specialisms": ["maths", "knitting"]}), 422)["errors"]) \
        == {"specialisms"}
    problem(world.a1_admin.patch(path, {}), 422)
    problem(world.a1_admin.patch(path, {"email": "lee@elsewhere.test"}), 422)
    # Another alliance of the region sees the leader but does not keep them; the region designates no one.
    problem(world.a2_admin.patch(path, {"status": "active"}), 403)
    problem(world.coordinator.patch(path, {"status": "active"}), 403)
    problem(world.school_user.patch(path, {"status": "active"}), 403)
    assert world.a1_admin.get(path).json()["status"] == "inactive"
    science = world.a2_admin.get("/api/v1/system-leaders", params={"specialism": "science"}).json()["items"]
    assert [found["id"] for found in science] == [leader["id"]]

    events = [e for e in stack_events.wait_for("system_leader_updated") if e["data"]["id"] == leader["id"]]
    assert len(events) == 1 and events[0]["region_id"] == world.region1["id"]
    published = events[0]["data"]
    assert {k: published[k] for k in ("status", "specialisms", "region_id", "alliance_id", "trust", "email")} == {
        "status": "inactive", "specialisms": ["maths", "science"], "region_id": world.region1["id"],
        "alliance_id": world.a1["id"], "trust": leader["trust"], "email": leader["email"]}


# --- users and auth ----------------------------------------------------------

def test_users_are_created_within_the_creators_scope(world, anonymous):
    made = world.a1_admin.created("/api/v1/users", {
        "email": "new.staff@affinity.test", "name": "New Staff", "role": "alliance_staff",
        "password": "another-long-password"})
    assert made["alliance_id"] == world.a1["id"] and made["region_id"] == world.region1["id"]
    assert "password" not in made and "password_hash" not in made
    me = anonymous.login("new.staff@affinity.test", "another-long-password").get("/api/v1/me").json()
    assert me["scope"]["role"] == "alliance_staff" and me["user"]["email"] == "new.staff@affinity.test"

    problem(world.a1_admin.post("/api/v1/users", {
        "email": "boss@x.test", "name": "Boss", "role": "regional_coordinator",
        "password": "another-long-password"}), 403)
    problem(world.a1_staff.post("/api/v1/users", {
        "email": "s@x.test", "name": "S", "role": "alliance_staff", "password": "another-long-password"}), 403)
    other = problem(world.a1_admin.post("/api/v1/users", {
        "email": "s@x.test", "name": "S", "role": "alliance_staff", "alliance_id": world.a2["id"],
        "password": "another-long-password"}), 422)
    assert "alliance_id" in other["errors"]
    problem(world.a1_admin.post("/api/v1/users", {
        "email": "NEW.staff@affinity.test", "name": "Dup", "role": "alliance_staff",
        "password": "another-long-password"}), 409)
    # A school's users are vouched for by the school (or its region), never minted by an alliance.
    problem(world.a1_admin.post("/api/v1/users", {
        "email": "office@rushey.test", "name": "Office", "role": "school_user", "school_urn": "110002",
        "password": "another-long-password"}), 403)


def _every_user(api, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        page = api.get("/api/v1/users", params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def test_users_are_listed_to_those_who_manage_them(world, admin, anonymous):
    mine = world.a1_admin.created("/api/v1/users", {
        "email": "listed.staff@affinity.test", "name": "Listed Staff", "role": "alliance_staff",
        "password": "another-long-password"})
    theirs = world.a2_admin.created("/api/v1/users", {
        "email": "listed.staff@lets.test", "name": "Listed Staff", "role": "alliance_staff",
        "password": "another-long-password"})
    problem(anonymous.get("/api/v1/users"), 401)
    for caller in (world.coordinator, world.coordinator2, world.a1_staff):
        problem(caller.get("/api/v1/users"), 403)

    seen = _every_user(world.a1_admin)  # two at a time: the cursor pages through them all
    assert {u["alliance_id"] for u in seen} == {world.a1["id"]}
    assert {u["role"] for u in seen} <= {"alliance_admin", "alliance_staff"}
    emails = {u["email"] for u in seen}
    assert {"admin@affinity.test", "staff@affinity.test", "listed.staff@affinity.test"} <= emails
    assert "listed.staff@lets.test" not in emails and "office@forestway.test" not in emails
    assert [(u["name"], u["id"]) for u in seen] == sorted((u["name"], u["id"]) for u in seen)
    assert all("password" not in u and "password_hash" not in u for u in seen)
    assert theirs["id"] not in {u["id"] for u in _every_user(world.a1_admin, role="alliance_staff")}
    assert {u["email"] for u in _every_user(world.a2_admin)} >= {"admin@lets.test", "listed.staff@lets.test"}
    assert mine["id"] not in {u["id"] for u in _every_user(world.a2_admin)}

    school = {u["email"] for u in _every_user(world.school_user)}
    assert "office@forestway.test" in school and not school & emails
    everyone = {u["id"] for u in _every_user(admin)}
    assert {mine["id"], theirs["id"]} <= everyone

    world.a1_admin.post(f"/api/v1/users/{mine['id']}/deactivate")
    inactive = _every_user(world.a1_admin, active="false")
    assert mine["id"] in {u["id"] for u in inactive} and all(not u["active"] for u in inactive)
    assert mine["id"] not in {u["id"] for u in _every_user(world.a1_admin, active="true")}
    assert "role" in problem(world.a1_admin.get("/api/v1/users", params={"role": "king"}), 422)["errors"]


def test_sign_in(anonymous, world):
    problem(anonymous.post("/api/v1/auth/token", {"email": "coord@emsyh.test", "password": "wrong"}), 401)
    problem(anonymous.post("/api/v1/auth/token", {"email": "nobody@x.test", "password": "wrong"}), 401)
    problem(anonymous.post("/api/v1/auth/token", {"email": "coord@emsyh.test"}), 422)
    problem(anonymous.get("/api/v1/me", headers={"Authorization": "Bearer not.a.token"}), 401)
    me = world.school_user.get("/api/v1/me").json()
    assert me["scope"] == {"user_id": me["user"]["id"], "role": "school_user",
                           "region_id": None, "alliance_id": None, "school_urn": "110002"}


def test_repeated_failed_sign_ins_are_rate_limited(anonymous):
    client = anonymous.from_address("127.0.0.3")  # not 127.0.0.1, which the other tests sign in from
    answers = [client.post("/api/v1/auth/token", {"email": "victim@x.test", "password": "guess"})
               for _ in range(10)]
    assert {a.status_code for a in answers[:5]} == {401}
    limited = problem(answers[-1], 429)
    assert int(answers[-1].headers["Retry-After"]) >= 1 and limited["detail"]


def test_a_system_leader_is_designated_once(world):
    body = {"name": "Jo Reid", "email": "jo.reid@affinity.test", "designation": "SLE",
            "school_urn": "110002", "alliance_id": world.a1["id"], "specialisms": ["maths"],
            "days_available": 10}
    world.a1_admin.created("/api/v1/system-leaders", body)
    again = world.a1_staff.post("/api/v1/system-leaders", {**body, "email": "JO.REID@affinity.test"})
    problem(again, 409)


def test_a_schools_users_are_vouched_for_by_the_school_or_its_region(world, admin, anonymous):
    admin.created("/api/v1/schools", school("170001", "Glenfield Primary"))
    admin.created(f"/api/v1/alliances/{world.a2['id']}/members", {"school_urn": "170001", "tier": "partner"})
    body = {"name": "Head", "role": "school_user", "school_urn": "170001", "password": "a-long-enough-password"}
    problem(world.coordinator2.post("/api/v1/users", {**body, "email": "x@glenfield.test"}), 422)
    first = world.coordinator.created("/api/v1/users", {**body, "email": "head@glenfield.test"})
    assert first["school_urn"] == "170001" and first["alliance_id"] is None
    problem(world.coordinator.post("/api/v1/users", {**body, "email": "second@glenfield.test"}), 403)
    head = anonymous.login("head@glenfield.test", "a-long-enough-password")
    colleague = head.created("/api/v1/users", {**body, "email": "office@glenfield.test"})
    assert colleague["school_urn"] == "170001"
    problem(head.post("/api/v1/users", {**body, "email": "y@x.test", "school_urn": "110002"}), 403)
    problem(head.post("/api/v1/users", {**body, "email": "y@x.test", "role": "alliance_staff",
                                        "school_urn": None}), 403)
    wrong = problem(admin.post("/api/v1/users", {**body, "email": "z@x.test", "alliance_id": world.a2["id"]}),
                    422)
    assert "alliance_id" in wrong["errors"]


# --- changing alliances and schools (issue 7) ----------------------------------

def test_an_alliance_is_changed_by_its_admin_or_region(world, admin, stack_events):
    stack_events.bind("membership", "alliance_updated")
    made = admin.created("/api/v1/alliances", {"name": "Renamed Later", "region_id": world.region1["id"],
                                               "kind": "teaching_school_alliance"})
    path = f"/api/v1/alliances/{made['id']}"
    assert world.coordinator.patch(path, {"kind": "teaching_school_hub"}).json()["kind_label"] == "Teaching school hub"
    problem(world.coordinator2.patch(path, {"name": "Mine now"}), 404)
    problem(world.a1_admin.patch(path, {"name": "Mine now"}), 403)
    problem(world.a1_staff.patch(f"/api/v1/alliances/{world.a1['id']}", {"name": "Staff"}), 403)
    problem(world.a1_admin.patch(f"/api/v1/alliances/{world.a1['id']}", {"kind": "teaching_school_hub"}), 403)
    problem(world.coordinator.patch(path, {"name": "Affinity"}), 409)
    assert set(problem(world.coordinator.patch(path, {"kind": "academy", "lead_school_urn": "999999"}),
                       422)["errors"]) == {"kind"}
    assert "lead_school_urn" in problem(world.coordinator.patch(path, {"lead_school_urn": "999999"}), 422)["errors"]
    renamed = world.coordinator.patch(path, {"name": "Renamed Now", "lead_school_urn": "110001"}).json()
    assert (renamed["name"], renamed["lead_school_urn"]) == ("Renamed Now", "110001")
    events = [e for e in stack_events.wait_for("alliance_updated") if e["data"]["id"] == made["id"]]
    assert events and events[-1]["region_id"] == world.region1["id"]


def test_a_school_is_changed_by_its_users_or_region_and_courses_follow(world, admin, anonymous, stack_events):
    from tests.e2e.courses_world import eventually, published_course
    stack_events.bind("courses", "booking_confirmed")
    admin.created("/api/v1/schools", school("180001", "Old Name Primary"))
    admin.created(f"/api/v1/alliances/{world.a1['id']}/members", {"school_urn": "180001", "tier": "partner"})
    admin.created("/api/v1/users", {"email": "office@180001.test", "name": "Office", "role": "school_user",
                                    "school_urn": "180001", "password": "a-long-enough-password"})
    office = anonymous.login("office@180001.test", "a-long-enough-password")
    path = "/api/v1/schools/180001"
    renamed = office.patch(path, {"name": "New Name Primary", "trust": "Learning Trust"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "New Name Primary"
    problem(office.patch(path, {"status": "closed"}), 403)
    problem(office.patch("/api/v1/schools/110001", {"name": "Not mine"}), 403)
    problem(world.a1_admin.patch(path, {"name": "Alliance edit"}), 403)
    problem(world.coordinator2.patch(path, {"name": "Far edit"}), 403)
    problem(office.patch("/api/v1/schools/999999", {"name": "Nobody"}), 404)
    assert "postcode" in problem(office.patch(path, {"postcode": "nowhere"}), 422)["errors"]

    course = published_course(world.a1_staff, world.a1["id"], title="Renamed school's course")
    attempts = iter(range(1000))

    def booked_under_new_name() -> bool:
        office.post(f"/api/v1/courses/{course['id']}/bookings", {
            "school_urn": "180001", "participant": {"name": "T", "email": f"t{next(attempts)}@180001.test"}})
        stack_events.drain(0.3)
        return any(e["data"]["school_name"] == "New Name Primary" for e in stack_events.of_type("booking_confirmed")
                   if e["data"]["school_urn"] == "180001")
    eventually(booked_under_new_name, timeout=15)
    closed = world.coordinator.patch(path, {"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_members_are_filtered_by_tier_and_status(world, admin):
    members = f"/api/v1/alliances/{world.a3['id']}/members"
    for n, tier in enumerate(["lead", "partner", "partner"]):
        admin.created("/api/v1/schools", school(f"19000{n}", f"Mersey School {n}"))
        admin.created(members, {"school_urn": f"19000{n}", "tier": tier})
    admin.delete(f"{members}/190002")
    partners = admin.get(members, params={"tier": "partner", "status": "active"}).json()["items"]
    assert [m["school_urn"] for m in partners if m["school_urn"].startswith("1900")] == ["190001"]
    assert {m["tier"] for m in partners} == {"partner"} and {m["status"] for m in partners} == {"active"}
    problem(admin.get(members, params={"tier": "gold"}), 422)


def test_a_school_in_no_alliance_has_users_placed_in_a_region(world, admin, anonymous):
    from tests.e2e.courses_world import eventually, published_course
    admin.created("/api/v1/schools", school("195001", "Independent Primary"))
    body = {"name": "Head", "role": "school_user", "school_urn": "195001", "password": "a-long-enough-password"}
    problem(world.coordinator.post("/api/v1/users", {**body, "email": "x@195001.test",
                                                     "region_id": world.region2["id"]}), 422)
    made = world.coordinator.created("/api/v1/users", {**body, "email": "head@195001.test"})
    assert made["region_id"] == world.region1["id"] and made["alliance_id"] is None
    problem(world.coordinator2.post("/api/v1/users", {**body, "email": "y@195001.test"}), 403)
    head = anonymous.login("head@195001.test", "a-long-enough-password")
    colleague = head.created("/api/v1/users", {**body, "email": "office@195001.test"})
    assert colleague["region_id"] == world.region1["id"]
    assert head.get("/api/v1/me").json()["scope"]["region_id"] == world.region1["id"]
    assert world.region1["id"] in {r["id"] for r in head.get("/api/v1/regions").json()["items"]}

    shared = published_course(world.a1_staff, world.a1["id"], title="Shared with the region", visibility="region")
    own = published_course(world.a1_staff, world.a1["id"], title="For members only", visibility="alliance")
    far = published_course(world.a1_staff, world.a1["id"], title="Public programme 195", visibility="public")
    offered = {c["id"] for c in head.get("/api/v1/courses", params={"limit": 200}).json()["items"]}
    assert {shared["id"], far["id"]} <= offered and own["id"] not in offered
    problem(head.get(f"/api/v1/courses/{own['id']}"), 404)
    booked = eventually(lambda: head.post(f"/api/v1/courses/{shared['id']}/bookings", {
        "school_urn": "195001", "participant": {"name": "T", "email": "t@195001.test"}}).json())
    assert booked["member_price"] is False and booked["price_pence"] == shared["price_non_member_pence"]
    admin.created("/api/v1/schools", school("195002", "Another Independent School"))
    placed = admin.created("/api/v1/users", {**body, "email": "admin-made@195002.test", "school_urn": "195002",
                                             "region_id": world.region2["id"]})
    assert placed["region_id"] == world.region2["id"]
