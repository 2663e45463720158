"""One database transaction and the request it belongs to."""
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class Transaction:
    """One database transaction and the request it belongs to.

    Domain functions take a Transaction, run their statements on it and
    write their events to the outbox through it, so the change and its
    events commit or roll back together.
    """

    def __init__(self, conn: Connection, correlation_id: str | None) -> None:
        self.conn = conn
        self.correlation_id = correlation_id
        self.events_written = 0
        self.deliveries_written = 0
        self.audited: dict[str, dict] = {}

    def audit_change(self, field: str, before: Any, after: Any) -> None:
        """Note for the audit log that ``field`` went from ``before`` to ``after`` (if it did).

        Only what an operator must be able to trace (roles, flags, statuses, tiers,
        prices): never a password, token or personal free text.
        """
        if before != after:
            self.audited[field] = {"before": before, "after": after}

    def execute(self, statement: Any, params: Any = None) -> sa.CursorResult:
        return self.conn.execute(statement, params)
