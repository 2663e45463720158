"""Booking clients that do what a careful client does: keep-alive connections, one Idempotency-Key
per booking, and the same key again after a timeout, a dropped connection or a 5xx."""
import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

RETRIED_STATUSES = {429, 500, 502, 503, 504}
REQUEST_TIMEOUT_SECONDS = 10.0
GIVE_UP_SECONDS = 120.0


@dataclass
class Outcome:
    key: str
    participant: str
    status: int | None = None  # the final answer's status; None if the client gave up
    booking_id: str | None = None
    attempts: int = 0
    answered_at: float | None = None  # monotonic


@dataclass
class RushResult:
    outcomes: list[Outcome] = field(default_factory=list)
    retries: int = 0
    started_at: float = 0.0
    ended_at: float = 0.0

    def acknowledged(self) -> dict[str, str]:
        """Participant -> booking id, for every booking a client was answered 201 for."""
        return {o.participant: o.booking_id for o in self.outcomes if o.status == 201}


@dataclass(frozen=True)
class Booking:
    course_id: str
    school_urn: str
    participant: str  # an email, unique to this booking (and its Idempotency-Key)


class BookingClient:
    """One keep-alive connection; a booking is retried with its key until it is answered."""

    def __init__(self, base_url: str, token: str) -> None:
        target = urlsplit(base_url)
        self.host, self.port = target.hostname, target.port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0

    def book(self, booking: Booking, key: str) -> Outcome:
        outcome = Outcome(key, booking.participant)
        body = json.dumps({"school_urn": booking.school_urn,
                           "participant": {"name": "Chaos Teacher", "email": booking.participant}})
        give_up_at = time.monotonic() + GIVE_UP_SECONDS
        delay = 0.1
        while time.monotonic() < give_up_at:
            outcome.attempts += 1
            status, answer, retry_after = self._post(f"/api/v1/courses/{booking.course_id}/bookings", body, key)
            if status is not None and status not in RETRIED_STATUSES:
                outcome.status, outcome.answered_at = status, time.monotonic()
                if status == 201:
                    outcome.booking_id = answer["id"]
                return outcome
            self.retries += 1
            time.sleep(retry_after if retry_after is not None else delay)
            delay = min(2.0, delay * 2)
        return outcome

    def _post(self, path: str, body: str, key: str) -> tuple[int | None, dict, float | None]:
        """The answer's status and body, and Retry-After's seconds; no status if none came."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS)
            self.conn.request("POST", path, body=body, headers={**self.headers, "Idempotency-Key": key})
            response = self.conn.getresponse()
            raw = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            retry_after = response.getheader("Retry-After")
            return (response.status, json.loads(raw) if raw else {},
                    float(retry_after) if retry_after and retry_after.isdigit() else None)
        except (OSError, http.client.HTTPException, ValueError):
            self.close()
            return None, {}, None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def rush(base_url: str, token: str, bookings: list[Booking], clients: int, rate_per_second: float) -> RushResult:
    """Send every booking once (each retried until answered), started at ``rate_per_second`` between
    ``clients`` keep-alive clients."""
    result = RushResult(started_at=time.monotonic())
    lock = threading.Lock()
    tickets = iter(range(len(bookings)))

    def client() -> None:
        http_client = BookingClient(base_url, token)
        while True:
            with lock:
                n = next(tickets, None)
            if n is None:
                break
            due = result.started_at + n / rate_per_second
            time.sleep(max(0.0, due - time.monotonic()))
            outcome = http_client.book(bookings[n], key=f"chaos-{n}")
            with lock:
                result.outcomes.append(outcome)
        http_client.close()
        with lock:
            result.retries += http_client.retries

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.ended_at = time.monotonic()
    return result
