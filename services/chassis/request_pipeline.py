"""How a service entrypoint runs a caller's request: scope, body, one transaction.

Roles are not checked here: each domain function checks its own
(``caller.require``), the one place that says who may do what, so a direct
call is as guarded as an RPC. ``change`` takes a body, ``act`` is a change
without one (publish, cancel, accept), ``read`` runs in a read-only
transaction. Every change and act writes its audit row (services/chassis/audit.py)
in its own transaction, once per idempotency key.
"""
from typing import Callable

from marshmallow import Schema

from services.chassis import audit
from services.chassis.database import UnitOfWork
from services.chassis.idempotency import run_once
from services.chassis.scope import CallerScope
from services.chassis.transaction import Transaction
from services.chassis.validation import load


def change(db: UnitOfWork, scope: dict, schema: Schema, data: dict,
           make_change: Callable[[Transaction, CallerScope, dict], dict],
           idempotency_key: str | None = None, operation: str = "") -> dict:
    """Check the body (422), then make the change once per idempotency key."""
    caller = CallerScope.from_dict(scope)
    payload = load(schema, data)
    remembered = {k: v for k, v in payload.items() if k != "password"}  # no secret in the key table
    with db.transaction() as tx:
        return run_once(tx, caller.user_id, idempotency_key, operation, remembered,
                        lambda: audited(db, tx, caller, make_change(tx, caller, payload)))


def act(db: UnitOfWork, scope: dict, make_change: Callable[[Transaction, CallerScope], dict],
        idempotency_key: str | None = None, operation: str = "") -> dict:
    """Make a change that has no body, once per idempotency key."""
    caller = CallerScope.from_dict(scope)
    with db.transaction() as tx:
        return run_once(tx, caller.user_id, idempotency_key, operation, {},
                        lambda: audited(db, tx, caller, make_change(tx, caller)))


def audited(db: UnitOfWork, tx: Transaction, caller: CallerScope, result: dict) -> dict:
    """``result`` of a write, once its audit row is written in the same transaction."""
    audit.record(tx, caller, db.action, result)
    return result


def read(db: UnitOfWork, scope: dict, reader: Callable[[Transaction, CallerScope], dict]) -> dict:
    """Run ``reader`` in a read-only transaction: a reader that writes fails."""
    caller = CallerScope.from_dict(scope)
    with db.transaction(read_only=True) as tx:
        return reader(tx, caller)


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
