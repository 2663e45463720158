"""Courses and bookings over HTTP: the catalogue, visibility, pricing, the waitlist, attendance."""
import pytest

from tests.e2e.courses_world import build, course_body, eventually, published_course, soon, wait_for_copies

pytestmark = pytest.mark.e2e


def problem(answer, status: int) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


def participant(n: int | str, prefix: str = "p") -> dict:
    return {"name": f"Teacher {n}", "email": f"{prefix}{n}@teachers.test", "role": "Class teacher"}


@pytest.fixture(scope="module")
def schools(world, admin, anonymous):
    built = build(admin, anonymous, world.a1, world.a2, world.a3, prefix="55", per_alliance=2)
    wait_for_copies(world.a1_staff, world.a1["id"], built.a1_schools + built.a2_schools,
                    [built.other_region_school, built.non_member])
    return built


def test_a_course_goes_from_draft_to_published_and_is_offered_by_visibility(world, schools, admin):
    a1_user = schools.school_users[schools.a1_schools[0]]
    draft = eventually(lambda: (lambda a: a.json() if a.status_code == 201 else None)(
        world.a1_staff.post("/api/v1/courses", course_body(world.a1["id"], title="NPQ for SENCOs",
                                                           programme="npq", area="npq"))))
    assert draft["status"] == "draft" and draft["places_left"] == 50 and len(draft["sessions"]) == 1
    problem(a1_user.get(f"/api/v1/courses/{draft['id']}"), 404)
    problem(world.a2_admin.post(f"/api/v1/courses/{draft['id']}/publish"), 404)
    published = world.a1_staff.post(f"/api/v1/courses/{draft['id']}/publish").json()
    assert published["status"] == "published"
    problem(world.a1_staff.post(f"/api/v1/courses/{draft['id']}/publish"), 409)

    other_alliance_user = schools.school_users[schools.a2_schools[0]]
    listed = other_alliance_user.get("/api/v1/courses", params={"programme": "npq"}).json()["items"]
    assert draft["id"] in [c["id"] for c in listed]  # region-shared: every member school of the region
    assert draft["id"] not in [c["id"] for c in world.coordinator2.get("/api/v1/courses").json()["items"]]
    problem(world.coordinator2.get(f"/api/v1/courses/{draft['id']}"), 404)

    own_only = published_course(world.a1_staff, world.a1["id"], title="Affinity only", visibility="alliance")
    assert own_only["id"] in [c["id"] for c in a1_user.get("/api/v1/courses").json()["items"]]
    assert own_only["id"] not in [c["id"] for c in other_alliance_user.get("/api/v1/courses").json()["items"]]
    problem(other_alliance_user.get(f"/api/v1/courses/{own_only['id']}"), 404)
    public = published_course(world.a1_staff, world.a1["id"], title="Open to all", visibility="public")
    assert public["id"] in [c["id"] for c in world.coordinator2.get("/api/v1/courses").json()["items"]]
    found = a1_user.get("/api/v1/courses", params={"q": "open to"}).json()["items"]
    assert [c["id"] for c in found] == [public["id"]]


def test_who_may_manage_courses_and_bad_bodies(world, schools):
    problem(world.school_user.post("/api/v1/courses", course_body(world.a1["id"])), 403)
    problem(world.coordinator.post("/api/v1/courses", course_body(world.a1["id"])), 403)
    not_ours = problem(world.a2_admin.post("/api/v1/courses", course_body(world.a1["id"])), 422)
    assert "alliance_id" in not_ours["errors"]
    bad = problem(world.a1_staff.post("/api/v1/courses", course_body(
        world.a1["id"], capacity=0, programme="phd", price_member_pence=-1,
        sessions=[{"starts_at": soon(3), "ends_at": soon(2)}])), 422)
    assert {"capacity", "programme", "price_member_pence", "sessions"} <= set(bad["errors"])
    late = problem(world.a1_staff.post("/api/v1/courses", course_body(
        world.a1["id"], booking_closes_at=soon(40))), 422)
    assert "booking_closes_at" in late["errors"]


@pytest.mark.parametrize("which, member", [
    ("own alliance member", True), ("member of another alliance in the region", True),
    ("member of an alliance in another region", False), ("non-member", False)])
def test_pricing(world, schools, which, member):
    urn = {"own alliance member": schools.a1_schools[0],
           "member of another alliance in the region": schools.a2_schools[0],
           "member of an alliance in another region": schools.other_region_school,
           "non-member": schools.non_member}[which]
    course = published_course(world.a1_staff, world.a1["id"], title=f"Pricing {which}")
    booking = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings",
                                  {"school_urn": urn, "participant": participant(1, urn)})
    assert booking.status_code == 201, booking.text
    assert booking.json()["member_price"] is member
    assert booking.json()["price_pence"] == (15000 if member else 25000)


