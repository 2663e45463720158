"""The contract's conventions: request ids, idempotency, limits, pagination, operations."""
import pytest

from services.registry import names
from tests.e2e.api import school

pytestmark = pytest.mark.e2e


def test_every_response_carries_a_request_id(anonymous, admin):
    assert anonymous.get("/health").headers["X-Request-ID"]
    assert admin.get("/api/v1/regions", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert anonymous.get("/nowhere").headers["X-Request-ID"]


def test_the_request_id_becomes_the_events_correlation_id(admin, stack_events):
    subscriber = stack_events
    subscriber.bind("membership", "school_registered")
    admin.created("/api/v1/schools", school("150001", "Correlated School"),
                  headers={"X-Request-ID": "e2e-correlation-1"})
    events = [e for e in subscriber.wait_for("school_registered") if e["data"]["urn"] == "150001"]
    assert events[0]["correlation_id"] == "e2e-correlation-1"


def test_an_idempotency_key_makes_one_thing_however_often_it_is_sent(admin):
    body = school("150002", "Once Only School")
    key = {"Idempotency-Key": "create-150002"}
    first = admin.post("/api/v1/schools", body, headers=key)
    again = admin.post("/api/v1/schools", body, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    changed = admin.post("/api/v1/schools", {**body, "name": "Other"}, headers=key)
    assert changed.status_code == 409
    plain_retry = admin.post("/api/v1/schools", body)
    assert plain_retry.status_code == 409  # without the key it is a second, conflicting create


def test_malformed_and_oversized_bodies(admin):
    malformed = admin.request("POST", "/api/v1/schools", data="{not json",
                              headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400
    assert malformed.headers["Content-Type"] == "application/problem+json"
    big = admin.request("POST", "/api/v1/schools", data="[" + "1," * 600_000 + "1]",
                        headers={"Content-Type": "application/json"})
    assert big.status_code == 413
    assert admin.post("/api/v1/schools", ["a", "list"]).status_code == 422


def test_lists_are_paged_with_a_cursor(admin):
    for n in range(5):
        admin.created("/api/v1/schools", school(f"16000{n}", f"Paged School {n}"))
    seen, cursor = [], None
    while True:
        params = {"q": "Paged School", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = admin.get("/api/v1/schools", params=params).json()
        assert len(page["items"]) <= 2
        seen += [s["urn"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"16000{n}" for n in range(5)]
    assert admin.get("/api/v1/schools", params={"limit": 500}).status_code == 422
    assert admin.get("/api/v1/schools", params={"cursor": "garbage!"}).status_code == 400
    assert len(admin.get("/api/v1/schools").json()["items"]) <= 50


def test_operations_endpoints(anonymous, stack):
    assert anonymous.get("/health").json() == {"status": "ok"}
    ready = anonymous.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"broker": "up", **{name: "up" for name in names()}}
    metrics = anonymous.get("/metrics")
    assert metrics.status_code == 200
    assert 'gateway_requests_total{method="GET",route="/health",status="200"}' in metrics.text
    assert 'service_outbox_pending{service="membership"}' in metrics.text
    assert "gateway_request_duration_seconds_bucket" in metrics.text


def test_the_api_document_and_its_page(anonymous):
    document = anonymous.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "post" in document["paths"]["/api/v1/alliances/{alliance_id}/members"]
    page = anonymous.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "/api/v1/openapi.json" in page.text and "<script src=" not in page.text  # nothing fetched from elsewhere


def test_the_platform_admin_can_list_parked_events(admin, world):
    assert admin.get("/api/v1/ops/parked-events").json() == {name: [] for name in names()}
    assert world.coordinator.get("/api/v1/ops/parked-events").status_code == 403
    assert admin.post("/api/v1/ops/parked-events/membership/999/replay").status_code == 404


def test_the_event_catalogue_is_served_as_asyncapi_and_linked_from_the_docs(anonymous):
    answer = anonymous.get("/api/v1/asyncapi.json")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/json")
    catalogue = answer.json()
    assert catalogue["asyncapi"].startswith("3.")
    channel = catalogue["channels"]["courses.booking_confirmed"]
    assert channel["bindings"]["amqp"]["exchange"]["name"] == "courses.events"
    assert "membership_started.v1" in catalogue["components"]["messages"]
    assert 'href="/api/v1/asyncapi.json"' in anonymous.get("/docs").text
