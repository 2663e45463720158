"""What the list indexes cost each booking's INSERT, at volume.

Inserts the same bookings (confirmed, on courses drawn from the loaded ones) in one
INSERT … SELECT, rolled back each time: once with courses' indexes as they are, once
with the bookings' list indexes dropped and ix_bookings_school_urn back as before
(inside the rolled-back transaction). The difference per row is the database's
time the list indexes add to a booking; a booking through the gateway costs
milliseconds (README, "Where a booking's milliseconds go").
"""
import time

import sqlalchemy as sa

LIST_INDEXES = ("ix_bookings_created", "ix_bookings_course_created", "ix_bookings_school_created")
BEFORE = "CREATE INDEX ix_bookings_school_urn ON bookings (school_urn)"
INSERT = """
    INSERT INTO bookings (course_id, school_urn, participant_name, participant_email, status, price_pence,
                          member_price, booked_by, created_at)
    SELECT (CAST(:courses AS uuid[]))[1 + (hashint4(n) & 2147483647) % cardinality(CAST(:courses AS uuid[]))],
           (500000 + (hashint4(n + 7) & 2147483647) % 100000)::text, 'Cost Participant',
           'cost-' || n || '@bulk.test', 'confirmed', 9000, true, 'bench', clock_timestamp()
    FROM generate_series(1, :rows) n"""


def _timed_insert(engine: sa.Engine, courses: list[str], rows: int, without_list_indexes: bool) -> float:
    with engine.connect() as conn:
        transaction = conn.begin()
        try:
            if without_list_indexes:
                for name in LIST_INDEXES:
                    conn.execute(sa.text(f"DROP INDEX {name}"))
                conn.execute(sa.text(BEFORE))
            began = time.perf_counter()
            conn.execute(sa.text(INSERT), {"courses": courses, "rows": rows})
            return time.perf_counter() - began
        finally:
            transaction.rollback()


def booking_insert_cost(engine: sa.Engine, rows: int = 20_000, rounds: int = 3) -> str:
    """µs per booking INSERT with and without the list indexes (best of ``rounds`` each, alternating)."""
    with engine.connect() as conn:
        courses = [str(c) for c in conn.execute(sa.text(
            "SELECT id FROM courses WHERE status = 'published' ORDER BY id LIMIT 10000")).scalars()]
    with_indexes, without = [], []
    for _ in range(rounds):
        with_indexes.append(_timed_insert(engine, courses, rows, without_list_indexes=False))
        without.append(_timed_insert(engine, courses, rows, without_list_indexes=True))
    now, before = min(with_indexes) / rows * 1e6, min(without) / rows * 1e6
    return (f"a booking's INSERT at volume (best of {rounds} x {rows:,} rows, rolled back): {now:.1f} µs of the "
            f"database's time with the list indexes, {before:.1f} µs with those of before: "
            f"+{now - before:.1f} µs ({now / before - 1:+.0%})")
