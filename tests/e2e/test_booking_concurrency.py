"""Never more confirmed bookings than places: a booking rush against one and two courses replicas."""
import eventlet
import pytest
import requests

from deploy.stack import Stack
from tests.e2e.api import Api
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, stack_env
from tests.e2e.courses_world import build, published_course, wait_for_copies
from tests.events import EventSubscriber

pytestmark = pytest.mark.e2e
RUSH = 200
PLACES = 50


@pytest.fixture(scope="module", params=[1, 2], ids=["one courses replica", "two courses replicas"])
def rush(request, broker, postgres, tmp_path_factory):
    replicas = request.param
    run_dir = tmp_path_factory.mktemp("rush")
    env = stack_env(broker, postgres, f"rush{replicas}", run_dir / "mail")
    stack = Stack(env, run_dir=run_dir, replicas={"courses": replicas})
    stack.up(timeout=120)
    try:
        assert len([n for n in stack.running() if n.startswith("courses")]) == replicas
        anonymous = Api(stack.base_url)
        admin = anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        region = admin.created("/api/v1/regions", {"name": "EMSYH", "code": "EMSYH"})
        other = admin.created("/api/v1/regions", {"name": "North West", "code": "NW"})
        a1, a2, a3 = [admin.created("/api/v1/alliances", {"name": name, "region_id": r["id"],
                                                          "kind": "teaching_school_alliance"})
                      for name, r in [("Affinity", region), ("Step", region), ("Mersey", other)]]
        world = build(admin, anonymous, a1, a2, a3, prefix="66", per_alliance=5)
        staff = admin  # the platform admin runs the course here
        wait_for_copies(staff, a1["id"], world.a1_schools + world.a2_schools, [])
        course = published_course(staff, a1["id"], title="Rush", capacity=PLACES)
        events = EventSubscriber(env["AMQP_URI"])
        events.bind("courses")
        yield stack, admin, world, course, events
        events.close()
    finally:
        stack.down()


def post_all(base_url: str, requests_to_send: list[tuple[str, dict, dict]]) -> list[requests.Response]:
    """Send every request at the same moment, each on its own connection."""
    start = eventlet.event.Event()

    def send(item):
        path, body, headers = item
        start.wait()
        with requests.Session() as session:
            return session.post(base_url + path, json=body, headers=headers, timeout=60)

    pool = eventlet.GreenPool(len(requests_to_send))
    answers = [pool.spawn(send, item) for item in requests_to_send]
    eventlet.sleep(0.2)
    start.send()
    return [answer.wait() for answer in answers]


def test_a_rush_confirms_exactly_the_places_and_queues_the_rest(rush):
    stack, admin, world, course, events = rush
    schools = world.a1_schools + world.a2_schools  # two alliances of the region
    path = f"/api/v1/courses/{course['id']}/bookings"
    answers = post_all(stack.base_url, [
        (path, {"school_urn": schools[n % len(schools)],
                "participant": {"name": f"Teacher {n}", "email": f"rush{n}@teachers.test"}},
         {"Authorization": f"Bearer {world.school_users[schools[n % len(schools)]].token}"})
        for n in range(RUSH)])

    assert [a.status_code for a in answers] == [201] * RUSH, {a.status_code: a.text for a in answers}
    made = [a.json() for a in answers]
    confirmed = [b for b in made if b["status"] == "confirmed"]
    waitlisted = [b for b in made if b["status"] == "waitlisted"]
    assert len(confirmed) == PLACES and len(waitlisted) == RUSH - PLACES
    assert sorted(b["waitlist_position"] for b in waitlisted) == list(range(1, RUSH - PLACES + 1))
    assert len({b["id"] for b in made}) == RUSH

    after = admin.get(f"/api/v1/courses/{course['id']}").json()
    assert (after["confirmed_count"], after["waitlist_count"], after["places_left"]) == (PLACES, RUSH - PLACES, 0)
    stored = admin.get(path, params={"limit": 200}).json()["items"]
    assert sum(b["status"] == "confirmed" for b in stored) == PLACES

    published = events.wait_for("booking_confirmed", count=PLACES, timeout=30)
    events.wait_for("booking_waitlisted", count=RUSH - PLACES, timeout=30)
    events.drain(1.0)
    assert sorted(e["data"]["id"] for e in events.of_type("booking_confirmed")) == sorted(b["id"] for b in confirmed)
    assert all(e["data"]["participant"]["email"] and e["data"]["price_pence"] == 15000 for e in published)


def test_one_idempotency_key_sent_twenty_times_at_once_makes_one_booking(rush):
    stack, admin, world, course, _ = rush
    urn = world.a1_schools[0]
    body = {"school_urn": urn, "participant": {"name": "Keyed", "email": "keyed@teachers.test"}}
    headers = {"Authorization": f"Bearer {world.school_users[urn].token}", "Idempotency-Key": "rush-key-1"}
    answers = post_all(stack.base_url, [(f"/api/v1/courses/{course['id']}/bookings", body, headers)] * 20)
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    stored = admin.get(f"/api/v1/courses/{course['id']}/bookings", params={"limit": 200, "status": "waitlisted"})
    keyed = [b for b in stored.json()["items"] if b["participant"]["email"] == "keyed@teachers.test"]
    assert len(keyed) == 1


def test_cancelling_a_confirmed_booking_promotes_waitlist_position_one(rush):
    stack, admin, world, course, events = rush
    path = f"/api/v1/courses/{course['id']}/bookings"
    confirmed = admin.get(path, params={"status": "confirmed", "limit": 1}).json()["items"][0]
    waiting = admin.get(path, params={"status": "waitlisted", "limit": 200}).json()["items"]
    first = next(b for b in waiting if b["waitlist_position"] == 1)
    second = next(b for b in waiting if b["waitlist_position"] == 2)

    assert admin.post(f"/api/v1/bookings/{confirmed['id']}/cancel").json()["status"] == "cancelled"
    assert admin.get(f"/api/v1/bookings/{first['id']}").json()["status"] == "confirmed"
    assert admin.get(f"/api/v1/bookings/{second['id']}").json()["waitlist_position"] == 1
    [promoted] = events.wait_for("booking_promoted", timeout=15)
    assert promoted["data"]["id"] == first["id"] and promoted["correlation_id"]
    after = admin.get(f"/api/v1/courses/{course['id']}").json()
    assert after["confirmed_count"] == PLACES
    positions = sorted(b["waitlist_position"] for b in admin.get(
        path, params={"status": "waitlisted", "limit": 200}).json()["items"])
    assert positions == list(range(1, len(positions) + 1))
