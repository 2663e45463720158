"""Idempotency keys: the same key from the same caller returns the first response."""
import hashlib
import json
from typing import Any, Callable

import sqlalchemy as sa

from services.chassis.errors import Conflict, ValidationFailed
from services.chassis.tables import CHASSIS

keys = CHASSIS.tables["idempotency_keys"]
MAX_KEY_LENGTH = 255
MAX_OPERATION_LENGTH = 64  # the column's width
# Plain SQL: SQLAlchemy does not cache PostgreSQL's INSERT .. ON CONFLICT.
CLAIM_KEY = sa.text("INSERT INTO idempotency_keys (caller_id, key, operation, request_hash)"
                    " VALUES (:caller_id, :key, :operation, :request_hash)"
                    " ON CONFLICT DO NOTHING RETURNING key")


def stored_operation(operation: str) -> str:
    """``operation`` as the table holds it: one too long for the column (from a path) by its hash."""
    if len(operation) <= MAX_OPERATION_LENGTH:
        return operation
    return "sha256:" + hashlib.sha256(operation.encode("utf-8", "surrogatepass")).hexdigest()[:57]


def run_once(
    tx: Any, caller_id: str, key: str | None, operation: str, request: Any,
    create: Callable[[], dict],
) -> dict:
    """Run ``create`` unless this caller already used ``key``; then return its response.

    The key row is inserted first, in the same transaction as the creation: a
    concurrent request with the same key waits on it and then reads the
    committed response, so any number of retries create one thing.
    """
    if not key:
        return create()
    operation = stored_operation(operation)
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed("Idempotency-Key is too long",
                               {"Idempotency-Key": [f"at most {MAX_KEY_LENGTH} characters"]})
    digest = hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
    claimed = tx.execute(CLAIM_KEY, {"caller_id": caller_id, "key": key, "operation": operation,
                                     "request_hash": digest}).first()
    if claimed is None:
        row = tx.execute(sa.select(keys).where(keys.c.caller_id == caller_id, keys.c.key == key)).first()
        if row.operation != operation or row.request_hash != digest:
            raise Conflict("this Idempotency-Key was already used for a different request")
        return row.response
    response = create()
    tx.execute(sa.update(keys).where(keys.c.caller_id == caller_id, keys.c.key == key)
               .values(response=response))
    return response