@pytest.mark.parametrize("which, member", [
    ("own alliance member", True), ("member of another alliance in the region", True)])
def test_the_catalogue_shows_a_school_user_the_price_its_booking_will_pay(world, schools, which, member):
    urn = schools.a1_schools[0] if which == "own alliance member" else schools.a2_schools[0]
    user = schools.school_users[urn]
    course = published_course(world.a1_staff, world.a1["id"], title=f"Your price {which}", area="itt")
    offered = [c for c in user.get("/api/v1/courses", params={"area": "itt"}).json()["items"]
               if c["id"] == course["id"]]
    assert len(offered) == 1 and offered[0]["alliance_name"] == world.a1["name"]
    assert offered[0]["your_member_price"] is member and offered[0]["your_price_pence"] == 15000
    one = user.get(f"/api/v1/courses/{course['id']}").json()
    booking = user.post(f"/api/v1/courses/{course['id']}/bookings",
                        {"school_urn": urn, "participant": participant("yours", urn)}).json()
    assert (one["your_member_price"], one["your_price_pence"]) == (booking["member_price"], booking["price_pence"])
    staff_view = world.a1_staff.get(f"/api/v1/courses/{course['id']}").json()
    assert staff_view["your_price_pence"] is None and staff_view["your_member_price"] is None
    listed = world.coordinator.get("/api/v1/courses", params={"area": "itt"}).json()["items"]
    assert course["id"] in [c["id"] for c in listed] and all(c["your_price_pence"] is None for c in listed)


def test_the_area_filter(world, schools):
    course = published_course(world.a1_staff, world.a1["id"], title="Area filtered", area="research_and_development")
    user = schools.school_users[schools.a1_schools[0]]
    found = user.get("/api/v1/courses", params={"area": "research_and_development"}).json()["items"]
    assert course["id"] in [c["id"] for c in found] and {c["area"] for c in found} == {"research_and_development"}
    assert course["id"] not in [c["id"] for c in user.get("/api/v1/courses", params={"area": "itt"}).json()["items"]]
    assert "area" in problem(user.get("/api/v1/courses", params={"area": "astrology"}), 422)["errors"]


def test_a_booking_says_what_cancelling_it_costs_now(world, schools):
    urn = schools.a1_schools[1]
    user = schools.school_users[urn]
    free = published_course(world.a1_staff, world.a1["id"], title="Free to cancel", capacity=1)
    late = published_course(world.a1_staff, world.a1["id"], title="Costly to cancel", cancellation_deadline_days=60)
    placed = user.post(f"/api/v1/courses/{free['id']}/bookings",
                       {"school_urn": urn, "participant": participant("fee1", urn)}).json()
    waiting = user.post(f"/api/v1/courses/{free['id']}/bookings",
                        {"school_urn": urn, "participant": participant("fee2", urn)}).json()
    costly = user.post(f"/api/v1/courses/{late['id']}/bookings",
                       {"school_urn": urn, "participant": participant("fee3", urn)}).json()
    assert placed["course_title"] == "Free to cancel" and placed["cancellation_fee_pence"] == 0
    assert placed["free_cancellation_until"] is not None
    assert waiting["status"] == "waitlisted" and waiting["cancellation_fee_pence"] == 0
    assert costly["cancellation_fee_pence"] == 15000
    shown = user.get(f"/api/v1/bookings/{costly['id']}").json()
    assert shown["cancellation_fee_pence"] == 15000 and shown["course_title"] == "Costly to cancel"
    listed = {b["id"]: b for b in user.get("/api/v1/bookings", params={"limit": 200}).json()["items"]}
    assert listed[costly["id"]]["cancellation_fee_pence"] == 15000
    assert listed[costly["id"]]["course_starts_at"] == late["starts_at"]
    on_course = world.a1_staff.get(f"/api/v1/courses/{late['id']}/bookings").json()["items"]
    assert [b["course_title"] for b in on_course] == ["Costly to cancel"]
    cancelled = user.post(f"/api/v1/bookings/{costly['id']}/cancel").json()
    assert cancelled["fee_pence"] == shown["cancellation_fee_pence"]
    assert cancelled["cancellation_fee_pence"] is None and cancelled["course_title"] == "Costly to cancel"
    assert user.get(f"/api/v1/bookings/{costly['id']}").json()["cancellation_fee_pence"] is None


