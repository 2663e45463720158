"""How a service entrypoint runs a caller's request: scope, role, body, one transaction."""
from typing import Callable

from marshmallow import Schema

from services.chassis.database import Transaction, UnitOfWork
from services.chassis.idempotency import run_once
from services.chassis.scope import CallerScope, Role
from services.chassis.validation import load


def change(db: UnitOfWork, scope: dict, roles: tuple[Role, ...], schema: Schema, data: dict,
           make_change: Callable[[Transaction, CallerScope, dict], dict],
           idempotency_key: str | None = None, operation: str = "") -> dict:
    """Check the role (403), then the body (422), then make the change once per idempotency key."""
    caller = CallerScope.from_dict(scope)
    caller.require(*roles)
    payload = load(schema, data)
    remembered = {k: v for k, v in payload.items() if k != "password"}  # no secret in the key table
    with db.transaction() as tx:
        return run_once(tx, caller.user_id, idempotency_key, operation, remembered,
                        lambda: make_change(tx, caller, payload))


def read(db: UnitOfWork, scope: dict, reader: Callable[[Transaction, CallerScope], dict]) -> dict:
    caller = CallerScope.from_dict(scope)
    with db.transaction() as tx:
        return reader(tx, caller)


def contains(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
