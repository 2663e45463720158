"""School-to-school support through the gateway: referrals, who sees them, matching, deployments, the board."""
import csv
import io
import statistics
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from tests.e2e.api import Api, school
from tests.e2e.conftest import PASSWORD
from tests.waiting import wait_until

pytestmark = pytest.mark.e2e

REFERRED, TRUST_SCHOOL, LEADER_SCHOOL, BUSY_SCHOOL, FAR_SCHOOL = "950001", "950002", "950003", "950004", "950005"
SPARE_SCHOOL, HELPER_SCHOOL = "950006", "950007"


@dataclass
class Support:
    region: dict
    home: dict  # alliance H: the referred school's home alliance
    other: dict  # alliance X, same region
    third: dict  # alliance Y, same region
    far: dict  # alliance F, another region
    coordinator: Api
    far_coordinator: Api
    home_admin: Api
    other_admin: Api
    third_staff: Api
    far_admin: Api
    school_user: Api  # of REFERRED
    other_school_user: Api  # of LEADER_SCHOOL
    leaders: dict[str, dict]


def _leader(admin: Api, name: str, urn: str, alliance: dict, specialisms: list, days: int,
            phases: tuple = ("primary",)) -> dict:
    return admin.created("/api/v1/system-leaders", {
        "name": name, "email": f"{name.lower().replace(' ', '.')}@support.test", "designation": "SLE",
        "school_urn": urn, "alliance_id": alliance["id"], "specialisms": specialisms,
        "phases": list(phases), "days_available": days})


@pytest.fixture(scope="module")
def support(admin: Api, anonymous: Api) -> Support:
    region = admin.created("/api/v1/regions", {"name": "Support region", "code": "SUPP"})
    far_region = admin.created("/api/v1/regions", {"name": "Far support region", "code": "SUPPFAR"})
    for urn, name, trust in ((REFERRED, "Referred Primary", "Oak Trust"), (TRUST_SCHOOL, "Oak Sister", "oak trust "),
                             (LEADER_SCHOOL, "Leader Primary", None), (BUSY_SCHOOL, "Busy Primary", None),
                             (FAR_SCHOOL, "Far Primary", None), (SPARE_SCHOOL, "Spare Primary", None),
                             (HELPER_SCHOOL, "Helper Primary", None)):
        admin.created("/api/v1/schools", school(urn, name, trust=trust))

    def alliance(name: str, region_id: str, members: tuple) -> dict:
        made = admin.created("/api/v1/alliances", {"name": name, "region_id": region_id,
                                                   "kind": "teaching_school_hub"})
        for urn in members:
            admin.created(f"/api/v1/alliances/{made['id']}/members", {"school_urn": urn, "tier": "partner"})
        return made

    home = alliance("Home Hub", region["id"], (REFERRED, BUSY_SCHOOL, SPARE_SCHOOL, HELPER_SCHOOL))
    other = alliance("Other Hub", region["id"], (TRUST_SCHOOL, LEADER_SCHOOL))
    third = alliance("Third Hub", region["id"], ())
    far = alliance("Far Hub", far_region["id"], (FAR_SCHOOL,))

    def user(email: str, role: str, **scope: str) -> Api:
        admin.created("/api/v1/users", {"email": email, "name": email.split("@")[0], "role": role,
                                        "password": PASSWORD, **scope})
        return anonymous.login(email, PASSWORD)

    leaders = {
        "own_school": _leader(admin, "Own School", REFERRED, home, ["maths"], 10),
        "same_trust": _leader(admin, "Same Trust", TRUST_SCHOOL, other, ["maths"], 10),
        "best": _leader(admin, "Best Fit", LEADER_SCHOOL, other, ["maths", "send"], 10),
        "busy": _leader(admin, "Busy School", BUSY_SCHOOL, home, ["maths"], 10),
        "home_helper": _leader(admin, "Home Helper", HELPER_SCHOOL, home, ["maths"], 10),
        "no_days": _leader(admin, "No Days", LEADER_SCHOOL, other, ["send"], 0),
        "partial": _leader(admin, "Partial Fit", LEADER_SCHOOL, other, ["send"], 3, phases=("secondary",)),
        "far": _leader(admin, "Far Away", FAR_SCHOOL, far, ["maths", "send"], 10),
    }
    world = Support(
        region=region, home=home, other=other, third=third, far=far,
        coordinator=user("coord@support.test", "regional_coordinator", region_id=region["id"]),
        far_coordinator=user("coord@farsupport.test", "regional_coordinator", region_id=far_region["id"]),
        home_admin=user("admin@home.test", "alliance_admin", alliance_id=home["id"]),
        other_admin=user("admin@other.test", "alliance_admin", alliance_id=other["id"]),
        third_staff=user("staff@third.test", "alliance_staff", alliance_id=third["id"]),
        far_admin=user("admin@far.test", "alliance_admin", alliance_id=far["id"]),
        school_user=user("office@referred.test", "school_user", school_urn=REFERRED),
        other_school_user=user("office@leader.test", "school_user", school_urn=LEADER_SCHOOL),
        leaders=leaders,
    )
    # Support learns of schools, alliances and leaders from membership's events.
    wait_until(lambda: world.home_admin.post("/api/v1/referrals", referral_body(
        world, school_urn=BUSY_SCHOOL, summary="Busy school's own need")).status_code == 201, timeout=30)
    return world


