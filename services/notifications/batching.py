"""Merged emails and daily digests: waiting mail items gathered into one email per person.

Both run as periodic jobs (one replica per slot). A person's merged items of
one kind go out together once the first has waited the merge window; a
person's digest items go out once a day from the digest hour, and at most
one digest per person and day (``uq_messages_one_digest_a_day``).
"""
from datetime import datetime

import sqlalchemy as sa

from services.chassis.transaction import Transaction
from services.notifications.emails import message_id_for
from services.notifications.fan_out import send_message
from services.notifications.models import mail_items, messages, preferences, users
from services.notifications.pacing import PACING
from services.notifications.wording import digest_subject, merged_subject

BATCH = 500
DIGEST_INTRO = "Here is what happened in Alliance Network since your last summary."


def _waiting(tx: Transaction, condition: sa.ColumnElement) -> list:
    """Waiting items matching ``condition``, locked, oldest first."""
    return tx.execute(sa.select(mail_items).where(mail_items.c.message_id.is_(None), condition)
                      .order_by(mail_items.c.id).with_for_update(skip_locked=True)).mappings().all()


def drop_unwanted(tx: Transaction) -> int:
    """Forget waiting items of people who have since turned email off or been deactivated: the feed keeps
    what they said; how many."""
    unwanted = sa.union(sa.select(preferences.c.user_id).where(preferences.c.email == "off"),
                        sa.select(users.c.id).where(sa.not_(users.c.active)))
    return tx.execute(sa.delete(mail_items).where(
        mail_items.c.message_id.is_(None), mail_items.c.timing.in_(("merged", "digest")),
        mail_items.c.user_id.in_(unwanted))).rowcount


def send_merged(tx: Transaction, now: datetime) -> int:
    """Send every merged email whose window has closed; how many."""
    drop_unwanted(tx)
    groups = tx.execute(
        sa.select(mail_items.c.recipient, mail_items.c.kind)
        .where(mail_items.c.message_id.is_(None), mail_items.c.timing == "merged")
        .group_by(mail_items.c.recipient, mail_items.c.kind)
        .having(sa.func.min(mail_items.c.due_at) <= now).limit(BATCH)).all()
    sent = 0
    for recipient, kind in groups:
        items = _waiting(tx, sa.and_(mail_items.c.timing == "merged", mail_items.c.recipient == recipient,
                                     mail_items.c.kind == kind))
        if items:
            notices = [item["notice"] for item in items]
            send_message(tx, recipient, items[0]["name"], items[0]["user_id"] is not None, kind,
                         message_id_for(recipient, f"merged:{items[0]['id']}"), merged_subject(kind, notices),
                         notices, [item["id"] for item in items])
            sent += 1
    return sent


def send_digests(tx: Transaction, now: datetime) -> int:
    """Send today's digest to everyone with waiting digest items who has not had one today; how many."""
    day = PACING.digest_day(now)
    if day is None:
        return 0
    drop_unwanted(tx)
    had_one = sa.select(messages.c.recipient).where(messages.c.digest_day == day)
    recipients = tx.execute(
        sa.select(mail_items.c.recipient).distinct()
        .where(mail_items.c.message_id.is_(None), mail_items.c.timing == "digest",
               mail_items.c.recipient.not_in(had_one)).limit(BATCH)).scalars().all()
    sent = 0
    for recipient in recipients:
        items = _waiting(tx, sa.and_(mail_items.c.timing == "digest", mail_items.c.recipient == recipient))
        if items:
            notices = [item["notice"] for item in items]
            send_message(tx, recipient, items[-1]["name"], True, "digest",
                         message_id_for(recipient, f"digest:{day.isoformat()}"), digest_subject(notices, day),
                         notices, [item["id"] for item in items], digest_day=day, intro=DIGEST_INTRO)
            sent += 1
    return sent
