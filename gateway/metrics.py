"""Prometheus metrics of the gateway and of the services' outboxes."""
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry()
REQUESTS = Counter("gateway_requests_total", "HTTP requests by route and status",
                   ["method", "route", "status"], registry=REGISTRY)
LATENCY = Histogram("gateway_request_duration_seconds", "HTTP request latency",
                    ["method", "route"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
SERVICE_UP = Gauge("service_up", "1 when the service answered a ping", ["service"], registry=REGISTRY)
OUTBOX_PENDING = Gauge("service_outbox_pending", "events written but not yet published",
                       ["service"], registry=REGISTRY)
RATE_LIMITED = Counter("gateway_rate_limited_total", "requests refused with 429 by the per-user rate limit",
                       registry=REGISTRY)
PARKED_EVENTS = Gauge("service_parked_events", "events whose handler gave up, awaiting replay",
                      ["service"], registry=REGISTRY)


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def count_rate_limited() -> None:
    RATE_LIMITED.inc()


def record_service(service: str, ping: dict | None) -> None:
    SERVICE_UP.labels(service).set(1 if ping else 0)
    if ping:
        OUTBOX_PENDING.labels(service).set(ping["outbox_pending"])
        PARKED_EVENTS.labels(service).set(ping["parked_events"])


def exposition() -> bytes:
    return generate_latest(REGISTRY)