def referral_body(world: Support, **changes) -> dict:
    return {"school_urn": REFERRED, "alliance_id": world.home["id"], "need_areas": ["maths", "send"],
            "priority": "high", "source": "local_authority", "summary": "Maths and SEND provision",
            "consent_to_share": True, "consent_given_by": "Headteacher", **changes}


def opened(world: Support, caller: Api | None = None, **changes) -> dict:
    return (caller or world.home_admin).created("/api/v1/referrals", referral_body(world, **changes))


def status_of(answer) -> int:
    return answer.status_code


def leader_names(items: list[dict]) -> list[str]:
    return [item["system_leader"]["name"] for item in items]


def test_a_referral_goes_from_open_to_closed_with_every_step_on_its_timeline(support, stack_events):
    stack_events.bind("support")
    referral = opened(support)
    assert referral["status"] == "open" and referral["school_name"] == "Referred Primary"
    assert referral["match_due_on"] > referral["received_on"] and referral["overdue"] is False
    rid = referral["id"]
    shared = support.home_admin.post(f"/api/v1/referrals/{rid}/share")
    assert shared.status_code == 200 and shared.json()["status"] == "shared"
    assigned = support.coordinator.post(f"/api/v1/referrals/{rid}/assign",
                                        {"system_leader_id": support.leaders["best"]["id"], "days": 3})
    assert assigned.status_code == 200, assigned.text
    body = assigned.json()
    assert body["status"] == "matched" and body["cross_alliance"] is True
    deployment = body["deployment"]
    assert deployment["days"] == 3 and deployment["leader_alliance_id"] == support.other["id"]
    # the leader's alliance is now deployed on it: it logs the visit and reviews
    visit = support.other_admin.post(f"/api/v1/referrals/{rid}/deployments/{deployment['id']}/visits",
                                     {"visited_on": date.today().isoformat(), "days_used": 1, "note": "Audit"})
    assert visit.status_code == 201, visit.text
    review = support.other_admin.post(f"/api/v1/referrals/{rid}/reviews", {"rag": "amber", "note": "Early days"})
    assert review.status_code == 201 and review.json()["rag"] == "amber"
    assert support.other_admin.post(f"/api/v1/referrals/{rid}/close", {"outcome": "improved"}).status_code == 403
    closed = support.home_admin.post(f"/api/v1/referrals/{rid}/close",
                                     {"outcome": "improved", "impact_summary": "Maths up"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/withdraw", {"reason": "late"}).status_code == 409

    full = support.coordinator.get(f"/api/v1/referrals/{rid}").json()
    steps = [(e["action"], e["from_status"], e["to_status"]) for e in full["timeline"]]
    assert steps == [("opened", None, "open"), ("shared", "open", "shared"), ("assigned", "shared", "matched"),
                     ("visit_logged", "matched", "active"), ("reviewed", None, None),
                     ("closed", "active", "closed")]
    actors = {e["action"]: (e["actor_role"], e["actor_alliance_id"]) for e in full["timeline"]}
    assert actors["assigned"] == ("regional_coordinator", None)
    assert actors["visit_logged"] == ("alliance_admin", support.other["id"])
    # closing releases the unused days: only the day used stays held against the leader
    assert [(d["days"], d["days_used"], d["status"]) for d in full["deployments"]] == [(1, 1, "ended")]
    assert full["outcome"] == "improved" and [v["days_used"] for v in full["visits"]] == [1]
    def about_this_referral(event_type: str) -> list[dict]:
        stack_events.drain(0.1)
        return [e for e in stack_events.of_type(event_type) if e["data"].get("id", e["data"].get("referral_id")) == rid]
    for event_type in ("referral_opened", "referral_shared", "referral_matched", "deployment_logged",
                       "referral_reviewed", "referral_closed"):  # the fixture's own referral_opened may come too
        wait_until(lambda: about_this_referral(event_type), timeout=15)
    [matched] = [e for e in stack_events.of_type("referral_matched") if e["data"]["id"] == rid]
    assert matched["data"]["deployment"]["cross_alliance"] is True and "summary" not in matched["data"]


def test_who_sees_a_referral_and_who_may_act_on_it(support):
    referral = opened(support, consent_to_share=False, consent_given_by=None)
    path = f"/api/v1/referrals/{referral['id']}"
    # before sharing: the home alliance, the region's coordinator and the school itself
    for caller in (support.home_admin, support.coordinator, support.school_user):
        assert caller.get(path).status_code == 200
    for caller in (support.other_admin, support.third_staff, support.far_admin, support.far_coordinator,
                   support.other_school_user):
        assert caller.get(path).status_code == 404
        assert all(item["id"] != referral["id"] for item in caller.get("/api/v1/referrals").json()["items"])
    # sharing needs the school's consent
    assert support.home_admin.post(f"{path}/share").status_code == 409
    assert support.school_user.post(f"{path}/consent", {"given_by": "Chair of governors"}).status_code == 200
    assert support.home_admin.post(f"{path}/share").status_code == 200
    # shared: the region's alliances see it, read-only; another region still does not
    for caller in (support.other_admin, support.third_staff):
        assert caller.get(path).status_code == 200
        assert caller.post(f"{path}/assign", {"system_leader_id": support.leaders["best"]["id"],
                                              "days": 1}).status_code == 403
        assert caller.post(f"{path}/reviews", {"rag": "red", "note": "Not mine"}).status_code == 403
        assert caller.get(f"{path}/matches").status_code == 403
    for caller in (support.far_admin, support.far_coordinator):
        assert caller.get(path).status_code == 404
        assert caller.post(f"{path}/close", {"outcome": "no_change"}).status_code == 404
    assert support.other_school_user.get(path).status_code == 404
    assert support.school_user.post(f"{path}/assign", {"system_leader_id": support.leaders["best"]["id"],
                                                       "days": 1}).status_code == 403
    listed = support.coordinator.get("/api/v1/referrals", params={"status": "shared", "limit": 200}).json()
    assert referral["id"] in {item["id"] for item in listed["items"]}
    assert support.far_coordinator.get("/api/v1/referrals", params={"region_id": support.region["id"]}
                                       ).json()["items"] == []
    # the school may withdraw its own request
    assert support.school_user.post(f"{path}/withdraw", {"reason": "Resolved"}).json()["status"] == "withdrawn"


def test_a_school_refers_itself_only_and_to_an_alliance_it_belongs_to(support):
    mine = support.school_user.created("/api/v1/referrals", {
        k: v for k, v in referral_body(support).items() if k != "source"})
    assert mine["source"] == "self" and mine["school_urn"] == REFERRED
    assert support.school_user.post("/api/v1/referrals", referral_body(
        support, school_urn=LEADER_SCHOOL)).status_code == 422
    assert support.school_user.post("/api/v1/referrals", referral_body(
        support, alliance_id=support.other["id"])).status_code == 422
    assert support.home_admin.post("/api/v1/referrals", referral_body(
        support, alliance_id=support.other["id"])).status_code == 422
    assert support.far_coordinator.post("/api/v1/referrals", referral_body(support)).status_code == 422
    theirs = support.school_user.get("/api/v1/referrals", params={"limit": 200}).json()["items"]
    assert theirs and {item["school_urn"] for item in theirs} == {REFERRED}


def test_matching_ranks_the_region_and_lists_conflicts_of_interest_apart(support):
    referral = opened(support)
    answer = support.home_admin.get(f"/api/v1/referrals/{referral['id']}/matches")
    assert answer.status_code == 200, answer.text
    matches = answer.json()
    ranked = leader_names(matches["items"])
    assert ranked[0] == "Best Fit" and "Partial Fit" in ranked
    assert "Far Away" not in ranked + leader_names(matches["excluded"])  # another region
    excluded = {item["system_leader"]["name"]: item["reasons"] for item in matches["excluded"]}
    assert excluded["Own School"] == ["the leader's own school is the referred school"]
    assert excluded["Same Trust"][0].startswith("the leader's school is in the same trust")
    assert excluded["Busy School"] == ["the leader's own school is itself under an open referral"]
    assert excluded["No Days"] == ["no days left this academic year"]
    assert set(ranked).isdisjoint(excluded)
    best = matches["items"][0]
    assert best["score"] > matches["items"][1]["score"]
    assert any("covers 2 of 2 need areas" in reason for reason in best["reasons"])
    assert answer.json() == support.home_admin.get(f"/api/v1/referrals/{referral['id']}/matches").json()
    # the same conflicts are refused at assignment
    rid = referral["id"]
    for name in ("own_school", "same_trust", "busy"):
        refused = support.coordinator.post(f"/api/v1/referrals/{rid}/assign",
                                           {"system_leader_id": support.leaders[name]["id"], "days": 1})
        assert refused.status_code == 409 and refused.json()["title"] == "Conflict of interest", name
    too_many = support.coordinator.post(f"/api/v1/referrals/{rid}/assign",
                                        {"system_leader_id": support.leaders["partial"]["id"], "days": 4})
    assert too_many.status_code == 409 and "3 days left" in too_many.json()["detail"]
    unknown = support.coordinator.post(f"/api/v1/referrals/{rid}/assign",
                                       {"system_leader_id": support.leaders["far"]["id"], "days": 1})
    assert unknown.status_code == 422 and "system_leader_id" in unknown.json()["errors"]


def test_a_leader_of_another_alliance_needs_the_schools_consent(support):
    referral = opened(support, consent_to_share=False, consent_given_by=None, school_urn=SPARE_SCHOOL)
    rid = referral["id"]
    across = support.home_admin.post(f"/api/v1/referrals/{rid}/assign",
                                     {"system_leader_id": support.leaders["partial"]["id"], "days": 1})
    assert across.status_code == 409
    matches = support.home_admin.get(f"/api/v1/referrals/{rid}/matches").json()
    assert "Best Fit" not in leader_names(matches["items"])
    assert any("consented" in reason for item in matches["excluded"] for reason in item["reasons"])
    at_home = support.home_admin.post(f"/api/v1/referrals/{rid}/assign",
                                      {"system_leader_id": support.leaders["home_helper"]["id"], "days": 1})
    assert at_home.status_code == 200 and at_home.json()["cross_alliance"] is False
    again = support.home_admin.post(f"/api/v1/referrals/{rid}/assign", {
        "system_leader_id": support.leaders["home_helper"]["id"], "days": 1})
    assert again.status_code == 409 and "already deployed" in again.json()["detail"]


def test_two_coordinators_cannot_both_take_a_leaders_last_days(support, admin):
    leader = _leader(admin, "Last Days", LEADER_SCHOOL, support.other, ["maths"], 5)
    referrals = [opened(support, school_urn=SPARE_SCHOOL) for _ in range(8)]
    matches = f"/api/v1/referrals/{referrals[0]['id']}/matches"
    wait_until(lambda: "Last Days" in leader_names(
        support.coordinator.get(matches, params={"limit": 100}).json()["items"]), timeout=20)
    callers = [support.coordinator, support.home_admin] * 4

    def assign(pair):
        caller, referral = pair
        return caller.post(f"/api/v1/referrals/{referral['id']}/assign",
                           {"system_leader_id": leader["id"], "days": 2}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(assign, zip(callers, referrals)))
    assert sorted(statuses) == [200, 200] + [409] * 6, statuses  # 2 + 2 days of 5; a third would need 6
    held = sum(d["days"] for r in referrals
               for d in support.coordinator.get(f"/api/v1/referrals/{r['id']}").json()["deployments"])
    assert held == 4


def test_bad_input_is_a_clear_error_never_a_500(support):
    referral = opened(support)
    rid = referral["id"]
    for body, field in (({"need_areas": ["knitting"]}, "need_areas"), ({"priority": "soon"}, "priority"),
                        ({"summary": ""}, "summary"), ({"need_areas": []}, "need_areas"),
                        ({"need_areas": ["maths", "maths"]}, "need_areas"), ({"surprise": 1}, "surprise"),
                        ({"received_on": (date.today() + timedelta(days=1)).isoformat()}, "received_on"),
                        ({"received_on": "2001-01-01"}, "received_on")):
        answer = support.home_admin.post("/api/v1/referrals", referral_body(support, **body))
        assert answer.status_code == 422 and field in answer.json()["errors"], (body, answer.text)
    assert support.home_admin.get("/api/v1/referrals/not-a-uuid").status_code == 404
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/assign",
                                   {"system_leader_id": "x", "days": 1}).status_code == 422
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/assign", {
        "system_leader_id": support.leaders["best"]["id"], "days": 0}).status_code == 422
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/close", {"outcome": "great"}).status_code == 422
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/reviews", {"rag": "blue", "note": "x"}).status_code == 422
    assert support.home_admin.post(f"/api/v1/referrals/{rid}/deployments/{rid}/visits", {
        "visited_on": date.today().isoformat(), "days_used": 1}).status_code == 404
    assigned = support.coordinator.post(f"/api/v1/referrals/{rid}/assign", {
        "system_leader_id": support.leaders["partial"]["id"], "days": 1}).json()
    visits = f"/api/v1/referrals/{rid}/deployments/{assigned['deployment']['id']}/visits"
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert support.home_admin.post(visits, {"visited_on": tomorrow, "days_used": 1}).status_code == 422
    assert support.home_admin.post(visits, {"visited_on": date.today().isoformat(),
                                            "days_used": 2}).status_code == 409  # more than booked
    assert support.third_staff.post(visits, {"visited_on": date.today().isoformat(),
                                             "days_used": 1}).status_code == 404  # not shared with them


