"""The audit log: who wrote what, when, in which request, and the before/after that matters.

Every service keeps its own ``audit_log`` (services/chassis/tables.py). The request
pipeline (``change``, ``act``) writes one row per write, in the write's transaction and
inside its idempotency guard, so a rolled-back write leaves no row and a replay adds none.
Domain functions add what changed with ``tx.audit_change(field, before, after)``: only
roles, flags, statuses, tiers and prices, never secrets or personal free text.
"""
import json
from typing import Any

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from services.chassis.fields import AwareDateTime, Text
from services.chassis.pagination import paginate
from services.chassis.scope import CallerScope
from services.chassis.tables import CHASSIS
from services.chassis.transaction import Transaction
from services.chassis.validation import load

audit_log = CHASSIS.tables["audit_log"]
WIDTH = 64  # of action, subject_type, subject_id and actor_id
# What a result names its subject by: an id, or a school's URN.
SUBJECT_KEYS = ("id", "urn")


class AuditFilters(Schema):
    action = Text(load_default=None, validate=validate.Length(max=WIDTH))
    actor_id = Text(load_default=None, validate=validate.Length(max=WIDTH))
    subject_id = Text(load_default=None, validate=validate.Length(max=WIDTH))
    since = AwareDateTime(load_default=None)


class AuditEntry(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.String()
    actor_role = fields.String()
    action = fields.String()
    subject_type = fields.String()
    subject_id = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    changes = fields.Dict(keys=fields.String(), values=fields.Dict())


ENTRY = AuditEntry()


def subject_type(action: str) -> str:
    """What an entrypoint writes, from its name: the words after its verb (``update_course``: course)."""
    verb, _, rest = action.partition("_")
    return (rest or verb)[:WIDTH]


def subject_id(result: Any) -> str | None:
    """The id (or URN) of what the write returned, if it returned one."""
    if not isinstance(result, dict):
        return None
    for key in SUBJECT_KEYS:
        if result.get(key) is not None:
            return str(result[key])[:WIDTH]
    return None


def as_json(changes: dict) -> dict:
    """``changes`` as JSON holds them: dates and enums by their text."""
    return json.loads(json.dumps(changes, default=str))


def record(tx: Transaction, caller: CallerScope, action: str, result: Any) -> None:
    """One audit row for the write ``action`` that ``caller`` made in ``tx``."""
    tx.append(audit_log, {
        "actor_id": caller.user_id[:WIDTH], "actor_role": caller.role.value, "action": action[:WIDTH],
        "subject_type": subject_type(action), "subject_id": subject_id(result),
        "request_id": tx.correlation_id, "changes": as_json(tx.audited),
    })


def list_entries(tx: Transaction, caller: CallerScope, filters: dict | None, page: dict | None) -> dict:
    """The newest entries first, for the platform admin only."""
    caller.require()
    wanted = load(AuditFilters(), filters or {})
    query = sa.select(audit_log)
    for name in ("action", "actor_id", "subject_id"):
        if wanted[name]:
            query = query.where(audit_log.c[name] == wanted[name])
    if wanted["since"]:
        query = query.where(audit_log.c.at >= wanted["since"])
    return paginate(tx, query, [audit_log.c.id], page, ENTRY.dump, descending=True)
