"""The chaos checker's counting rules, on histories made by hand (no stack)."""
from tests.chaos.checker import BookingEvent, Email, StoredBooking, check

COURSE = "c1"


def _booking(n: int, status: str = "confirmed", course: str = COURSE) -> StoredBooking:
    return StoredBooking(f"b{n}", course, f"p{n}@chaos.test", status)


def test_a_clean_history_has_no_anomaly():
    stored = [_booking(1), _booking(2), _booking(3, "waitlisted")]
    events = [BookingEvent("e1", "booking_confirmed", "b1"), BookingEvent("e2", "booking_confirmed", "b2"),
              BookingEvent("e3", "booking_waitlisted", "b3"), BookingEvent("e1", "booking_confirmed", "b1")]
    emails = [Email(f"p{n}@chaos.test", f"m{n}") for n in (1, 2, 3)] + [Email("p1@chaos.test", "m1")]
    verdict = check({b.participant_email: b.id for b in stored}, stored, {COURSE: 2}, events,
                    [b.participant_email for b in stored], emails)
    assert verdict.ok, verdict.anomalies
    assert verdict.figures["events_redelivered"] == 1  # the same event id twice: allowed, dropped by inboxes
    assert verdict.figures["emails_resent_same_message_id"] == 1
    assert verdict.figures["waitlisted"] == 1


def test_an_acknowledged_booking_that_is_not_stored_is_lost():
    verdict = check({"p1@chaos.test": "b1", "p2@chaos.test": "b2"}, [_booking(1)], {COURSE: 5})
    assert verdict.anomalies["lost"] == 1 and verdict.examples["lost"] == ["p2@chaos.test"]


def test_two_stored_bookings_for_one_key_are_duplicated():
    stored = [_booking(1), StoredBooking("b9", COURSE, "p1@chaos.test", "waitlisted")]
    assert check({"p1@chaos.test": "b1"}, stored, {COURSE: 5}).anomalies["duplicated"] == 1


def test_an_answer_naming_another_participants_booking_is_counted():
    verdict = check({"p1@chaos.test": "b2"}, [_booking(1), _booking(2)], {COURSE: 5})
    assert verdict.anomalies["acknowledged_as_another_booking"] == 1


def test_more_confirmed_than_places_is_overbooked():
    stored = [_booking(1), _booking(2), _booking(3)]
    assert check({}, stored, {COURSE: 2}).anomalies["overbooked"] == 1
    assert check({}, stored, {COURSE: 3}).anomalies["overbooked"] == 0


def test_events_missing_and_two_different_events_for_one_booking():
    stored = [_booking(1), _booking(2)]
    events = [BookingEvent("e1", "booking_confirmed", "b1"), BookingEvent("e9", "booking_confirmed", "b1")]
    verdict = check({}, stored, {COURSE: 5}, events)
    assert verdict.anomalies["events_missing"] == 1 and verdict.anomalies["events_doubled"] == 1


def test_a_waitlisted_booking_needs_its_own_event_not_a_confirmation():
    verdict = check({}, [_booking(1, "waitlisted")], {COURSE: 5}, [BookingEvent("e1", "booking_confirmed", "b1")])
    assert verdict.anomalies["events_missing"] == 1


def test_notifications_and_emails_missing_or_doubled():
    stored = [_booking(1), _booking(2)]
    verdict = check({}, stored, {COURSE: 5}, mail_items=["p1@chaos.test", "p1@chaos.test"],
                    emails=[Email("p1@chaos.test", "m1"), Email("p1@chaos.test", "m2")])
    assert verdict.anomalies["notifications_missing"] == 1 and verdict.anomalies["notifications_doubled"] == 1
    assert verdict.anomalies["emails_missing"] == 1 and verdict.anomalies["emails_doubled"] == 1
    assert not verdict.ok
