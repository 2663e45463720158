"""A booking rush through the gateway: 50 clients, 20 courses, thousands of bookings.

Starts its own stack on fresh databases and a fresh vhost, seeds two regions,
three alliances, 40 schools and 20 region-shared courses, then books from 50
concurrent keep-alive clients. At the end it checks the invariants through the
API (never more confirmed than places; waitlist positions 1..n without gaps or
duplicates; one live booking per participant and course) and prints
bookings/s, p50/p99 latency and each process's peak memory.

    make bench        # or: .venv/bin/python -m tests.benchmarks.bench_bookings --clients 50 --seconds 20
"""
import argparse
import itertools
import os
import random
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

import requests

from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import peak_memory_mib, reference_loop_seconds, run_load

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    parser.add_argument("--courses-replicas", type=int, default=1)
    args = parser.parse_args()

    with bench_stack(args.workers, {"courses": args.courses_replicas}) as (stack, token):
        api = Client(stack.base_url, token)
        courses, urns = seed(api)
        ids = [c["id"] for c in courses]
        print(f"{len(courses)} courses x {CAPACITY} places, {len(urns)} schools; {args.clients} clients for "
              f"{args.seconds:.0f}s; MAX_WORKERS={args.workers}; courses replicas={args.courses_replicas}; "
              f"{os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")
        numbers = itertools.count()
        rush = run_load(stack.base_url, token, "POST /api/v1/courses/{id}/bookings", args.clients, args.seconds,
                        lambda c, n: ("POST", f"/api/v1/courses/{random.choice(ids)}/bookings", {
                            "school_urn": random.choice(urns),
                            "participant": {"name": "Bench Teacher", "email": f"t{next(numbers)}@bench.test"}}))
        print(rush.report())
        print(f"bookings/s: {rush.statuses.get(201, 0) / rush.seconds:.0f}")
        print(f"invariants hold: {check(api, courses, set(urns[:30]))}")
        for name, pid in sorted(stack.running().items()):
            print(f"peak memory {name}: {peak_memory_mib(pid):.0f} MiB")
        print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
