"""One database transaction and the request it belongs to."""
from contextlib import contextmanager
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class Transaction:
    """One database transaction and the request it belongs to.

    Domain functions take a Transaction, run their statements on it and
    write their events to the outbox through it, so the change and its
    events commit or roll back together.

    Rows that nothing reads back before commit (outbox events, audit rows, deliveries)
    are ``append``-ed. A ``deferred`` transaction (every unit of work's)
    keeps them and writes them all in one statement just before commit, so
    they cost no round trip of their own; otherwise they are written at once.
    """

    def __init__(self, conn: Connection, correlation_id: str | None, deferred: bool = False) -> None:
        self.conn = conn
        self.correlation_id = correlation_id
        self.events_written = 0
        self.deliveries_written = 0
        self.audited: dict[str, dict] = {}
        self._appends: list[tuple[sa.TableClause, dict]] | None = [] if deferred else None

    def audit_change(self, field: str, before: Any, after: Any) -> None:
        """Note for the audit log that ``field`` went from ``before`` to ``after`` (if it did).

        Only what an operator must be able to trace (roles, flags, statuses, tiers,
        prices): never a password, token or personal free text.
        """
        if before != after:
            self.audited[field] = {"before": before, "after": after}

    def execute(self, statement: Any, params: Any = None) -> sa.CursorResult:
        return self.conn.execute(statement, params)

    def append(self, table: sa.TableClause, row: dict) -> None:
        """Insert ``row`` into ``table`` in this transaction (see the class docstring)."""
        if self._appends is None:
            self.execute(sa.insert(table).values(row))
        else:
            self._appends.append((table, row))

    def take_appends(self) -> sa.Insert | None:
        """One statement inserting every row appended and not yet written (None if none), in order."""
        if not self._appends:
            return None
        by_table: dict[sa.TableClause, list[dict]] = {}
        for table, row in self._appends:
            by_table.setdefault(table, []).append(row)
        self._appends.clear()
        *first, last = [sa.insert(table).values(rows) for table, rows in by_table.items()]
        for n, insert in enumerate(first):
            last = last.add_cte(insert.cte(f"appended_{n}"))
        return last

    def flush(self) -> None:
        """Write the rows appended so far now."""
        statement = self.take_appends()
        if statement is not None:
            self.execute(statement)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: what runs in it, appended rows too, is undone if it raises."""
        self.flush()
        try:
            with self.conn.begin_nested():
                yield
                self.flush()
        except BaseException:
            if self._appends is not None:
                self._appends.clear()
            raise