def test_an_ended_membership_changes_the_price_of_later_bookings_only(world, admin, schools):
    urn = schools.a2_schools[1]
    course = published_course(world.a1_staff, world.a1["id"], title="Price change")
    before = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings",
                                 {"school_urn": urn, "participant": participant("before")}).json()
    assert before["price_pence"] == 15000
    assert admin.delete(f"/api/v1/alliances/{world.a2['id']}/members/{urn}").status_code == 200

    def later_price():
        answer = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings",
                                     {"school_urn": urn, "participant": participant("after")})
        if answer.json().get("price_pence") == 15000:
            world.a1_staff.post(f"/api/v1/bookings/{answer.json()['id']}/cancel")
            return None
        return answer.json()
    after = eventually(later_price)
    assert after["price_pence"] == 25000 and after["member_price"] is False
    assert world.a1_staff.get(f"/api/v1/bookings/{before['id']}").json()["price_pence"] == 15000


def test_places_the_waitlist_and_cancellation(world, schools):
    urn = schools.a1_schools[1]
    user = schools.school_users[urn]
    course = published_course(world.a1_staff, world.a1["id"], title="Small group", capacity=2)
    path = f"/api/v1/courses/{course['id']}/bookings"
    placed = [user.post(path, {"school_urn": urn, "participant": participant(n, "w")}).json() for n in range(4)]
    assert [b["status"] for b in placed] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [b["waitlist_position"] for b in placed] == [None, None, 1, 2]
    assert user.get(f"/api/v1/courses/{course['id']}").json()["places_left"] == 0
    problem(user.post(path, {"school_urn": urn, "participant": participant(0, "w")}), 409)
    problem(user.post(path, {"school_urn": schools.a2_schools[0], "participant": participant(9)}), 403)
    problem(user.post(path, {"school_urn": urn, "participant": {"name": "", "email": "x"}}), 422)

    cancelled = user.post(f"/api/v1/bookings/{placed[0]['id']}/cancel", {"reason": "illness"}).json()
    assert cancelled["status"] == "cancelled" and cancelled["fee_pence"] == 0
    assert user.get(f"/api/v1/bookings/{placed[2]['id']}").json()["status"] == "confirmed"
    assert user.get(f"/api/v1/bookings/{placed[3]['id']}").json()["waitlist_position"] == 1
    problem(user.post(f"/api/v1/bookings/{placed[0]['id']}/cancel"), 409)

    mine = user.get("/api/v1/bookings").json()["items"]
    assert {b["school_urn"] for b in mine} == {urn}
    other_school = schools.school_users[schools.a1_schools[0]]
    problem(other_school.get(f"/api/v1/bookings/{placed[1]['id']}"), 404)
    problem(other_school.post(f"/api/v1/bookings/{placed[1]['id']}/cancel"), 404)
    assert len(world.a1_staff.get(f"/api/v1/courses/{course['id']}/bookings").json()["items"]) == 4
    problem(world.a2_admin.get(f"/api/v1/courses/{course['id']}/bookings"), 404)
    assert world.coordinator.get(f"/api/v1/courses/{course['id']}/bookings").status_code == 200
    problem(user.get(f"/api/v1/courses/{course['id']}/bookings"), 403)

    problem(world.a1_staff.patch(f"/api/v1/courses/{course['id']}", {"capacity": 1}), 409)
    bigger = world.a1_staff.patch(f"/api/v1/courses/{course['id']}", {"capacity": 3}).json()
    assert bigger["confirmed_count"] == 3 and bigger["waitlist_count"] == 0
    assert user.get(f"/api/v1/bookings/{placed[3]['id']}").json()["status"] == "confirmed"


def test_a_late_cancellation_costs_the_full_price(world, schools):
    course = published_course(world.a1_staff, world.a1["id"], title="Late", cancellation_deadline_days=60)
    booking = world.a1_staff.post(f"/api/v1/courses/{course['id']}/bookings", {
        "school_urn": schools.non_member, "participant": participant("late")}).json()
    cancelled = world.a1_staff.post(f"/api/v1/bookings/{booking['id']}/cancel").json()
    assert cancelled["fee_pence"] == 25000


def test_bookings_close_at_the_deadline_and_when_the_course_is_cancelled(world, schools):
    urn = schools.a1_schools[0]
    closed = published_course(world.a1_staff, world.a1["id"], title="Closed",
                              booking_closes_at=soon(-1))
    problem(world.a1_staff.post(f"/api/v1/courses/{closed['id']}/bookings",
                                {"school_urn": urn, "participant": participant("c")}), 409)
    course = published_course(world.a1_staff, world.a1["id"], title="To be cancelled", capacity=1)
    path = f"/api/v1/courses/{course['id']}/bookings"
    booked = [world.a1_staff.post(path, {"school_urn": urn, "participant": participant(n, "x")}).json()
              for n in range(2)]
    assert world.a1_staff.post(f"/api/v1/courses/{course['id']}/cancel").json()["status"] == "cancelled"
    for booking in booked:
        after = world.a1_staff.get(f"/api/v1/bookings/{booking['id']}").json()
        assert after["status"] == "cancelled" and after["fee_pence"] == 0
    problem(world.a1_staff.post(path, {"school_urn": urn, "participant": participant("y")}), 409)
    problem(world.a1_staff.post(f"/api/v1/courses/{course['id']}/cancel"), 409)


