"""Booking rushes through the gateway: 20 and 50 keep-alive clients, thousands of bookings.

Starts its own stack on fresh databases and a fresh vhost, seeds two regions,
three alliances, 40 schools and 20 region-shared courses of 150 places per
rush, then runs three rushes of 20 s: 20 clients with notifications consuming
every booking event (and the time from each 201 to its email at the mail
sink), then, with notifications stopped, 20 clients and 50 clients. After
each it checks the invariants through the API (never more confirmed than
places; waitlist positions 1..n without gaps or duplicates; one live booking
per participant and course; every price right). It prints bookings/s, p50/p99
latency against the targets, CPU per booking of every process (PostgreSQL,
RabbitMQ and the benchmark's own clients too), each process's peak memory and
the reference loop.

    make bench        # or: .venv/bin/python -m tests.benchmarks.bench_bookings --clients 20 50 --seconds 20
    # where the time goes: --profile DIR (py-spy per process; pg_stat_statements when loaded)
"""
import argparse
import itertools
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from sqlalchemy.engine import make_url

from deploy.stack import Stack
from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import (
    CpuMeter,
    email_arrivals,
    peak_memory_mib,
    reference_loop_seconds,
    run_load,
    spread,
)
from tests.benchmarks.profiling import PySpy, statements_enabled, top_statements
from tests.mailbox import Mailbox

COURSES = 20
CAPACITY = 150


