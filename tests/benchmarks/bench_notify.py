"""From a booking answered to its email accepted by the SMTP server, and to its webhook received.

Starts its own stack (fresh databases, vhost and mail sink) with webhooks
allowed to this machine. Through the API it creates a region, an alliance,
member schools without users and region-shared courses with a place for
every booking, and registers the alliance's webhook for
``booking_confirmed`` to a receiver in this process. A short warm-up books
once per school. Then open-loop clients book at a steady ``--rate`` for
``--seconds``: booking n is sent at start + n / rate whatever the answers
before it (up to ``--clients`` at once), each for a participant of its own,
so the participant's email is the only email it causes.

Per booking it takes the wall-clock time (``time.time()``) at which the 201
was read, the mail sink's ``received_at`` for the participant's email (the
sink's wall clock on this machine, in microseconds, taken when the message
is in and before its 250) and the receiver's time for the webhook. It
prints p50/p99/max of both beside the target (p99 <= 500 ms), the rate
achieved, how late the clients sent, messages missing or duplicated, the
reference loop and each process's peak memory (VmHWM; the goal is
<= 100 MB per service). It prints; it asserts nothing.

    make bench-notify   # or: .venv/bin/python -m tests.benchmarks.bench_notify --rate 100 --seconds 30
"""
import argparse
import http.client
import itertools
import json
import math
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests

from deploy.stack import Stack
from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import CpuMeter, email_arrivals, peak_memory_mib, reference_loop_seconds, spread
from tests.mailbox import Mailbox
from tests.webhook_receiver import WebhookReceiver

COURSES = 20
SCHOOLS = 10
TARGET_MS = 500
DOMAIN = "bench-notify.test"


@dataclass(frozen=True)
class Booked:
    email: str
    answered_at: float  # time.time() when the 201 was read
    post_seconds: float
    late_seconds: float  # after its slot in the schedule


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict | None = None, tries: int = 1) -> dict:
        """POST until 201, up to ``tries`` times a tenth of a second apart (copies follow events)."""
        for _ in range(tries - 1):
            answer = self.http.post(self.base + path, json=body)
            if answer.status_code == 201:
                return answer.json()
            time.sleep(0.1)
        answer = self.http.post(self.base + path, json=body)
        answer.raise_for_status()
        return answer.json()


