"""Webhooks over HTTP on the whole stack, posting to a real receiver on this machine.

The stack may post to this machine (WEBHOOK_ALLOW_PRIVATE) and retries after
half a second (tests/e2e/conftest.py). Every webhook made here is stopped when
its test ends, so other tests' courses of A1 post nothing to a closed receiver.
"""
import time
import uuid

import pytest

from tests.e2e.courses_world import eventually, published_course
from tests.webhook_receiver import Received, WebhookReceiver

pytestmark = pytest.mark.e2e
BODY_KEYS = {"delivery_id", "timestamp", "event_id", "event_type", "occurred_at", "source", "region_id",
             "alliance_id", "schema_version", "data"}


@pytest.fixture
def register(world):
    """``register(url, event_types)``: A1's admin creates a webhook (answer: the 201's body); stopped after."""
    made = []

    def create(url: str, event_types: tuple[str, ...] = ("course_published",)) -> dict:
        def attempt():
            answer = world.a1_admin.post("/api/v1/webhooks", {
                "alliance_id": world.a1["id"], "url": url, "event_types": list(event_types)})
            if answer.status_code == 404:  # notifications has not yet heard of A1 from membership
                return None
            assert answer.status_code == 201, answer.text
            return answer.json()
        hook = eventually(attempt)
        made.append(hook["id"])
        return hook
    yield create
    for webhook_id in made:
        world.a1_admin.delete(f"/api/v1/webhooks/{webhook_id}")


def unique_title(what: str) -> str:
    return f"Webhooks e2e: {what} {uuid.uuid4().hex[:8]}"


def about(receiver: WebhookReceiver, event_type: str, data_id: str) -> list[Received]:
    return [r for r in receiver.received if r.json()["event_type"] == event_type and r.json()["data"]["id"] == data_id]


def arrived(receiver: WebhookReceiver, event_type: str, data_id: str, count: int = 1,
            timeout: float = 15) -> list[Received]:
    """The requests about this event once ``count`` have arrived."""
    def enough() -> list[Received] | None:
        found = about(receiver, event_type, data_id)
        return found if len(found) >= count else None
    return eventually(enough, timeout)


def test_the_secret_is_shown_once_when_the_webhook_is_made(world, register, webhook_receiver):
    hook = register(webhook_receiver.url, ("course_published", "booking_confirmed"))
    assert hook["secret"].startswith("whsec_") and hook["status"] == "active"
    assert hook["event_types"] == ["booking_confirmed", "course_published"] and hook["url"] == webhook_receiver.url

    one = world.a1_admin.get(f"/api/v1/webhooks/{hook['id']}")
    assert one.status_code == 200 and one.json()["id"] == hook["id"]
    listed = world.a1_admin.get("/api/v1/webhooks", params={"alliance_id": world.a1["id"], "limit": 100})
    assert listed.status_code == 200 and hook["id"] in [h["id"] for h in listed.json()["items"]]
    for answer in (one, listed):
        assert "secret" not in answer.text and hook["secret"] not in answer.text


def test_a_published_course_and_a_booking_arrive_signed(world, register, webhook_receiver):
    hook = register(webhook_receiver.url, ("course_published", "booking_confirmed"))
    course = published_course(world.a1_staff, world.a1["id"], title=unique_title("signed"))
    [posted] = arrived(webhook_receiver, "course_published", course["id"])
    body = posted.json()
    assert set(body) == BODY_KEYS and body["data"]["title"] == course["title"]
    assert body["alliance_id"] == world.a1["id"] and body["source"] == "courses"
    assert posted.header("X-Delivery-ID") == body["delivery_id"] and posted.header("X-Event-Type") == "course_published"
    assert int(posted.header("X-Timestamp")) == body["timestamp"] and abs(time.time() - body["timestamp"]) < 60

    def book():
        answer = world.school_user.post(f"/api/v1/courses/{course['id']}/bookings", {
            "school_urn": "110002", "participant": {"name": "Ada", "email": "ada@webhooks.test"}})
        return answer.json() if answer.status_code == 201 else None
    booking = eventually(book)
    assert booking["status"] == "confirmed"
    [confirmed] = arrived(webhook_receiver, "booking_confirmed", booking["id"])
    assert confirmed.json()["data"]["course_id"] == course["id"]
    assert confirmed.header("X-Delivery-ID") != posted.header("X-Delivery-ID")
    assert len(about(webhook_receiver, "course_published", course["id"])) == 1  # once, not again
    assert webhook_receiver.verify(hook["secret"]) == len(webhook_receiver.received)