class Client:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict | None = None) -> dict:
        answer = self.http.post(self.base + path, json=body)
        answer.raise_for_status()
        return answer.json()

    def get(self, path: str, **params: object) -> dict:
        answer = self.http.get(self.base + path, params=params)
        answer.raise_for_status()
        return answer.json()

    def every(self, path: str, **params: object) -> list[dict]:
        items, cursor = [], None
        while True:
            page = self.get(path, limit=200, **params, **({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return items


def seed(api: Client, course_count: int = COURSES, capacity: int = CAPACITY) -> tuple[list[dict], list[str]]:
    emsyh = api.post("/api/v1/regions", {"name": "East Midlands, South Yorkshire and Humber", "code": "EMSYH"})
    north_west = api.post("/api/v1/regions", {"name": "North West", "code": "NW"})
    groups = {}
    for name, region, count in [("Affinity", emsyh, 15), ("Step", emsyh, 15), ("Mersey", north_west, 5)]:
        alliance = api.post("/api/v1/alliances", {"name": name, "region_id": region["id"],
                                                  "kind": "teaching_school_alliance"})
        groups[name] = alliance
    urns = []
    for n, (alliance, count) in enumerate([("Affinity", 15), ("Step", 15), ("Mersey", 5), (None, 5)]):
        for k in range(count):
            urn = f"{900000 + n * 100 + k}"
            api.post("/api/v1/schools", {"urn": urn, "name": f"School {urn}", "local_authority": "Leicestershire",
                                         "phase": "primary"})
            if alliance:
                api.post(f"/api/v1/alliances/{groups[alliance]['id']}/members", {"school_urn": urn, "tier": "partner"})
            urns.append(urn)
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    courses = []
    for n in range(course_count):
        alliance = groups["Affinity" if n % 2 == 0 else "Step"]
        body = {"alliance_id": alliance["id"], "title": f"Course {n}", "programme": "subject_cpd",
                "area": "cpd", "visibility": "region", "capacity": capacity, "price_member_pence": 9000,
                "price_non_member_pence": 14000, "cancellation_deadline_days": 7,
                "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=6)).isoformat()}]}
        for attempt in range(100):  # courses learns of the alliance from membership's events
            answer = api.http.post(api.base + "/api/v1/courses", json=body)
            if answer.status_code == 201:
                break
            time.sleep(0.1)
        courses.append(api.post(f"/api/v1/courses/{answer.json()['id']}/publish"))
    last = urns[-6]  # the last member school: once courses prices it as a member, the copies are in
    probe = courses[-1]["id"]
    for attempt in range(100):
        booked = api.post(f"/api/v1/courses/{probe}/bookings", {"school_urn": last, "participant": {
            "name": "Probe", "email": f"probe{attempt}@bench.test"}})
        api.post(f"/api/v1/bookings/{booked['id']}/cancel")
        if booked["member_price"]:
            break
        time.sleep(0.1)
    return courses, urns  # the first 30 are members of the courses' region


def check(api: Client, courses: list[dict], members: set[str]) -> dict:
    totals = Counter()
    for course in courses:
        after = api.get(f"/api/v1/courses/{course['id']}")
        bookings = api.every(f"/api/v1/courses/{course['id']}/bookings")
        live = [b for b in bookings if b["status"] in ("confirmed", "waitlisted")]
        confirmed = [b for b in live if b["status"] == "confirmed"]
        positions = sorted(b["waitlist_position"] for b in live if b["status"] == "waitlisted")
        assert len(confirmed) == after["confirmed_count"] <= after["capacity"], course["id"]
        assert positions == list(range(1, len(positions) + 1)), course["id"]
        assert len({b["participant"]["email"].lower() for b in live}) == len(live), course["id"]
        assert all(b["member_price"] is (b["school_urn"] in members) for b in bookings), course["id"]
        totals.update(confirmed=len(confirmed), waitlisted=len(positions))
    return dict(totals)


TARGETS = {20: (500, 150), 50: (None, 250)}  # clients -> (bookings/s at least, p99 ms at most)
MEMORY_TARGET_MIB = 100
EMAIL_P99_TARGET_MS = 500
LOSS_TARGET = 0.10  # of the rate, when notifications consume every booking event


def verdict(clients: int, rate: float, p99: float) -> str:
    least, most = TARGETS.get(clients, (None, None))
    said = [f"{rate:.0f}/s {'>=' if rate >= least else '<'} {least}/s"] if least else []
    said += [f"p99 {p99:.0f} ms {'<=' if p99 <= most else '>'} {most} ms"] if most else []
    met = (least is None or rate >= least) and (most is None or p99 <= most)
    return f"target ({'; '.join(said)}): {'met' if met else 'MISSED'}" if said else "no target for this many clients"


@dataclass
class Rush:
    clients: int
    rate: float
    answered: dict[str, float]  # participant email -> time.time() of its 201


def rush(stack: Stack, token: str, ids: list[str], urns: list[str], clients: int, seconds: float,
         profile: Path | None, label: str, gateways: list[str] | None = None,
         also_measured: dict[str, int] | None = None) -> Rush:
    """Book from ``clients`` keep-alive clients for ``seconds`` (spread over ``gateways``, or the
    stack's own) and print the figures; ``also_measured``: more processes (name -> pid) for the CPU."""
    numbers = itertools.count()
    answered: dict[str, float] = {}

    def booking(client: int, sent: int) -> tuple[str, str, dict]:
        return ("POST", f"/api/v1/courses/{random.choice(ids)}/bookings", {
            "school_urn": random.choice(urns),
            "participant": {"name": "Bench Teacher", "email": f"t-{label}-{next(numbers)}@bench.test"}})

    def note(request: tuple, status: int, at: float) -> None:
        if status == 201:
            answered[request[2]["participant"]["email"]] = at

    folder = profile / label if profile else None
    processes = stack.running() | (also_measured or {})
    meter = CpuMeter(processes | {"this benchmark's clients": os.getpid()}).start()
    spy = PySpy(processes, seconds, folder) if folder else None
    result = run_load(gateways or stack.base_url, token, "POST /api/v1/courses/{id}/bookings", clients, seconds,
                      booking, on_answer=note)
    meter.stop()
    rate = len(answered) / result.seconds
    print(f"-- {label}: {result.report()}")
    print(f"bookings/s: {rate:.0f}; {verdict(clients, rate, result.percentile(0.99))}")
    print(meter.per_item(len(answered)))
    if spy and folder:
        (folder / "functions.txt").write_text(spy.report())
        print(f"py-spy profiles: {folder}/ (functions.txt sums them)")
    return Rush(clients, rate, answered)


def mail_count(stack: Stack) -> int:
    return requests.get(f"{stack.url('mailsink')}/health", timeout=10).json()["messages"]


def emails_after(stack: Stack, done: Rush, before: int, timeout: float = 120) -> None:
    """Wait for an email per booking of ``done`` (the sink held ``before`` ahead of the rush); print
    booking (201) -> email accepted, p50/p99."""
    deadline = time.monotonic() + timeout
    while mail_count(stack) < before + len(done.answered) and time.monotonic() < deadline:
        time.sleep(0.5)
    arrived = email_arrivals(Mailbox(stack.url("mailsink"), timeout=60))
    waits = [min(arrived[email]) - answered_at for email, answered_at in done.answered.items() if email in arrived]
    print(spread("booking -> email accepted", waits, len(done.answered), EMAIL_P99_TARGET_MS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50],
                        help="one rush per figure, each on courses of its own, notifications stopped")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    parser.add_argument("--courses-replicas", type=int, default=1)
    parser.add_argument("--no-notifications-rush", action="store_true",
                        help="skip the first rush, made with notifications consuming every booking event")
    parser.add_argument("--profile", type=Path, help="py-spy each process into this folder; with "
                        "pg_stat_statements loaded, also print the courses and notifications databases' top statements")
    args = parser.parse_args()

    plan = ([] if args.no_notifications_rush else [(args.clients[0], "with-notifications")])
    plan += [(clients, f"{clients}-clients") for clients in args.clients]
    with bench_stack(args.workers, {"courses": args.courses_replicas}) as (stack, token):
        api = Client(stack.base_url, token)
        courses, urns = seed(api, COURSES * len(plan))
        print(f"{COURSES} courses x {CAPACITY} places per rush, {len(urns)} schools; {args.seconds:.0f}s per "
              f"rush; MAX_WORKERS={args.workers}; courses replicas {args.courses_replicas}; "
              f"{os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
        databases = [make_url(stack.host_env[setting]) for setting in ("COURSES_DB_URL", "NOTIFICATIONS_DB_URL")]
        statements = args.profile and statements_enabled(databases[0])
        rushes: dict[str, Rush] = {}
        for n, (clients, label) in enumerate(plan):
            if label != "with-notifications" and "notifications" in stack.running():
                stack.stop("notifications")  # its queue keeps every event meanwhile
            mine = courses[n * COURSES:(n + 1) * COURSES]
            mail_before = mail_count(stack)
            rushes[label] = rush(stack, token, [c["id"] for c in mine], urns, clients, args.seconds,
                                 args.profile, label)
            if label == "with-notifications":
                emails_after(stack, rushes[label], mail_before)
            print(f"invariants hold: {check(api, mine, set(urns[:30]))}")
        if "with-notifications" in rushes:
            alone, both = rushes[f"{args.clients[0]}-clients"].rate, rushes["with-notifications"].rate
            lost = 1 - both / alone
            print(f"notifications consuming cost the rush {lost:.0%} of its rate ({both:.0f}/s against {alone:.0f}/s "
                  f"with them stopped); target <= {LOSS_TARGET:.0%}: {'met' if lost <= LOSS_TARGET else 'MISSED'}")
        if statements:
            booked = sum(len(r.answered) for r in rushes.values())
            notified = len(rushes["with-notifications"].answered) if "with-notifications" in rushes else 0
            for database, count in zip(databases, (booked, notified)):
                print(top_statements(database, database.database, count))
        for name, pid in sorted(stack.running().items()):
            peak = peak_memory_mib(pid)
            print(f"peak memory {name}: {peak:.0f} MiB{'' if peak <= MEMORY_TARGET_MIB else ' (over 100 MiB)'}")
        print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
