"""One chaos run: its own stack behind a cuttable broker link, a paced booking rush, faults injected
while it runs, then the checker over what clients were told and what every service holds.

Needs eventlet's monkey patching (the test process has it; ``python -m tests.chaos`` applies it).
"""
import email.parser
import email.utils
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from kombu import Connection, Exchange, Queue, binding

from deploy.stack import Stack
from services.registry import SERVICES
from tests.benchmarks.bench_bookings import Client, seed
from tests.benchmarks.bench_stack import bench_stack
from tests.chaos.checker import EVENT_OF_STATUS, BookingEvent, Email, StoredBooking, Verdict, check
from tests.chaos.faults import Fault, inject
from tests.chaos.rush import Booking, RushResult, rush
from tests.tcp_proxy import TcpProxy

EVERY_PROCESS = ["courses", "membership", "support", "notifications", "gateway"]
PARTICIPANT_DOMAIN = "chaos.test"
LEAD_SECONDS, GAP_SECONDS, SECONDS_PER_KILL, CUT_RECOVERY_SECONDS = 3.0, 3.0, 4.0, 4.0
SETTINGS = {"EMAIL_FIRST_RETRY_SECONDS": "1", "RPC_TIMEOUT_SECONDS": "5"}


@dataclass
class ChaosReport:
    bookings: int
    clients: int
    faults: list[Fault]
    result: RushResult
    verdict: Verdict
    gave_up: int
    restarts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.verdict.ok and self.gave_up == 0

    def throughput(self) -> tuple[float, float]:
        """Bookings answered 201 per second: over the whole rush, and while a fault was on."""
        answered = [o.answered_at for o in self.result.outcomes if o.status == 201 and o.answered_at]
        whole = len(answered) / max(0.001, self.result.ended_at - self.result.started_at)
        windows = [(f.started_at, f.recovered_at or f.started_at) for f in self.faults]
        during = sum(1 for t in answered if any(start <= t <= end for start, end in windows))
        return whole, during / max(0.001, sum(end - start for start, end in windows))

    def lines(self) -> list[str]:
        whole, during = self.throughput()
        faults = ", ".join(f"{f.what} ({f.seconds:.1f}s to /ready)" for f in self.faults)
        counts = "  ".join(f"{name} {n}" for name, n in self.verdict.anomalies.items())
        figures = "  ".join(f"{name} {n}" for name, n in self.verdict.figures.items())
        lines = [
            f"chaos: {self.bookings} bookings from {self.clients} keep-alive clients",
            f"faults injected: {len(self.faults)}: {faults}",
            f"supervisor restarts: {self.restarts}",
            f"anomalies (all must be 0): {counts}  gave_up {self.gave_up}",
            f"figures: {figures}  client_retries {self.result.retries}",
            f"throughput: {whole:.0f} bookings/s over the rush, {during:.0f}/s while a fault was on",
        ]
        lines += [f"  e.g. {name}: {', '.join(found)}" for name, found in self.verdict.examples.items()]
        lines.append("chaos: PASS" if self.ok else "chaos: FAIL")
        return lines


def run_chaos(bookings: int = 5000, clients: int = 20, kills: list[str] | None = None,
              broker_cut_seconds: float = 10.0, course_count: int = 20, capacity: int = 150,
              drain_timeout: float = 180.0, say=print) -> ChaosReport:  # noqa: ANN001 (a print-like callable)
    """Seed, rush with faults injected, wait for events and emails to settle, and count."""
    kills = EVERY_PROCESS if kills is None else kills
    proxy = TcpProxy("127.0.0.1", 5672)
    try:
        with bench_stack(workers=10, settings=SETTINGS, broker_port=proxy.port) as (stack, token):
            api = Client(stack.base_url, token)
            courses, urns = seed(api, course_count, capacity)
            planned = (LEAD_SECONDS + len(kills) * (SECONDS_PER_KILL + GAP_SECONDS)
                       + (broker_cut_seconds + CUT_RECOVERY_SECONDS if broker_cut_seconds else 0) + LEAD_SECONDS)
            rate = bookings / planned
            say(f"seeded {len(courses)} courses x {capacity} places, {len(urns)} schools; "
                f"{bookings} bookings at {rate:.0f}/s for about {planned:.0f}s")
            with EventLog(stack) as events:
                plan = [Booking(courses[n % len(courses)]["id"], random.choice(urns),
                                f"p{n}@{PARTICIPANT_DOMAIN}") for n in range(bookings)]
                faults: list[Fault] = []
                injector = threading.Thread(target=lambda: faults.extend(
                    inject(stack, proxy, kills, broker_cut_seconds, LEAD_SECONDS, GAP_SECONDS)))
                injector.start()
                result = rush(stack.base_url, token, plan, clients, rate)
                injector.join()
                say(f"rush done in {result.ended_at - result.started_at:.1f}s; waiting for events and emails")
                stored = _wait_settled(stack, events, drain_timeout)
                verdict = check(result.acknowledged(), stored, _capacities(stack), events.read(),
                                _mail_items(stack), _emails(Path(stack.host_env["MAIL_SINK_DIR"])))
            restarts = {name: record["restarts"] for name, record in stack.state()["processes"].items()
                        if record["restarts"]}
    finally:
        proxy.close()
    gave_up = sum(1 for o in result.outcomes if o.status is None)
    return ChaosReport(bookings, clients, faults, result, verdict, gave_up, restarts)


