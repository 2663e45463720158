"""GET lists from ~1k rows to 1M bookings: each page's p99 within 1.5× (issue 12).

Starts its own stack on fresh databases and a fresh vhost and seeds a small world
through the gateway (list_world.py: ~1,000 bookings, referrals, members, 300
courses). For each list (courses, bookings, a course's bookings, an alliance's
members, referrals) and several callers (the platform admin and scoped roles) it
measures the first page and a deep page, reached by following ``next_cursor``,
each --requests times from one keep-alive client (each request's own time).
Then it loads the volume straight into the services' databases (list_volume.py:
1M bookings on 100,000 courses, ~120,000 memberships, 200,000 referrals and
their deployments), runs VACUUM ANALYZE, and measures the same pages again
(the deep one deeper, as far as --hops pages of 200). It prints per page p50/p99
at both volumes, the ratio of the p99s against 1.5× (PASS/MISSED), EXPLAIN of
each list's query as its service issues it at volume (list_plans.py), what the
list indexes cost a booking's INSERT (list_insert_cost.py) and the reference loop.
It prints; it asserts nothing.

    make bench-lists   # or: .venv/bin/python -m tests.benchmarks.bench_lists --requests 200 --hops 50
"""
import argparse
import os
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

import requests
import sqlalchemy as sa

from services.chassis.transaction import Transaction
from services.chassis.validation import load
from services.courses import bookings, catalogue
from services.courses import schemas as course_schemas
from services.membership import memberships
from services.membership import schemas as membership_schemas
from services.support import referrals
from services.support import schemas as support_schemas
from tests.benchmarks import list_plans, list_volume
from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.list_insert_cost import booking_insert_cost
from tests.benchmarks.list_world import SeededWorld, seed
from tests.benchmarks.measure import reference_loop_seconds, run_load

TARGET_RATIO = 1.5
HOP_SIZES = (200, 50)  # the pages followed to reach the deep one (50 for a short list); those measured: 50

ListPage = Callable[[Transaction, dict | None], dict]


@dataclass(frozen=True)
class ListCase:
    path: str  # with {alliance} and {course} for the measured alliance and course
    callers: tuple[str, ...]
    service: str  # whose database it reads
    domain: Callable[[SeededWorld, object], ListPage]  # the service's function, as its entrypoint calls it

    def url(self, seeded: SeededWorld) -> str:
        return self.path.format(alliance=seeded.world.busy_alliance, course=seeded.world.busy_course)


LISTS = [
    ListCase("/api/v1/courses", ("admin", "alliance staff", "school user"), "courses",
             lambda seeded, scope: lambda tx, page: catalogue.list_courses(
                 tx, scope, load(course_schemas.CourseFilters(), {}), page)),
    ListCase("/api/v1/bookings", ("admin", "coordinator", "alliance staff", "school user"), "courses",
             lambda seeded, scope: lambda tx, page: bookings.list_bookings(
                 tx, scope, load(course_schemas.BookingFilters(), {}), page)),
    ListCase("/api/v1/courses/{course}/bookings", ("alliance staff",), "courses",
             lambda seeded, scope: lambda tx, page: bookings.list_course_bookings(
                 tx, scope, seeded.world.busy_course, load(course_schemas.BookingFilters(), {}), page)),
    ListCase("/api/v1/alliances/{alliance}/members", ("admin", "alliance staff"), "membership",
             lambda seeded, scope: lambda tx, page: memberships.list_members(
                 tx, scope, seeded.world.busy_alliance, load(membership_schemas.MemberFilters(), {}), page)),
    ListCase("/api/v1/referrals", ("admin", "coordinator", "alliance staff", "school user"), "support",
             lambda seeded, scope: lambda tx, page: referrals.list_referrals(
                 tx, scope, load(support_schemas.ReferralFilters(), {}), page)),
]
DATABASES = {"courses": "COURSES_DB_URL", "membership": "MEMBERSHIP_DB_URL", "support": "SUPPORT_DB_URL"}
TABLES = [("courses", "bookings"), ("courses", "courses"), ("membership", "memberships"), ("support", "referrals")]


@dataclass
class Measured:
    p50: float
    p99: float
    depth: int  # rows before the page
    errors: int


