"""From one event to each person it concerns: a feed entry, and an email now, merged or in a digest.

Exactly one of each per person and event: the feed's ``(user_id, event_id)``
and the mail items' ``(recipient, event_id)`` are unique, so a redelivered or
replayed event (or a replica handling it too) adds nothing. An email sent at
once is decided here, in the event's transaction (the chassis's deliveries);
merged and digest items wait for batching.py.
"""
import json
from datetime import datetime

import sqlalchemy as sa

from services.chassis.deliveries import add_delivery
from services.chassis.transaction import Transaction
from services.notifications import audiences, routing
from services.notifications.audiences import Recipient
from services.notifications.emails import compose, message_id_for
from services.notifications.models import alliances
from services.notifications.pacing import PACING
from services.notifications.routing import Route, Timing
from services.notifications.wording import Notice, notice_for

# Every statement here runs for each person an event concerns: built once. Plain SQL for INSERT .. ON
# CONFLICT, which SQLAlchemy compiles anew on every call (no cache key).
ALLIANCE = sa.select(alliances.c.id, alliances.c.name, alliances.c.kind).where(alliances.c.id == sa.bindparam("id"))
ADD_TO_FEED = sa.text(
    "INSERT INTO notifications (user_id, event_id, event_type, kind, title, body, link)"
    " VALUES (:user_id, :event_id, :event_type, :kind, :title, :body, :link)"
    " ON CONFLICT ON CONSTRAINT uq_notifications_user_event DO NOTHING")
ADD_MAIL_ITEM = sa.text(
    "INSERT INTO mail_items (recipient, name, user_id, event_id, kind, timing, alliance_id, notice, due_at)"
    " VALUES (:recipient, :name, :user_id, :event_id, :kind, :timing, :alliance_id, CAST(:notice AS jsonb), :due_at)"
    " ON CONFLICT ON CONSTRAINT uq_mail_items_recipient_event DO NOTHING RETURNING id")
RECORD_MESSAGE = sa.text(
    "WITH message AS (INSERT INTO messages (id, recipient, kind, subject, items, digest_day, delivery_id)"
    " VALUES (:id, :recipient, :kind, :subject, :items, :digest_day, :delivery_id) RETURNING id)"
    " UPDATE mail_items SET message_id = (SELECT id FROM message) WHERE id = ANY(:item_ids)")


def alliance(tx: Transaction, alliance_id: str | None) -> dict | None:
    if not alliance_id:
        return None
    row = tx.execute(ALLIANCE, {"id": alliance_id}).mappings().first()
    return dict(row) if row else None


def notify(tx: Transaction, envelope: dict, now: datetime, previous_status: str | None = None) -> int:
    """Tell everyone ``envelope`` concerns; how many people. ``previous_status``: see routing.routes_for."""
    event_type, data = envelope["event_type"], envelope["data"]
    routes = routing.routes_for(event_type, data, previous_status)
    if not routes:
        return 0
    notice = notice_for(event_type, data, alliance(tx, data.get("alliance_id") or envelope.get("alliance_id")))
    participant = (data.get("participant") or {}).get("name", "")
    return tell(tx, envelope["event_id"], event_type, routes, notice, now, participant)


def tell(tx: Transaction, event_id: str, event_type: str, routes: list[Route], notice: Notice,
         now: datetime, participant_name: str = "") -> int:
    told: set[str] = set()
    for route in routes:
        for person in audiences.resolve(tx, route.audience, participant_name):
            if person.email in told:
                continue
            told.add(person.email)
            if person.user_id:
                _add_to_feed(tx, person.user_id, event_id, event_type, route.kind.name, notice)
            timing = routing.email_timing(route.kind, person.preference)
            if timing is not None:
                _add_mail(tx, person, event_id, route.kind.name, timing, notice, now)
    return len(told)


def _add_to_feed(tx: Transaction, user_id: str, event_id: str, event_type: str, kind: str, notice: Notice) -> None:
    tx.execute(ADD_TO_FEED, {"user_id": user_id, "event_id": event_id, "event_type": event_type, "kind": kind,
                             "title": notice.title[:300], "body": notice.body, "link": notice.link})


def _add_mail(tx: Transaction, person: Recipient, event_id: str, kind: str, timing: Timing, notice: Notice,
              now: datetime) -> None:
    due = PACING.merged_due(now) if timing is Timing.MERGED else now
    item_id = tx.execute(ADD_MAIL_ITEM, {
        "recipient": person.email, "name": person.name[:200], "user_id": person.user_id, "event_id": event_id,
        "kind": kind, "timing": timing.value, "alliance_id": notice.sender_id,
        "notice": json.dumps(notice.to_dict()), "due_at": due,
    }).scalar()
    if item_id is not None and timing is Timing.IMMEDIATE:
        send_message(tx, person.email, person.name, person.user_id is not None, kind,
                     message_id_for(person.email, event_id), notice.title, [notice.to_dict()], [item_id])


def send_message(tx: Transaction, recipient: str, name: str, has_account: bool, kind: str, message_id: str,
                 subject: str, notices: list[dict], item_ids: list[int], digest_day=None,
                 intro: str | None = None) -> str:
    """Decide one email holding ``notices`` in ``tx``: its delivery, its record, its items marked."""
    payload = compose(message_id, recipient, name, has_account, subject, notices, PACING.link_base, intro)
    delivery_id = add_delivery(tx, "email", recipient, payload)
    tx.execute(RECORD_MESSAGE, {"id": message_id, "recipient": recipient, "kind": kind, "subject": subject[:300],
                                "items": len(item_ids), "digest_day": digest_day, "delivery_id": delivery_id,
                                "item_ids": item_ids})
    return message_id