class EventLog:
    """A queue of our own on ``courses.events``, on the broker directly (not through the cut link)."""

    def __init__(self, stack: Stack) -> None:
        uri = urlsplit(stack.host_env["AMQP_URI"])
        self.uri = f"amqp://guest:guest@127.0.0.1:5672{uri.path}"
        exchange = Exchange("courses.events", type="topic", durable=True, auto_delete=False)
        self.queue = Queue("chaos-booking-events", durable=True, bindings=[
            binding(exchange, routing_key=event_type) for event_type in EVENT_OF_STATUS.values()])
        self.messages: list[BookingEvent] = []

    def __enter__(self) -> "EventLog":
        self.conn = Connection(self.uri)
        self.queue(self.conn.default_channel).declare()
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.release()

    def count(self) -> int:
        _, waiting, _ = self.conn.default_channel.queue_declare(self.queue.name, passive=True)
        return waiting + len(self.messages)

    def read(self) -> list[BookingEvent]:
        queue = self.queue(self.conn.default_channel)
        while (message := queue.get(no_ack=True)) is not None:
            envelope = message.payload
            if envelope["event_type"] in EVENT_OF_STATUS.values():
                self.messages.append(BookingEvent(envelope["event_id"], envelope["event_type"],
                                                  envelope["data"]["id"]))
        return self.messages


def _engine(stack: Stack, service: str) -> sa.Engine:
    [entry] = [s for s in SERVICES if s.name == service]
    return sa.create_engine(stack.host_env[entry.db_setting], poolclass=sa.pool.NullPool)


def _query(stack: Stack, service: str, sql: str) -> list[sa.Row]:
    engine = _engine(stack, service)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), {"domain": f"%@{PARTICIPANT_DOMAIN}"}).all()
    finally:
        engine.dispose()


def _stored(stack: Stack) -> list[StoredBooking]:
    return [StoredBooking(r.id, r.course_id, r.email, r.status) for r in _query(
        stack, "courses", "SELECT id::text, course_id::text, lower(participant_email) AS email, status"
                          " FROM bookings WHERE participant_email LIKE :domain")]


def _capacities(stack: Stack) -> dict[str, int]:
    return {r.id: r.capacity for r in _query(stack, "courses", "SELECT id::text, capacity FROM courses")}


def _mail_items(stack: Stack) -> list[str]:
    return [r.recipient for r in _query(stack, "notifications", "SELECT lower(recipient) AS recipient"
                                        " FROM mail_items WHERE kind = 'booking' AND recipient LIKE :domain")]


def _emails(directory: Path) -> list[Email]:
    parser, found = email.parser.BytesHeaderParser(), []
    for path in directory.glob("*.eml"):
        headers = parser.parsebytes(path.read_bytes())
        recipient = email.utils.parseaddr(headers["To"] or "")[1].lower()
        if recipient.endswith(f"@{PARTICIPANT_DOMAIN}"):
            found.append(Email(recipient, headers["Message-ID"]))
    return found


def _wait_settled(stack: Stack, events: EventLog, timeout: float) -> list[StoredBooking]:
    """Until courses' outbox is empty, every stored booking's event is on our queue and every
    participant has an email (or ``timeout``); the stored bookings."""
    deadline = time.monotonic() + timeout
    while True:
        stored = _stored(stack)
        expected = sum(1 for b in stored if b.status in ("confirmed", "waitlisted"))
        pending = _query(stack, "courses", "SELECT count(*) AS n FROM outbox WHERE state = 'pending'")[0].n
        mailed = len({e.recipient for e in _emails(Path(stack.host_env["MAIL_SINK_DIR"]))})
        if (pending == 0 and events.count() >= expected and mailed >= expected) or time.monotonic() >= deadline:
            return stored
        time.sleep(1.0)
