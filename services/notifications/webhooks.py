"""Webhooks per alliance: their admins register a URL for some event types; deliveries are logged.

Only the platform admin and the alliance's own admins see or change an
alliance's webhooks; another alliance's webhook is 404. The secret is
returned once, when the webhook is created.
"""
import sqlalchemy as sa

from services.chassis.deliveries import add_delivery
from services.chassis.errors import NotFound
from services.chassis.fields import parse_uuid
from services.chassis.pagination import paginate
from services.chassis.scope import CallerScope, Role
from services.chassis.transaction import Transaction
from services.notifications.exceptions import WebhookTargetRefused
from services.notifications.models import alliances, deliveries, webhooks
from services.notifications.schemas import Webhook, WebhookCreated, WebhookDelivery
from services.notifications.signing import new_secret
from services.notifications.webhook_targets import allow_private, why_refused

WEBHOOK, CREATED, DELIVERY = Webhook(), WebhookCreated(), WebhookDelivery()


def _managed_by(caller: CallerScope) -> sa.ColumnElement:
    if caller.is_admin:
        return sa.true()
    if caller.role is Role.ALLIANCE_ADMIN and caller.alliance_id:
        return webhooks.c.alliance_id == caller.alliance_id
    return sa.false()


def _find(tx: Transaction, caller: CallerScope, webhook_id: str) -> dict:
    wanted = parse_uuid(webhook_id)
    row = wanted and tx.execute(sa.select(webhooks).where(webhooks.c.id == wanted, _managed_by(caller))
                                ).mappings().first()
    if not row:
        raise NotFound("no such webhook")
    return dict(row)


def create(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    caller.require(Role.ALLIANCE_ADMIN)
    known = tx.execute(sa.select(alliances.c.id).where(alliances.c.id == data["alliance_id"])).scalar()
    if not known or not (caller.is_admin or caller.alliance_id == data["alliance_id"]):
        raise NotFound("no such alliance")
    refused = why_refused(data["url"], allow_private())
    if refused:
        raise WebhookTargetRefused("the webhook URL is not allowed", {"url": [refused]})
    row = tx.execute(sa.insert(webhooks).values(
        alliance_id=data["alliance_id"], url=data["url"], event_types=sorted(set(data["event_types"])),
        secret=new_secret(), created_by=caller.user_id,
    ).returning(*webhooks.c)).mappings().one()
    return CREATED.dump(row)


def list_webhooks(tx: Transaction, caller: CallerScope, filters: dict, page: dict | None) -> dict:
    caller.require(Role.ALLIANCE_ADMIN)
    query = sa.select(webhooks).where(_managed_by(caller))
    if filters.get("alliance_id"):
        query = query.where(webhooks.c.alliance_id == filters["alliance_id"])
    return paginate(tx, query, [webhooks.c.id], page, WEBHOOK.dump)


def get(tx: Transaction, caller: CallerScope, webhook_id: str) -> dict:
    caller.require(Role.ALLIANCE_ADMIN)
    return WEBHOOK.dump(_find(tx, caller, webhook_id))


def delete(tx: Transaction, caller: CallerScope, webhook_id: str) -> dict:
    """Remove a webhook; deliveries still waiting are cancelled when they come due."""
    caller.require(Role.ALLIANCE_ADMIN)
    found = _find(tx, caller, webhook_id)
    row = tx.execute(sa.update(webhooks).where(webhooks.c.id == found["id"]).values(
        status="disabled", disabled_at=sa.func.now(), disabled_reason="stopped by its alliance",
    ).returning(*webhooks.c)).mappings().one()
    return WEBHOOK.dump(row)


def enable(tx: Transaction, caller: CallerScope, webhook_id: str) -> dict:
    """Turn a disabled webhook on again: new events are delivered (failed deliveries stay failed)."""
    caller.require(Role.ALLIANCE_ADMIN)
    found = _find(tx, caller, webhook_id)
    row = tx.execute(sa.update(webhooks).where(webhooks.c.id == found["id"]).values(
        status="active", disabled_at=None, disabled_reason=None, failing_since=None,
    ).returning(*webhooks.c)).mappings().one()
    return WEBHOOK.dump(row)


def deliveries_of(tx: Transaction, caller: CallerScope, webhook_id: str, page: dict | None) -> dict:
    caller.require(Role.ALLIANCE_ADMIN)
    found = _find(tx, caller, webhook_id)
    query = sa.select(deliveries).where(deliveries.c.kind == "webhook", deliveries.c.target == str(found["id"]))
    return paginate(tx, query, [deliveries.c.created_at, deliveries.c.id], page, _delivery)


def _delivery(row: dict) -> dict:
    return DELIVERY.dump({
        **row, "status": row["state"], "event_type": row["payload"].get("event_type"),
        "event_id": row["payload"].get("event_id"),
        "next_attempt_at": row["next_attempt_at"] if row["state"] == "pending" else None,
    })


def alliances_concerned(envelope: dict) -> set[str]:
    """The alliances whose webhooks hear of an event: its own, and a deployed leader's."""
    data = envelope["data"]
    concerned = {envelope.get("alliance_id") or data.get("alliance_id")}
    deployment = data.get("deployment") or {}
    concerned.add(deployment.get("leader_alliance_id"))
    return {alliance_id for alliance_id in concerned if alliance_id}


# Built once: it runs for every event.
TARGETS = sa.select(webhooks.c.id).where(
    webhooks.c.status == "active", webhooks.c.alliance_id.in_(sa.bindparam("alliances", expanding=True)),
    webhooks.c.event_types.contains(sa.bindparam("event_type")))


def queue(tx: Transaction, envelope: dict) -> int:
    """Decide a delivery to every active webhook that wants this event; how many."""
    concerned = alliances_concerned(envelope)
    if not concerned:
        return 0
    targets = tx.execute(TARGETS, {"alliances": list(concerned), "event_type": [envelope["event_type"]]}
                         ).scalars().all()
    body = {key: envelope.get(key) for key in ("event_id", "event_type", "occurred_at", "source", "region_id",
                                               "alliance_id", "schema_version", "data")}
    for webhook_id in targets:
        add_delivery(tx, "webhook", str(webhook_id), body)
    return len(targets)