def _recount(world: Support) -> dict:
    """The board's figures, counted again from every referral's timeline."""
    items, cursor = [], None
    while True:
        page = world.coordinator.get("/api/v1/referrals", params={
            "limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    counts: dict = defaultdict(Counter)
    flows, to_match = Counter(), []
    used, booked = Counter(), Counter()
    for item in items:
        full = world.coordinator.get(f"/api/v1/referrals/{item['id']}").json()
        moves = [e for e in full["timeline"] if e["to_status"]]
        status = moves[-1]["to_status"]
        counts[full["alliance_id"]][status] += 1
        assigned = [e for e in full["timeline"] if e["action"] == "assigned"]
        if assigned:
            opened_at = datetime.fromisoformat(full["timeline"][0]["at"])
            to_match.append((datetime.fromisoformat(assigned[0]["at"]) - opened_at).total_seconds() / 86400)
        leader_alliance = {e["detail"]["deployment_id"]: e["detail"]["leader_alliance_id"] for e in assigned}
        for alliance_id in {e["detail"]["leader_alliance_id"] for e in assigned if e["detail"]["cross_alliance"]}:
            flows[(full["alliance_id"], alliance_id)] += 1
        for entry in full["timeline"]:
            if entry["action"] == "visit_logged":
                used[leader_alliance[entry["detail"]["deployment_id"]]] += entry["detail"]["days_used"]
        if status not in ("closed", "withdrawn"):
            for entry in assigned:
                booked[entry["detail"]["leader_alliance_id"]] += entry["detail"]["days"]
    return {"counts": counts, "flows": flows, "median": round(statistics.median(to_match), 2) if to_match else None,
            "used": used, "booked": booked}


def test_the_board_equals_a_count_over_the_timelines(support):
    late = opened(support, school_urn=SPARE_SCHOOL, priority="urgent",
                  received_on=(date.today() - timedelta(days=30)).isoformat())
    assert late["overdue"] is True
    path = f"/api/v1/regions/{support.region['id']}/referral-board"
    answer = support.coordinator.get(path)
    assert answer.status_code == 200, answer.text
    board = answer.json()
    again = _recount(support)
    assert {row["alliance_id"]: {k: v for k, v in row["counts"].items() if v}
            for row in board["by_alliance"] if row["total"]} == {k: dict(v) for k, v in again["counts"].items()}
    assert {(f["from_alliance_id"], f["to_alliance_id"]): f["count"]
            for f in board["cross_alliance_flows"]} == dict(again["flows"])
    assert again["flows"], "the tests above made cross-alliance referrals"
    assert board["median_days_to_match"] == again["median"]
    assert {row["alliance_id"]: row["days_used"] for row in board["days_deployed"] if row["days_used"]} \
        == dict(again["used"])
    assert {row["alliance_id"]: row["days_booked"] for row in board["days_deployed"] if row["days_booked"]} \
        == dict(again["booked"])
    overdue = {row["referral_id"]: row for row in board["overdue"]}
    assert late["id"] in overdue and overdue[late["id"]]["working_days_overdue"] > 0
    assert all(row["status"] in ("open", "shared") for row in board["overdue"])
    as_csv = support.coordinator.get(path, headers={"Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {"referrals", "cross_alliance_referrals", "median_days_to_match", "overdue_working_days"} \
        <= {row["figure"] for row in rows}
    assert sum(int(r["value"]) for r in rows if r["figure"] == "referrals") \
        == sum(row["total"] for row in board["by_alliance"])
    for caller, status in ((support.far_coordinator, 404), (support.home_admin, 403), (support.school_user, 403)):
        assert caller.get(path).status_code == status


def test_a_leader_made_inactive_in_membership_is_no_longer_matched(support):
    referral = opened(support, school_urn=SPARE_SCHOOL)
    matches = f"/api/v1/referrals/{referral['id']}/matches"
    leader = support.leaders["partial"]
    assert support.other_admin.patch(f"/api/v1/system-leaders/{leader['id']}",
                                     {"status": "inactive"}).status_code == 200
    wait_until(lambda: "Partial Fit" not in leader_names(support.home_admin.get(matches).json()["items"]),
               timeout=20)
    refused = support.home_admin.post(f"/api/v1/referrals/{referral['id']}/assign",
                                      {"system_leader_id": leader["id"], "days": 1})
    assert refused.status_code == 409 and refused.json()["title"] == "The system leader is not available"
    assert support.other_admin.patch(f"/api/v1/system-leaders/{leader['id']}",
                                     {"status": "active", "days_available": 4}).status_code == 200
    wait_until(lambda: "Partial Fit" in leader_names(support.home_admin.get(matches).json()["items"]), timeout=20)
