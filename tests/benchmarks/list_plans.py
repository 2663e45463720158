"""EXPLAIN of each list's query, exactly as the service issues it.

The service's own domain function (``list_bookings``, ``list_referrals``, …) runs
here against the service's database with the caller's scope and page; a
``before_cursor_execute`` hook keeps each statement and its parameters as sent to
PostgreSQL. The page's statement (the one with a LIMIT) is then run again under
``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` and its plan judged: a keyset page
must be read through an index under a LIMIT, with no Seq Scan of a big table, no
bitmap scan fetching more than a few pages' rows, no Sort of more than that, and
no scan reading thousands of rows for one page (as a merge join reading a
joined table from its start up to the page would).
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import sqlalchemy as sa

from services.chassis.transaction import Transaction

BIG_TABLE_ROWS = 10_000  # a table this big must not be read whole for one page
MOST_ROWS_SORTED = 1_000  # a merge of a few pages' keys, not a table
MOST_ROWS_READ = 5_000  # a page may pass over other tenants' rows in an index, not read up to its depth
SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan")


@dataclass
class ListCall:
    name: str  # "GET /api/v1/bookings as alliance staff, page 20"
    service: str  # whose database
    run: Callable[[Transaction], Any]  # the service's domain function, called as its entrypoint does


@dataclass
class Verdict:
    name: str
    statements: int
    execution_ms: float = 0.0
    scans: list[str] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.faults

    def report(self) -> str:
        said = "PASS" if self.passed else "MISSED: " + "; ".join(self.faults)
        return (f"{self.name}: {said}\n    {self.statements} statements; the page's ran in {self.execution_ms:.1f} ms: "
                + ", ".join(self.scans))


def issued(engine: sa.Engine, call: ListCall) -> list[tuple[str, Any]]:
    """Every statement (with its parameters) the domain function sends, in a read-only transaction."""
    sent: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        sent.append((statement, parameters))

    with engine.connect() as conn:
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            sa.event.listen(conn, "before_cursor_execute", keep)
            try:
                call.run(Transaction(conn, None))
            finally:
                sa.event.remove(conn, "before_cursor_execute", keep)
    return sent


def _nodes(plan: dict, depth: int = 0) -> Iterator[tuple[dict, int]]:
    yield plan, depth
    for child in plan.get("Plans", []):
        yield from _nodes(child, depth + 1)


def _rows_read(node: dict) -> int:
    """Rows a node read: those it passed on and those its filter removed, over all its loops."""
    kept = node.get("Actual Rows", node.get("Plan Rows", 0))
    removed = node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return int((kept + removed) * node.get("Actual Loops", 1))


def big_tables(engine: sa.Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= :rows"),
                                {"rows": BIG_TABLE_ROWS}).scalars())


def judge(name: str, plan: dict, big: set[str], statements: int) -> Verdict:
    """Is this an index scan under a LIMIT, with nothing that reads a big table whole?"""
    verdict = Verdict(name, statements, plan.get("Execution Time", 0.0))
    root = plan["Plan"]
    limited = any(node["Node Type"] == "Limit" for node, depth in _nodes(root))
    indexed = reads_big = False
    for node, depth in _nodes(root):
        kind, table = node["Node Type"], node.get("Relation Name")
        rows = _rows_read(node)
        if kind in SCANS and table:
            where = f" using {node['Index Name']}" if node.get("Index Name") else ""
            verdict.scans.append(f"{kind} on {table}{where} ({rows:,} rows)")
            indexed |= kind in ("Index Scan", "Index Only Scan") and table in big
            reads_big |= table in big
            if table in big and rows > MOST_ROWS_READ:
                verdict.faults.append(f"{rows:,} rows read from {table}")
        if table in big and kind == "Seq Scan":
            verdict.faults.append(f"Seq Scan on {table}")
        if table in big and kind == "Bitmap Heap Scan" and rows > MOST_ROWS_SORTED:
            verdict.faults.append(f"bitmap scan of {rows:,} rows of {table}")
        if kind == "Sort":
            sorted_rows = sum(c.get("Actual Rows", c.get("Plan Rows", 0)) * c.get("Actual Loops", 1)
                              for c in node.get("Plans", []))
            if sorted_rows > MOST_ROWS_SORTED:
                verdict.faults.append(f"Sort of {sorted_rows:,} rows")
    if not limited:
        verdict.faults.append("no LIMIT")
    if reads_big and not indexed:
        verdict.faults.append("no index scan of a big table")
    return verdict


def explain(engine: sa.Engine, call: ListCall, big: set[str]) -> Verdict:
    """Run ``call``, then EXPLAIN ANALYZE the page's statement (the one with a LIMIT) as it was sent."""
    sent = issued(engine, call)
    paged = [(statement, parameters) for statement, parameters in sent if " LIMIT " in statement]
    if not paged:
        return Verdict(call.name, len(sent), faults=["no statement with a LIMIT"])
    statement, parameters = paged[0]
    with engine.connect() as conn:
        with conn.begin():
            plan = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}",
                                        parameters).scalar()[0]
    return judge(call.name, plan, big, len(sent))