def seed(api: Api, places: int, hook_url: str) -> tuple[list[str], list[str], dict]:
    """Course ids, member school URNs and the webhook."""
    region = api.post("/api/v1/regions", {"name": "East Midlands, South Yorkshire and Humber", "code": "EMSYH"})
    alliance = api.post("/api/v1/alliances", {"name": "Affinity", "region_id": region["id"],
                                              "kind": "teaching_school_alliance"})
    urns = [str(930000 + n) for n in range(SCHOOLS)]
    for urn in urns:
        api.post("/api/v1/schools", {"urn": urn, "name": f"School {urn}", "local_authority": "Leicestershire",
                                     "phase": "primary"})
        api.post(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": urn, "tier": "partner"})
    starts = datetime.now(timezone.utc) + timedelta(days=30)
    courses = []
    for n in range(COURSES):
        draft = api.post("/api/v1/courses", {
            "alliance_id": alliance["id"], "title": f"Course {n}", "programme": "subject_cpd", "area": "cpd",
            "visibility": "region", "capacity": places, "price_member_pence": 9000,
            "price_non_member_pence": 14000, "cancellation_deadline_days": 7,
            "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=6)).isoformat()}],
        }, tries=100)
        courses.append(api.post(f"/api/v1/courses/{draft['id']}/publish")["id"])
    hook = api.post("/api/v1/webhooks", {"alliance_id": alliance["id"], "url": hook_url,
                                         "event_types": ["booking_confirmed"]}, tries=100)
    return courses, urns, hook


def booking(courses: list[str], urns: list[str], n: int, prefix: str) -> tuple[str, dict]:
    return f"/api/v1/courses/{courses[n % len(courses)]}/bookings", {
        "school_urn": urns[n % len(urns)], "participant": {"name": f"Teacher {n}", "email": f"{prefix}{n}@{DOMAIN}"}}


def open_loop(base_url: str, token: str, rate: float, seconds: float, clients: int,
              request_for) -> tuple[list[Booked], Counter, float]:
    """Booking n sent at start + n / rate by whichever client is free; the bookings answered 201, every
    status, and the seconds from start to the last answer."""
    target = urlsplit(base_url)
    total = int(rate * seconds)
    tickets = itertools.count()
    booked: list[Booked] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = time.perf_counter() + 0.2
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        while (n := next(tickets)) < total:
            due = start + n / rate
            if (wait := due - time.perf_counter()) > 0:
                time.sleep(wait)
            path, body = request_for(n)
            sent = time.perf_counter()
            conn.request("POST", path, body=json.dumps(body), headers=headers)
            response = conn.getresponse()
            response.read()
            answered_at, done = time.time(), time.perf_counter()
            with lock:
                statuses[response.status] += 1
                if response.status == 201:
                    booked.append(Booked(body["participant"]["email"], answered_at, done - sent, sent - due))
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return booked, statuses, time.perf_counter() - start


def wait_for(count: int, counted, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while counted() < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def arrivals(stack: Stack, receiver: WebhookReceiver) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Participant email -> wall-clock seconds of each email accepted, and of each webhook received."""
    hooks: dict[str, list[float]] = {}
    for request in receiver.received:
        hooks.setdefault(request.json()["data"]["participant"]["email"], []).append(request.at)
    return email_arrivals(Mailbox(stack.url("mailsink"), timeout=60)), hooks


def latencies(booked: list[Booked], arrived: dict[str, list[float]]) -> tuple[list[float], int]:
    """Seconds from each 201 to the first arrival, and how many arrived more than once."""
    found = [min(arrived[b.email]) - b.answered_at for b in booked if b.email in arrived]
    return found, sum(1 for b in booked if len(arrived.get(b.email, ())) > 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100, help="bookings per second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16, help="bookings in flight at most")
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()

    total = int(args.rate * args.seconds)
    places = math.ceil((total + SCHOOLS) / COURSES)
    allowed = {"WEBHOOK_ALLOW_PRIVATE": "1"}
    with WebhookReceiver(keep_alive=True) as receiver, bench_stack(args.workers, settings=allowed) as (stack, token):
        api = Api(stack.base_url, token)
        courses, urns, _ = seed(api, places, receiver.url)
        sink = Mailbox(stack.url("mailsink"), timeout=60)
        for n in range(SCHOOLS):  # warm-up, once courses knows every school
            api.post(*booking(courses, urns, n, "warm"), tries=100)
        wait_for(SCHOOLS, lambda: len(sink.messages()), 30)
        wait_for(SCHOOLS, lambda: len(receiver.received), 30)
        print(f"{args.rate:.0f} bookings/s for {args.seconds:.0f} s ({total} scheduled) from up to {args.clients} "
              f"open-loop clients; {COURSES} courses x {places} places; MAX_WORKERS={args.workers}; "
              f"{os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")

        processes = stack.running()
        processes["this client and receiver"] = os.getpid()
        meter = CpuMeter(processes).start()
        booked, statuses, took = open_loop(stack.base_url, token, args.rate, args.seconds, args.clients,
                                           lambda n: booking(courses, urns, n, "t"))
        expected = len(booked) + SCHOOLS
        all_mail = wait_for(expected, lambda: requests.get(f"{sink.base_url}/health").json()["messages"], 120)
        all_hooks = wait_for(expected, lambda: len(receiver.received), 60)
        meter.stop()
        emails, hooks = arrivals(stack, receiver)

        posts = sorted(b.post_seconds for b in booked)
        late = sorted(b.late_seconds for b in booked)
        print(f"bookings: {len(booked)} answered 201 in {took:.1f} s = {len(booked) / took:.1f}/s; "
              f"statuses {dict(sorted(statuses.items()))}; POST p50 {posts[len(posts) // 2] * 1000:.0f} ms, "
              f"p99 {posts[int(len(posts) * 0.99)] * 1000:.0f} ms; sent after their slot: "
              f"p99 {late[int(len(late) * 0.99)] * 1000:.0f} ms, max {late[-1] * 1000:.0f} ms")
        to_email, twice = latencies(booked, emails)
        print(spread("201 -> email accepted by the SMTP server", to_email, len(booked), TARGET_MS)
              + f"; {twice} emailed twice" + ("" if all_mail else "; gave up waiting for the rest"))
        to_hook, twice = latencies(booked, hooks)
        print(spread("201 -> webhook received", to_hook, len(booked), TARGET_MS)
              + f"; {twice} received twice" + ("" if all_hooks else "; gave up waiting for the rest"))
        print("From the first booking until the last arrival: " + meter.per_item(len(booked)))
        for name, pid in sorted(stack.running().items()):
            print(f"peak memory {name}: {peak_memory_mib(pid):.0f} MiB")
        print(f"reference loop after: {reference_loop_seconds():.2f} s")


if __name__ == "__main__":
    main()
