"""The in-app feed: each caller reads and marks only their own notifications."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from services.chassis.errors import NotFound
from services.chassis.fields import parse_uuid
from services.chassis.pagination import paginate
from services.chassis.scope import CallerScope
from services.chassis.transaction import Transaction
from services.notifications.models import notifications, preferences
from services.notifications.schemas import Notification

NOTIFICATION = Notification()
_UNREAD = sa.select(sa.func.count()).select_from(notifications)


def _unread(tx: Transaction, user_id: str) -> int:
    return tx.execute(_UNREAD.where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))).scalar()


def feed(tx: Transaction, caller: CallerScope, query: dict) -> dict:
    """Newest first; ``unread`` counts all the caller's unread ones."""
    wanted = sa.select(notifications).where(notifications.c.user_id == caller.user_id)
    if query.get("unread"):
        wanted = wanted.where(notifications.c.read_at.is_(None))
    page = paginate(tx, wanted, [notifications.c.rank],
                    {k: query[k] for k in ("limit", "cursor") if query.get(k) is not None}, NOTIFICATION.dump)
    return {**page, "unread": _unread(tx, caller.user_id)}


def mark_read(tx: Transaction, caller: CallerScope, notification_id: str) -> dict:
    """Mark one read (again is harmless); another person's notification is 404."""
    found = parse_uuid(notification_id) and tx.execute(
        sa.update(notifications).where(notifications.c.id == parse_uuid(notification_id),
                                       notifications.c.user_id == caller.user_id)
        .values(read_at=sa.func.coalesce(notifications.c.read_at, sa.func.now()))
        .returning(*notifications.c)).mappings().first()
    if not found:
        raise NotFound("no such notification")
    return NOTIFICATION.dump(found)


def mark_all_read(tx: Transaction, caller: CallerScope) -> dict:
    marked = tx.execute(sa.update(notifications).where(
        notifications.c.user_id == caller.user_id, notifications.c.read_at.is_(None)
    ).values(read_at=sa.func.now())).rowcount
    return {"marked": marked, "unread": 0}


def get_preferences(tx: Transaction, caller: CallerScope) -> dict:
    chosen = tx.execute(sa.select(preferences.c.email).where(preferences.c.user_id == caller.user_id)).scalar()
    return {"email": chosen or "immediate"}


def set_preferences(tx: Transaction, caller: CallerScope, data: dict) -> dict:
    statement = insert(preferences).values(user_id=caller.user_id, email=data["email"])
    tx.execute(statement.on_conflict_do_update(index_elements=["user_id"],
                                               set_={"email": statement.excluded.email, "updated_at": sa.func.now()}))
    return {"email": data["email"]}