def test_a_failing_receiver_is_retried_within_seconds_with_the_same_delivery_id(world, register, webhook_receiver):
    webhook_receiver.answer(500, 500, 200)
    hook = register(webhook_receiver.url)
    course = published_course(world.a1_staff, world.a1["id"], title=unique_title("retried"))
    tries = arrived(webhook_receiver, "course_published", course["id"], count=3)
    assert [t.header("X-Delivery-Attempt") for t in tries] == ["1", "2", "3"]
    assert len({t.header("X-Delivery-ID") for t in tries}) == 1
    assert tries[1].at - tries[0].at >= 0.4 and tries[2].at - tries[0].at < 10
    assert webhook_receiver.verify(hook["secret"]) == 3

    def logged():
        items = world.a1_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()["items"]
        return items if items and items[-1]["status"] == "sent" else None
    [logged_delivery] = eventually(logged)
    assert logged_delivery["id"] == tries[0].header("X-Delivery-ID")
    assert (logged_delivery["attempts"], logged_delivery["last_response_code"]) == (3, 200)
    assert logged_delivery["event_type"] == "course_published"
    assert logged_delivery["event_id"] == tries[0].json()["event_id"]


def test_another_alliance_cannot_see_or_change_the_webhook(world, register, webhook_receiver):
    hook = register(webhook_receiver.url)
    path = f"/api/v1/webhooks/{hook['id']}"
    for answer in (world.a2_admin.get(path), world.a2_admin.get(f"{path}/deliveries"),
                   world.a2_admin.delete(path), world.a2_admin.post(f"{path}/enable")):
        assert answer.status_code == 404, answer.text
    assert hook["id"] not in [h["id"] for h in world.a2_admin.get("/api/v1/webhooks").json()["items"]]
    assert world.a1_staff.get(path).status_code == 403  # staff of A1: webhooks are its admins' business
    assert world.a1_admin.get(path).json()["status"] == "active"


@pytest.mark.parametrize("url", ["ftp://hooks.example.org/in", "file:///etc/passwd",
                                 "https://user:password@hooks.example.org/in"])
def test_a_url_not_allowed_is_422_naming_url(world, url):
    answer = world.a1_admin.post("/api/v1/webhooks", {
        "alliance_id": world.a1["id"], "url": url, "event_types": ["course_published"]})
    assert answer.status_code == 422, answer.text
    assert list(answer.json()["errors"]) == ["url"]


def test_an_unknown_event_type_is_422(world, webhook_receiver):
    answer = world.a1_admin.post("/api/v1/webhooks", {
        "alliance_id": world.a1["id"], "url": webhook_receiver.url, "event_types": ["course_published", "payday"]})
    assert answer.status_code == 422, answer.text
    assert "event_types" in answer.json()["errors"]


def test_a_stopped_webhook_gets_nothing_until_it_is_enabled_again(world, register, webhook_receiver):
    hook = register(webhook_receiver.url)
    with WebhookReceiver() as witness:  # a webhook left on: once it has an event, the stopped one would have too
        register(witness.url)
        stopped = world.a1_admin.delete(f"/api/v1/webhooks/{hook['id']}")
        assert stopped.status_code == 200 and stopped.json()["status"] == "disabled"
        quiet = published_course(world.a1_staff, world.a1["id"], title=unique_title("while stopped"))
        arrived(witness, "course_published", quiet["id"])
        time.sleep(1)
        assert about(webhook_receiver, "course_published", quiet["id"]) == []

        enabled = world.a1_admin.post(f"/api/v1/webhooks/{hook['id']}/enable")
        assert enabled.status_code == 200 and enabled.json()["status"] == "active"
        heard = published_course(world.a1_staff, world.a1["id"], title=unique_title("enabled again"))
        arrived(webhook_receiver, "course_published", heard["id"])
        assert webhook_receiver.verify(hook["secret"]) == len(webhook_receiver.received)
    logged = world.a1_admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").json()["items"]
    assert quiet["id"] not in str(logged) and [d["event_type"] for d in logged] == ["course_published"]
