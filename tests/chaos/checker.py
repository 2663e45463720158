"""Jepsen-style counting: what clients were told against what the system holds afterwards.

Pure functions over plain data, so the rules are unit-tested without a stack. Every anomaly count
must be 0; the other figures (``redelivered``, ``resent_same_message_id``) are what at-least-once
delivery is allowed to do, because consumers and mail clients drop copies by id.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoredBooking:
    id: str
    course_id: str
    participant_email: str
    status: str  # confirmed | waitlisted | cancelled | completed


@dataclass(frozen=True)
class BookingEvent:
    event_id: str
    event_type: str
    booking_id: str


@dataclass(frozen=True)
class Email:
    recipient: str
    message_id: str


@dataclass
class Verdict:
    anomalies: dict[str, int] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(self.anomalies.values())

    def count(self, name: str, found: list[str]) -> None:
        self.anomalies[name] = len(found)
        if found:
            self.examples[name] = sorted(found)[:5]


EVENT_OF_STATUS = {"confirmed": "booking_confirmed", "waitlisted": "booking_waitlisted"}


def check(acknowledged: dict[str, str], stored: list[StoredBooking], capacities: dict[str, int],
          events: list[BookingEvent] | None = None, mail_items: list[str] | None = None,
          emails: list[Email] | None = None) -> Verdict:
    """``acknowledged``: participant email (one per Idempotency-Key) -> the booking id a client was
    answered with. ``mail_items``: the recipient of each booking notification notifications stored.
    Without ``events``, ``mail_items`` or ``emails`` those checks are left out."""
    verdict = Verdict()
    by_id = {booking.id: booking for booking in stored}
    per_participant = Counter(booking.participant_email for booking in stored)
    verdict.count("lost", [key for key, booking_id in acknowledged.items() if booking_id not in by_id])
    verdict.count("duplicated", [email for email, n in per_participant.items() if n > 1])
    verdict.count("acknowledged_as_another_booking",
                  [key for key, booking_id in acknowledged.items()
                   if booking_id in by_id and by_id[booking_id].participant_email != key])
    confirmed = Counter(b.course_id for b in stored if b.status in ("confirmed", "completed"))
    verdict.count("overbooked", [course for course, n in confirmed.items() if n > capacities.get(course, 0)])
    verdict.figures.update(acknowledged=len(acknowledged), stored=len(stored),
                           stored_unacknowledged=len([b for b in stored if b.participant_email not in acknowledged]),
                           confirmed=sum(confirmed.values()),
                           waitlisted=sum(1 for b in stored if b.status == "waitlisted"))
    if events is not None:
        _check_events(verdict, stored, events)
    if mail_items is not None:
        _check_once_each(verdict, "notifications", stored, Counter(mail_items))
    if emails is not None:
        _check_emails(verdict, stored, emails)
    return verdict


def _check_events(verdict: Verdict, stored: list[StoredBooking], events: list[BookingEvent]) -> None:
    ids_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in events:
        ids_of[(event.booking_id, event.event_type)].add(event.event_id)
    expected = [(b.id, EVENT_OF_STATUS[b.status]) for b in stored if b.status in EVENT_OF_STATUS]
    verdict.count("events_missing", [f"{t} {i}" for i, t in expected if not ids_of.get((i, t))])
    verdict.count("events_doubled", [f"{t} {i}" for (i, t), ids in ids_of.items() if len(ids) > 1])
    verdict.figures["events"] = len(events)
    verdict.figures["events_redelivered"] = len(events) - sum(len(ids) for ids in ids_of.values())


def _check_once_each(verdict: Verdict, name: str, stored: list[StoredBooking], received: Counter) -> None:
    participants = [b.participant_email for b in stored if b.status in EVENT_OF_STATUS]
    verdict.count(f"{name}_missing", [p for p in participants if not received.get(p)])
    verdict.count(f"{name}_doubled", [p for p in participants if received.get(p, 0) > 1])


def _check_emails(verdict: Verdict, stored: list[StoredBooking], emails: list[Email]) -> None:
    message_ids: dict[str, set[str]] = defaultdict(set)
    for email in emails:
        message_ids[email.recipient.lower()].add(email.message_id)
    _check_once_each(verdict, "emails", stored,
                     Counter({recipient: len(ids) for recipient, ids in message_ids.items()}))
    verdict.figures["emails"] = len(emails)
    verdict.figures["emails_resent_same_message_id"] = len(emails) - sum(map(len, message_ids.values()))
