"""Idempotent event handlers: each event takes effect once, or is parked.

``@idempotent_handler(catalogue, event_types)`` makes a nameko event handler
for one or several event types of one publisher, whose effect runs in one
transaction with an inbox row ``(event_id, handler)``: a redelivered event
finds the row and is skipped. An event whose envelope or payload breaks the
publisher's contract (services/chassis/event_contracts.py) is parked at once
with that reason, untouched: retrying cannot mend it. A handler that raises
is retried with backoff; after the last attempt the event is parked with its
error, where ``list_parked`` shows it and ``replay`` runs it again.
"""
import functools
import logging
from enum import Enum
from typing import Any, Callable, Sequence

import eventlet
import sqlalchemy as sa
from nameko.events import SERVICE_POOL, event_handler
from sqlalchemy.dialects.postgresql import insert

from services.chassis import audit
from services.chassis.errors import Conflict, NotFound
from services.chassis.event_contracts import EventCatalogue, envelope_refused
from services.chassis.scope import CallerScope
from services.chassis.tables import CHASSIS

log = logging.getLogger(__name__)
inbox = CHASSIS.tables["inbox"]
parked = CHASSIS.tables["parked_events"]

# Plain SQL: SQLAlchemy does not cache PostgreSQL's INSERT .. ON CONFLICT.
RECORD_IN_INBOX = sa.text("INSERT INTO inbox (event_id, handler) VALUES (:event_id, :handler)"
                          " ON CONFLICT DO NOTHING RETURNING event_id")
ATTEMPTS = 4
BASE_DELAY = 0.2


class Outcome(str, Enum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    PARKED = "parked"


def handle_event(
    db: Any, handler: str, envelope: dict, effect: Callable[[Any], None],
    attempts: int = ATTEMPTS, base_delay: float = BASE_DELAY,
) -> Outcome:
    """Run ``effect(tx)`` once for this event and handler, retrying, then parking."""
    error = ""
    for attempt in range(1, attempts + 1):
        try:
            with db.transaction(correlation_id=envelope.get("correlation_id")) as tx:
                first = tx.execute(RECORD_IN_INBOX, {"event_id": envelope["event_id"],
                                                     "handler": handler}).first()
                if first is None:
                    return Outcome.DUPLICATE
                effect(tx)
            return Outcome.HANDLED
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("handler %s failed on event %s (attempt %s/%s): %s",
                        handler, envelope.get("event_id"), attempt, attempts, error)
            if attempt < attempts:
                eventlet.sleep(base_delay * 4 ** (attempt - 1))
    with db.transaction() as tx:
        park(tx, handler, envelope, error, attempts)
    log.error("handler %s parked event %s", handler, envelope.get("event_id"))
    return Outcome.PARKED


def park_refused(db: Any, handler: str, envelope: Any, reason: str) -> Outcome:
    """Park an event that breaks its contract, without applying or retrying it."""
    kept = envelope if isinstance(envelope, dict) else {"body": envelope}
    with db.transaction() as tx:
        park(tx, handler, kept, reason, 0)
    log.error("handler %s parked event %s: %s", handler, kept.get("event_id"), reason[:200])
    return Outcome.PARKED


def park(tx: Any, handler: str, envelope: dict, error: str, attempts: int) -> None:
    statement = insert(parked).values(
        event_id=str(envelope.get("event_id") or "no event id")[:36], handler=handler, envelope=envelope,
        error=error[:4000], attempts=attempts,
    )
    tx.execute(statement.on_conflict_do_update(
        constraint="uq_parked_event_handler",
        set_={"error": statement.excluded.error,
              "attempts": parked.c.attempts + statement.excluded.attempts,
              "parked_at": sa.func.now(), "replayed_at": None},
    ))


def idempotent_handler(source: str | EventCatalogue, event_types: str | Sequence[str],
                       attempts: int = ATTEMPTS) -> Callable:
    """Decorate ``method(self, tx, envelope)`` as an idempotent handler of ``event_types``.

    ``source`` is the publisher's ``EventCatalogue`` (its events are checked
    against their contracts) or, for a publisher without one, its name. The
    service must have a ``db`` dependency (the chassis ``Database``).
    """
    catalogue = source if isinstance(source, EventCatalogue) else None
    publisher = catalogue.source if catalogue else source
    types = [event_types] if isinstance(event_types, str) else list(event_types)

    def decorator(method: Callable) -> Callable:
        @functools.wraps(method)
        def handler(self: Any, envelope: dict, attempts: int = attempts) -> Outcome:
            refused = catalogue.why_refused(envelope) if catalogue else envelope_refused(envelope)
            if refused:
                return park_refused(self.db, method.__name__, envelope, refused)
            return handle_event(self.db, method.__name__, envelope,
                                lambda tx: method(self, tx, envelope), attempts=attempts)
        for event_type in types:  # one queue per type: evt-<source>-<type>--<service>.<method>
            handler = event_handler(publisher, event_type, handler_type=SERVICE_POOL,
                                    reliable_delivery=True)(handler)
        return handler
    return decorator


def list_parked(db: Any, include_replayed: bool = False) -> list[dict]:
    query = sa.select(parked).order_by(parked.c.id)
    if not include_replayed:
        query = query.where(parked.c.replayed_at.is_(None))
    with db.transaction() as tx:
        rows = tx.execute(query).mappings().all()
    return [_parked_dict(row) for row in rows]


def replay(service: Any, caller: CallerScope, parked_id: int) -> dict:
    """Run a parked event through its handler again (once, no retries); audited once it is no longer parked."""
    with service.db.transaction() as tx:
        row = tx.execute(sa.select(parked).where(
            parked.c.id == parked_id, parked.c.replayed_at.is_(None))).mappings().first()
    if row is None:
        raise NotFound(f"no parked event {parked_id}")
    handler = getattr(service, row["handler"], None)
    if handler is None:
        raise Conflict(f"the handler {row['handler']} no longer exists; the event waits for an operator")
    outcome = handler(row["envelope"], attempts=1)
    if outcome is not Outcome.PARKED:
        with service.db.transaction() as tx:
            tx.execute(sa.update(parked).where(parked.c.id == parked_id)
                       .values(replayed_at=sa.func.now()))
            tx.audit_change("outcome", Outcome.PARKED.value, outcome.value)
            audit.record(tx, caller, "replay_parked_event", {"id": parked_id})
    return {"id": parked_id, "event_id": row["event_id"], "handler": row["handler"],
            "outcome": outcome.value}


def _parked_dict(row: Any) -> dict:
    return {
        "id": row["id"], "event_id": row["event_id"], "handler": row["handler"],
        "event_type": row["envelope"].get("event_type"), "error": row["error"],
        "attempts": row["attempts"], "parked_at": row["parked_at"].isoformat(),
        "replayed_at": row["replayed_at"].isoformat() if row["replayed_at"] else None,
    }