def test_attending_every_session_completes_a_booking(world, schools):
    urn = schools.a1_schools[0]
    course = published_course(world.a1_staff, world.a1["id"], title="Two days", sessions=[
        {"starts_at": soon(20), "ends_at": soon(20.2)}, {"starts_at": soon(27), "ends_at": soon(27.2)}])
    path = f"/api/v1/courses/{course['id']}/bookings"
    first, second = [world.a1_staff.post(path, {"school_urn": urn, "participant": participant(n, "a")}).json()
                     for n in range(2)]
    day = f"/api/v1/courses/{course['id']}/sessions"
    both = world.a1_staff.post(f"{day}/0/attendance", {"attended": [first["id"], second["id"]]}).json()
    assert both["completed"] == []
    result = world.a1_staff.post(f"{day}/1/attendance", {"attended": [first["id"]]}).json()
    assert result["completed"] == [first["id"]]
    assert world.a1_staff.get(f"/api/v1/bookings/{first['id']}").json()["status"] == "completed"
    assert world.a1_staff.get(f"/api/v1/bookings/{second['id']}").json()["status"] == "confirmed"
    problem(world.a1_staff.post(f"{day}/5/attendance", {"attended": []}), 404)
    unknown = problem(world.a1_staff.post(f"{day}/0/attendance",
                                          {"attended": ["00000000-0000-0000-0000-000000000000"]}), 422)
    assert "attended" in unknown["errors"]
    problem(world.school_user.post(f"{day}/0/attendance", {"attended": []}), 403)


def test_editing_a_published_course_tells_the_others(world, schools, stack_events):
    stack_events.bind("courses", "course_updated")
    course = published_course(world.a1_staff, world.a1["id"], title="Before")
    edited = world.a1_staff.patch(f"/api/v1/courses/{course['id']}", {"title": "After", "capacity": 60})
    assert edited.status_code == 200 and edited.json()["title"] == "After"
    [event] = stack_events.wait_for("course_updated")
    assert event["data"]["id"] == course["id"] and event["data"]["capacity"] == 60
    assert event["alliance_id"] == world.a1["id"] and event["region_id"] == world.region1["id"]
    problem(world.a1_staff.patch(f"/api/v1/courses/{course['id']}", {"status": "draft"}), 422)
    problem(world.a2_admin.patch(f"/api/v1/courses/{course['id']}", {"title": "Mine"}), 404)


def test_drafts_and_cancelled_courses_are_listed_only_to_those_who_run_or_oversee_them(world, schools):
    draft = eventually(lambda: (lambda a: a.json() if a.status_code == 201 else None)(
        world.a1_staff.post("/api/v1/courses", course_body(world.a1["id"], title="Still a draft"))))
    cancelled = published_course(world.a1_staff, world.a1["id"], title="Called off")
    world.a1_staff.post(f"/api/v1/courses/{cancelled['id']}/cancel").raise_for_status()
    live = published_course(world.a1_staff, world.a1["id"], title="Going ahead")

    def ids(caller, **params):
        answer = caller.get("/api/v1/courses", params={"limit": 200, **params})
        assert answer.status_code == 200, answer.text
        return {c["id"] for c in answer.json()["items"]}

    own = ids(world.a1_staff, status="all", alliance_id=world.a1["id"])
    assert {draft["id"], cancelled["id"], live["id"]} <= own
    assert draft["id"] in ids(world.a1_admin, status="draft") and live["id"] not in ids(world.a1_staff, status="draft")
    assert cancelled["id"] in ids(world.a1_staff, status="cancelled")
    assert draft["id"] not in ids(world.a1_staff)  # published only, as before
    assert draft["id"] in ids(world.coordinator, status="draft")  # the region's coordinator oversees them
    for outsider in (world.a2_admin, world.coordinator2, schools.school_users[schools.a1_schools[0]]):
        seen = ids(outsider, status="all")
        assert draft["id"] not in seen and cancelled["id"] not in seen
    assert live["id"] in ids(world.a2_admin, status="all")  # region-shared, published
    problem(world.a1_staff.get("/api/v1/courses", params={"status": "archived"}), 422)