def deep_cursor(base: str, token: str, path: str, hops: int) -> tuple[str | None, int]:
    """A cursor deep in the list, by following next_cursor (pages of 200, of 50 when that gives fewer
    than two): after ``hops`` pages when a page more follows, else half way; and how many rows come
    before it (None, 0: the list is one page)."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    for size in HOP_SIZES:
        cursors, cursor = [], None
        for _ in range(hops + 1):
            query = {"limit": size, **({"cursor": cursor} if cursor else {})}
            answer = http.get(f"{base}{path}?{urlencode(query)}")
            answer.raise_for_status()
            cursor = answer.json()["next_cursor"]
            if not cursor:
                break
            cursors.append(cursor)
        if len(cursors) >= 2:
            break
    if not cursors:
        return None, 0
    at = hops - 1 if len(cursors) > hops else len(cursors) // 2
    return cursors[at], (at + 1) * size


def measure(base: str, token: str, path: str, requests_per_page: int) -> tuple[float, float, int]:
    """p50 and p99 (ms) of ``path`` from one keep-alive client, after a warm-up; and answers other than 200."""
    run_load(base, token, "warm-up", 1, 60, lambda c, n: ("GET", path, None), count=10)
    result = run_load(base, token, path, 1, 600, lambda c, n: ("GET", path, None), count=requests_per_page)
    return result.percentile(0.50), result.percentile(0.99), sum(n for s, n in result.statuses.items() if s != 200)


def measure_all(base: str, seeded: SeededWorld, requests_per_page: int, hops: int,
                cursors: dict) -> dict[tuple, Measured]:
    """Every list's first and deep page for each of its callers; ``cursors`` gets the deep pages' cursors."""
    found = {}
    for case in LISTS:
        for name in case.callers:
            token, path = seeded.callers[name].token, case.url(seeded)
            cursor, depth = deep_cursor(base, token, path, hops)
            cursors[case.path, name] = cursor
            deep = f"{path}?{urlencode({'cursor': cursor})}" if cursor else None
            for page, where in (("first", path), ("deep", deep)):
                if where is None:
                    continue
                p50, p99, errors = measure(base, token, where, requests_per_page)
                found[case.path, name, page] = Measured(p50, p99, depth if page == "deep" else 0, errors)
    return found


def table_sizes(engines: dict[str, sa.Engine]) -> str:
    counts = []
    for service, table in TABLES:
        with engines[service].connect() as conn:
            counts.append(f"{table} {conn.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar():,}")
    return ", ".join(counts)


def report(small: dict[tuple, Measured], large: dict[tuple, Measured]) -> int:
    """The table of both volumes side by side; returns how many pages missed the target."""
    print(f"\n{'list':<38} {'caller':<15} {'page (rows before it)':<22} {'small p50/p99 ms':>17} "
          f"{'large p50/p99 ms':>17} {'p99 ratio':>9}  target <= {TARGET_RATIO}x")
    missed = 0
    for key, after in large.items():
        path, caller, page = key
        before = small.get(key)
        where = "first"
        if page == "deep":
            where = f"deep ({before.depth:,} / {after.depth:,})" if before else f"deep (- / {after.depth:,})"
        if before is None:
            print(f"{path:<38} {caller:<15} {where:<22} {'-':>17} {after.p50:>7.1f} / {after.p99:<7.1f}")
            continue
        ratio = after.p99 / before.p99
        verdict = "PASS" if ratio <= TARGET_RATIO and not (before.errors or after.errors) else "MISSED"
        missed += verdict == "MISSED"
        errors = f" ({before.errors + after.errors} answers not 200)" if before.errors or after.errors else ""
        print(f"{path:<38} {caller:<15} {where:<22} {before.p50:>7.1f} / {before.p99:<7.1f} "
              f"{after.p50:>7.1f} / {after.p99:<7.1f} {ratio:>8.2f}x  {verdict}{errors}")
    return missed


def explain_all(engines: dict[str, sa.Engine], seeded: SeededWorld, cursors: dict) -> int:
    """EXPLAIN ANALYZE of every list's page query as its service issues it; returns how many missed."""
    print("\nEXPLAIN at volume (each list's query as the service issues it for the caller):")
    big = {service: list_plans.big_tables(engine) for service, engine in engines.items()}
    missed = 0
    for case in LISTS:
        for name in case.callers:
            scope = seeded.callers[name].scope
            page_of = case.domain(seeded, scope)
            cursor = cursors.get((case.path, name))
            for page, wanted in (("first", None), ("deep", {"cursor": cursor} if cursor else None)):
                if page == "deep" and wanted is None:
                    continue
                call = list_plans.ListCall(f"{case.path} as {name}, {page} page", case.service,
                                           lambda tx, wanted=wanted, page_of=page_of: page_of(tx, wanted))
                verdict = list_plans.explain(engines[case.service], call, big[case.service])
                missed += not verdict.passed
                print(f"  {verdict.report()}")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per page measured")
    parser.add_argument("--hops", type=int, default=50, help="pages of 200 followed to reach the deep page")
    parser.add_argument("--scale", type=float, default=1.0, help="of the volume loaded (1: 1M bookings)")
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()
    volume = list_volume.Volume(
        schools=int(100_000 * args.scale) // 50 * 50, leaders=int(10_000 * args.scale),
        courses=int(100_000 * args.scale), busy_course_bookings=int(5_000 * args.scale),
        referrals=int(200_000 * args.scale))

    with bench_stack(args.workers) as (stack, admin_token):
        began = time.perf_counter()
        print(f"stack up at {stack.base_url}; MAX_WORKERS={args.workers}; {os.cpu_count()} cores")
        seeded = seed(stack.base_url, admin_token)
        engines = {service: sa.create_engine(stack.host_env[setting]) for service, setting in DATABASES.items()}
        for engine in engines.values():
            list_volume.vacuum_analyze(engine)
        print(f"small volume: {table_sizes(engines)}")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
        cursors: dict = {}
        small = measure_all(stack.base_url, seeded, args.requests, args.hops, cursors)

        print(f"loading the volume straight into the services' databases ({volume})")
        loading = time.perf_counter()
        for service, loader in (("membership", list_volume.load_membership), ("courses", list_volume.load_courses),
                                ("support", list_volume.load_support)):
            loader(engines[service], seeded.world, volume)
            list_volume.vacuum_analyze(engines[service])
        list_volume.checkpoint(engines["courses"])
        print(f"loaded and analyzed in {time.perf_counter() - loading:.0f}s; large volume: {table_sizes(engines)}")
        print(f"reference loop at volume: {reference_loop_seconds():.2f} s")
        large = measure_all(stack.base_url, seeded, args.requests, args.hops, cursors)

        missed = report(small, large)
        print(f"{len(large) - missed} of {len(large)} pages within {TARGET_RATIO}x; {missed} MISSED")
        plans_missed = explain_all(engines, seeded, cursors)
        print(f"plans: {plans_missed or 'none'} MISSED")
        print(booking_insert_cost(engines["courses"]))
        print(f"reference loop after: {reference_loop_seconds():.2f} s; the benchmark took "
              f"{time.perf_counter() - began:.0f}s")
        for engine in engines.values():
            engine.dispose()


if __name__ == "__main__":
    main()
