"""Health, readiness, metrics, the OpenAPI document and its page, parked events, the audit log."""
import base64
import hashlib
import json
import re
from pathlib import Path

import eventlet
from kombu import Connection
from marshmallow import validate
from werkzeug.wrappers import Response

from gateway import asyncapi, metrics
from gateway.clients import SERVICES
from gateway.http import Call, path_integer, route
from gateway.openapi import document
from services.chassis.audit import AuditEntry, AuditFilters
from services.chassis.config import amqp_uri
from services.chassis.errors import NotFound, ServiceError, ValidationFailed
from services.chassis.fields import Text

TAG = "Operations"
DOCS_PAGE = (Path(__file__).resolve().parent.parent / "docs.html").read_bytes()


def _hashes(tag: str) -> str:
    """CSP sources for the page's inline <tag> elements, by the hash of each."""
    bodies = re.findall(rb"<%s>(.*?)</%s>" % (tag.encode(), tag.encode()), DOCS_PAGE, re.S)
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(b).digest()).decode()}'" for b in bodies)


# The page runs only its own inline script and style, and fetches only the gateway's document.
DOCS_POLICY = (f"default-src 'none'; script-src {_hashes('script')}; style-src {_hashes('style')}; "
               "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


def broker_answers() -> bool:
    try:
        with Connection(amqp_uri(), connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


class AuditLogQuery(AuditFilters):
    service = Text(required=True, validate=validate.OneOf(SERVICES),
                   metadata={"description": "the service whose audit log to read"})


def audited_service(name: str | None) -> str:
    """The service named in the query; 422 for none or one not in the registry."""
    if name not in SERVICES:
        raise ValidationFailed("no such service", {"service": [f"one of {', '.join(SERVICES)}"]})
    return name


class OperationsRoutes:
    def _ping_all(self) -> dict:
        def ping(service: str) -> tuple[str, dict | None]:
            try:
                return service, self.rpc.call(service, "ping", timeout=2.0)
            except ServiceError:
                return service, None
        pool = eventlet.GreenPool(len(SERVICES))
        pings = dict(pool.imap(ping, SERVICES))
        for service, answer in pings.items():
            metrics.record_service(service, answer)
        return pings

    @route("GET", "/health", "The gateway process is up", TAG, public=True)
    def health(self, call: Call) -> dict:
        return {"status": "ok"}

    @route("GET", "/ready", "The broker and every service answer", TAG, public=True)
    def ready(self, call: Call) -> Response:
        checks = {"broker": "up" if broker_answers() else "down"}
        checks.update({s: "up" if p else "down" for s, p in self._ping_all().items()})
        down = [name for name, state in checks.items() if state == "down"]
        body = {"status": "unavailable" if down else "ready", "checks": checks, "down": down}
        return Response(json.dumps(body), status=503 if down else 200, mimetype="application/json")

    @route("GET", "/metrics", "Prometheus metrics", TAG, public=True)
    def metrics(self, call: Call) -> Response:
        self._ping_all()
        return Response(metrics.exposition(), mimetype="text/plain; version=0.0.4")

    @route("GET", "/api/v1/asyncapi.json", "The AsyncAPI 3 document of every event the services publish",
           TAG, public=True)
    def asyncapi(self, call: Call) -> dict:
        return asyncapi.document()

    @route("GET", "/api/v1/openapi.json", "This OpenAPI document", TAG, public=True)
    def openapi(self, call: Call) -> dict:
        return document()

    @route("GET", "/docs", "Human-readable API documentation", TAG, public=True)
    def docs(self, call: Call) -> Response:
        return Response(DOCS_PAGE, mimetype="text/html", headers={"Content-Security-Policy": DOCS_POLICY})

    @route("GET", "/api/v1/ops/parked-events", "Events parked after failing handlers (platform admin)", TAG)
    def list_parked_events(self, call: Call) -> dict:
        return {service: self.rpc.call(service, "list_parked_events", call.caller) for service in SERVICES}

    @route("POST", "/api/v1/ops/parked-events/{service}/{parked_id}/replay",
           "Run a parked event through its handler again (platform admin)", TAG)
    def replay_parked_event(self, call: Call, service: str, parked_id: str) -> dict:
        if service not in SERVICES:
            raise NotFound("no such parked event")
        event = path_integer(parked_id, "parked event")
        return self.rpc.call(service, "replay_parked_event", call.caller, event)

    @route("GET", "/api/v1/ops/audit-log",
           "A service's audit log, newest first: who wrote what, when, in which request (platform admin)",
           TAG, response=AuditEntry, query=AuditLogQuery, paginated=True)
    def audit_log(self, call: Call) -> dict:
        service = audited_service(call.request.args.get("service"))
        filters = {k: v for k, v in call.filters.items() if k != "service"}
        return self.rpc.call(service, "list_audit_log", call.caller, filters, call.page)
