"""Posting webhook deliveries: signed JSON, retried from about a second to an hour, a failing one disabled.

Each attempt POSTs the event as JSON with ``X-Signature`` (signing.py),
``X-Timestamp`` (also in the body), ``X-Delivery-ID`` (the same on every
retry) and ``X-Event-Type``. A 2xx answer is success; 5xx, 408, 429, a
timeout or a refused connection is retried (1 s, 2.5 s, 6 s … up to an hour,
10 attempts); any other answer, or a target that now resolves to a private
address, fails at once. After the last attempt ``notification_failed`` is
published. A webhook that has failed every attempt for
``WEBHOOK_DISABLE_AFTER_SECONDS`` (a day) is disabled and its alliance's
admins are told.
"""
import json
import time
from datetime import datetime, timedelta
from typing import Callable

import requests
import sqlalchemy as sa

from services.chassis.config import float_setting
from services.chassis.deliveries import Attempt, Channel, Delivery, PermanentFailure, SendFailed
from services.chassis.transaction import Transaction
from services.notifications import events, fan_out
from services.notifications.models import webhooks
from services.notifications.routing import WEBHOOK_DISABLED, Audience, Route, Who
from services.notifications.signing import signature
from services.notifications.webhook_targets import allow_private, why_refused
from services.notifications.wording import Notice

RETRIED = {408, 425, 429}
USER_AGENT = "AllianceNetwork-Webhooks/1"


HOOK = sa.select(webhooks.c.url, webhooks.c.secret, webhooks.c.status, webhooks.c.failing_since).where(
    webhooks.c.id == sa.bindparam("id"))  # built once: it runs for every delivery


def prepare(tx: Transaction, delivery: Delivery) -> Delivery | None:
    """The webhook's current URL and secret (and whether it is failing); None once it is disabled or deleted."""
    hook = tx.execute(HOOK, {"id": delivery.target}).first()
    if hook is None or hook.status != "active":
        return None
    return Delivery(delivery.id, delivery.kind, delivery.target,
                    {**delivery.payload, "_url": hook.url, "_secret": hook.secret,
                     "_failing": hook.failing_since is not None}, delivery.attempt)


def poster(timeout: float, private_allowed: bool) -> Callable[[Delivery], int]:
    session = requests.Session()

    def post(delivery: Delivery) -> int:
        payload = dict(delivery.payload)
        url, secret = payload.pop("_url"), payload.pop("_secret")
        payload.pop("_failing", None)
        refused = why_refused(url, private_allowed)
        if refused:
            raise PermanentFailure(f"target refused: {refused}")
        timestamp = int(time.time())
        body = json.dumps({"delivery_id": delivery.id, "timestamp": timestamp, **payload},
                          separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "X-Signature": signature(secret, body), "X-Timestamp": str(timestamp),
                   "X-Delivery-ID": delivery.id, "X-Delivery-Attempt": str(delivery.attempt),
                   "X-Event-Type": payload.get("event_type") or ""}
        try:
            answer = session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
        except requests.Timeout:
            raise SendFailed(f"no answer within {timeout} s") from None
        except requests.ConnectionError as exc:
            raise SendFailed(f"could not connect: {type(exc).__name__}") from None
        code = answer.status_code
        if 200 <= code < 300:
            return code
        if code >= 500 or code in RETRIED:
            raise SendFailed(f"the receiver answered {code}", code)
        raise PermanentFailure(f"the receiver answered {code}", code)
    return post


def after(disable_after: timedelta) -> Callable[[Transaction, Attempt], None]:
    def record(tx: Transaction, attempt: Attempt) -> None:
        hook_id = attempt.delivery.target
        if attempt.sent:  # a write only when it was failing: every worker's success would lock the one row
            if attempt.delivery.payload.get("_failing", True):  # unknown unless prepare said
                tx.execute(sa.update(webhooks).where(webhooks.c.id == hook_id).values(failing_since=None))
            return
        hook = tx.execute(sa.update(webhooks).where(webhooks.c.id == hook_id).values(
            failing_since=sa.func.coalesce(webhooks.c.failing_since, attempt.at),
        ).returning(*webhooks.c)).mappings().first()
        if attempt.final:
            events.emit(tx, "notification_failed", {
                "delivery_id": attempt.delivery.id, "channel": "webhook", "webhook_id": hook_id,
                "alliance_id": hook and str(hook["alliance_id"]), "event_type": attempt.delivery.payload.get(
                    "event_type"), "attempts": attempt.delivery.attempt, "last_error": attempt.error,
                "last_response_code": attempt.response_code,
            }, alliance_id=hook and str(hook["alliance_id"]))
        if hook and hook["status"] == "active" and attempt.at - hook["failing_since"] >= disable_after:
            disable(tx, dict(hook), attempt.at, attempt.error)
    return record


def disable(tx: Transaction, hook: dict, now: datetime, last_error: str | None) -> None:
    since = f"{hook['failing_since']:%Y-%m-%d %H:%M} UTC"
    reason = f"every delivery failed since {since} (last: {last_error})"
    tx.execute(sa.update(webhooks).where(webhooks.c.id == hook["id"]).values(
        status="disabled", disabled_at=now, disabled_reason=reason[:1000]))
    alliance_id = str(hook["alliance_id"])
    event = events.emit(tx, "webhook_disabled", {"webhook_id": str(hook["id"]), "alliance_id": alliance_id,
                                                 "failing_since": hook["failing_since"], "reason": reason[:1000]},
                        alliance_id=alliance_id)
    notice = Notice("A webhook was disabled",
                    f"The webhook to {hook['url']} failed every delivery since {since} and is now disabled. Fix the "
                    f"receiver, then turn it on again: POST /api/v1/webhooks/{hook['id']}/enable.",
                    f"/api/v1/webhooks/{hook['id']}/deliveries")
    fan_out.tell(tx, event["event_id"], "webhook_disabled",
                 [Route(Audience(Who.ALLIANCE_ADMINS, alliance_id), WEBHOOK_DISABLED)], notice, now)


def channel() -> Channel:
    """Settings read as the container starts."""
    return Channel(
        send=poster(float_setting("WEBHOOK_TIMEOUT_SECONDS", 10.0), allow_private()),
        first_retry=float_setting("WEBHOOK_FIRST_RETRY_SECONDS", 1.0), growth=2.5,
        after=after(timedelta(seconds=float_setting("WEBHOOK_DISABLE_AFTER_SECONDS", 86400.0))),
        prepare=prepare,
    )
