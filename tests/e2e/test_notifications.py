"""Notifications over HTTP and SMTP on the whole stack: who hears of what, how soon, in whose words.

Every test reads the stack's mail sink by recipient, in a region of its own
(tests/e2e/notifications_world.py), since other tests share the stack and
its mailbox. The stack merges emails over 3 seconds (tests/e2e/conftest.py).
"""
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import pytest

from services.notifications.emails import message_id_for
from tests.e2e.courses_world import course_body, eventually, published_course
from tests.e2e.notifications_world import Builder, Copies, Person, Place, build, unique
from tests.mailbox import Mailbox

pytestmark = pytest.mark.e2e
SENDER = "notifications@alliance-network.local"
MAIL_TIMEOUT = 30
MERGE_WINDOW = 3.0  # NOTIFY_MERGE_WINDOW_SECONDS of the e2e stack


@pytest.fixture(scope="module")
def copies(stack_settings):
    reader = Copies(stack_settings["NOTIFICATIONS_DB_URL"])
    yield reader
    reader.close()


@pytest.fixture(scope="module")
def make(admin, anonymous, copies) -> Builder:
    return Builder(admin, anonymous, copies)


@pytest.fixture(scope="module")
def place(make) -> Place:
    return build(make)


def participant() -> str:
    """The address of someone booked on a course who has no account."""
    return f"{unique('p').replace(' ', '.')}@participants.test"


def book(booker: Person, course: dict, urn: str, email: str, name: str = "Sam Patel") -> dict:
    def attempt():  # courses learns of schools and memberships from events too
        answer = booker.api.post(f"/api/v1/courses/{course['id']}/bookings",
                                 {"school_urn": urn, "participant": {"name": name, "email": email}})
        return answer.json() if answer.status_code == 201 else None
    return eventually(attempt, timeout=MAIL_TIMEOUT)


def mail(mailbox: Mailbox, to: str, subject: str, count: int = 1) -> list[dict]:
    """The messages to ``to`` with ``subject``, once at least ``count`` have arrived."""
    def matching(found: list[dict]) -> list[dict]:
        return [m for m in found if m["subject"] == subject]
    return matching(mailbox.wait_for(lambda found: len(matching(found)) >= count, MAIL_TIMEOUT, to=to))


def mail_mentioning(mailbox: Mailbox, to: str, *titles: str) -> list[dict]:
    """The messages to ``to`` whose text names any of ``titles``, once every title has arrived."""
    def naming(found: list[dict]) -> list[dict]:
        return [m for m in found if any(title in (m["text"] or "") for title in titles)]

    def all_there(found: list[dict]) -> bool:
        texts = "".join(m["text"] or "" for m in naming(found))
        return all(title in texts for title in titles)
    return naming(mailbox.wait_for(all_there, MAIL_TIMEOUT, to=to))


def feed_titles(person: Person, **params) -> list[str]:
    answer = person.api.get("/api/v1/notifications", params={"limit": 200, **params})
    assert answer.status_code == 200, answer.text
    return [item["title"] for item in answer.json()["items"]]


def in_feed(person: Person, title: str) -> list[str]:
    """Wait until ``title`` is in the person's feed; the feed's titles."""
    def titles() -> list[str] | None:
        found = feed_titles(person)
        return found if title in found else None
    return eventually(titles, timeout=MAIL_TIMEOUT)


def nothing_to(mailbox: Mailbox, to: str, text: str) -> bool:
    return not [m for m in mailbox.messages(to=to) if text in (m["text"] or "") or text in (m["subject"] or "")]


def sent_by(message: dict) -> str:
    name, address = parseaddr(message["from"])
    assert address == SENDER
    return name


# --- bookings and courses ---

def test_a_confirmed_booking_reaches_the_participant_at_once_in_the_senders_words(place, mailbox, stack_events):
    stack_events.bind("courses", "booking_confirmed")
    for alliance, staff, words in ((place.tsa, place.tsa_staff, "a teaching school alliance"),
                                   (place.hub, place.hub_admin, "a teaching school hub")):
        course = published_course(staff.api, alliance["id"], title=unique("Early reading"))
        email = participant()
        booking = book(place.office, course, place.member, email)
        assert booking["status"] == "confirmed"
        [message] = mail(mailbox, email, f"Place confirmed: {course['title']}")
        assert sent_by(message) == alliance["name"]
        assert f"{alliance['name']}, {words}" in message["text"]
        assert f"{alliance['name']}, {words}" in message["html"] and message["html"].startswith("<!doctype html>")
        assert f"Sam Patel's place on {course['title']}" in message["text"]
        raw = mailbox.message(message["id"])["raw"]
        assert "multipart/alternative" in raw and "text/plain" in raw and "text/html" in raw

        def confirmed() -> list[dict]:
            stack_events.drain(0.1)
            return [e for e in stack_events.of_type("booking_confirmed") if e["data"]["id"] == booking["id"]]
        [event] = eventually(confirmed, timeout=MAIL_TIMEOUT)
        assert message["message_id"] == f"<{message_id_for(email, event['event_id'])}@alliance-network.local>"

        # The school's users hear of it too: in their feeds, and merged by email, after the participant.
        for office in (place.office, place.office2):
            in_feed(office, f"Place confirmed: {course['title']}")
        [merged] = mail_mentioning(mailbox, place.office2.email, f"Place confirmed: {course['title']}")
        assert datetime.fromisoformat(merged["received_at"]) > datetime.fromisoformat(message["received_at"])
        assert len(mailbox.messages(to=email)) == 1


def test_a_booking_on_a_full_course_is_waitlisted_and_the_participant_told_so(place, mailbox):
    course = published_course(place.tsa_staff.api, place.tsa["id"], title=unique("Full course"), capacity=1)
    first, second = participant(), participant()
    assert book(place.office, course, place.member, first)["status"] == "confirmed"
    assert book(place.office, course, place.member, second, name="Kit Lee")["status"] == "waitlisted"
    [message] = mail(mailbox, second, f"On the waitlist: {course['title']}")
    assert "Kit Lee is number 1 on its waitlist" in message["text"]
    assert sent_by(message) == place.tsa["name"]
    mail(mailbox, first, f"Place confirmed: {course['title']}")
    assert len(mailbox.messages(to=first)) == 1


def test_a_waitlisted_participant_is_told_when_a_cancellation_gives_them_a_place(place, mailbox):
    course = published_course(place.tsa_staff.api, place.tsa["id"], title=unique("Popular course"), capacity=1)
    leaving, waiting = participant(), participant()
    confirmed = book(place.office, course, place.member, leaving)
    assert book(place.office, course, place.member, waiting, name="Kit Lee")["status"] == "waitlisted"
    mail(mailbox, waiting, f"On the waitlist: {course['title']}")
    answer = place.office.api.post(f"/api/v1/bookings/{confirmed['id']}/cancel", {})
    assert answer.status_code == 200 and answer.json()["fee_pence"] == 0

    [promoted] = mail(mailbox, waiting, f"A place came free: {course['title']}")
    assert f"Kit Lee moved from the waitlist to a confirmed place on {course['title']}" in promoted["text"]
    [cancelled] = mail(mailbox, leaving, f"Booking cancelled: {course['title']}")
    assert "there is no fee" in cancelled["text"]
    assert in_feed(place.office2, f"A place came free: {course['title']}")


def test_a_cancellation_after_the_deadline_tells_the_participant_the_fee(place, mailbox):
    # The first session is in 30 days; cancelling became chargeable 60 days before it.
    course = published_course(place.tsa_staff.api, place.tsa["id"], title=unique("Late cancel"),
                              cancellation_deadline_days=60, price_member_pence=12550)
    email = participant()
    booking = book(place.office, course, place.member, email)
    answer = place.office.api.post(f"/api/v1/bookings/{booking['id']}/cancel", {"reason": "illness"})
    assert answer.status_code == 200 and answer.json()["fee_pence"] == booking["price_pence"] == 12550
    [message] = mail(mailbox, email, f"Booking cancelled: {course['title']}")
    assert "a fee of £125.50 applies" in message["text"] and "a fee of £125.50 applies" in message["html"]
    assert in_feed(place.office, f"Booking cancelled: {course['title']}")


def test_a_cancelled_course_is_told_to_every_booked_participant(place, mailbox):
    course = published_course(place.tsa_staff.api, place.tsa["id"], title=unique("Cancelled course"), capacity=2)
    booked = [participant() for _ in range(3)]
    statuses = [book(place.office, course, place.member, email, name=f"Person {n}")["status"]
                for n, email in enumerate(booked)]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    mail_mentioning(mailbox, place.office2.email, f"On the waitlist: {course['title']}")  # the bookings' window
    answer = place.tsa_staff.api.post(f"/api/v1/courses/{course['id']}/cancel", {})
    assert answer.status_code == 200, answer.text

    cancelled = f"Course cancelled: {course['title']}"
    for email in booked:
        [message] = mail(mailbox, email, cancelled)
        assert f"{place.tsa['name']}, a teaching school alliance, has cancelled {course['title']}" in message["text"]
        assert "no fee" in message["text"] and sent_by(message) == place.tsa["name"]
    # The school's office: one email for its three bookings, not three.
    [message] = mail_mentioning(mailbox, place.office2.email, cancelled)
    assert message["subject"] == f"3 booking updates from {place.tsa['name']}"
    assert all(f"Person {n}'s booking is cancelled" in message["text"] for n in range(3))
    assert in_feed(place.office, cancelled).count(cancelled) == 3
    assert nothing_to(mailbox, place.hub_office.email, cancelled) and cancelled not in feed_titles(place.hub_office)


def test_a_course_for_the_alliances_members_reaches_their_users_merged_and_no_one_else(place, mailbox):
    title = unique("Members only")
    course = published_course(place.tsa_staff.api, place.tsa["id"], title=title, visibility="alliance")
    published_at = time.monotonic()
    for office in (place.office, place.office2):
        messages = mail_mentioning(mailbox, office.email, f"New course: {title}")
        assert time.monotonic() - published_at >= MERGE_WINDOW - 0.5  # held for the merge window
        [message] = messages
        assert f"{place.tsa['name']}, a teaching school alliance, has published {title}" in message["text"]
        assert f"/#/courses/{course['id']}" in message["text"]  # its page in the web app
    # Told in the same transaction as the members: if they were told, it is in their feed by now.
    assert in_feed(place.office, f"New course: {title}")
    for other in (place.outsider_office, place.hub_office, place.tsa_staff):
        assert f"New course: {title}" not in feed_titles(other)
        assert nothing_to(mailbox, other.email, title)


def test_five_alliances_publishing_within_the_window_reach_a_member_school_as_one_message(make, mailbox):
    region = make.region("Five alliances")
    kinds = ("teaching_school_alliance", "teaching_school_hub") * 3
    alliances = [make.alliance(region, f"Alliance {n}", kinds[n]) for n in range(5)]
    office = make.person("five-office", "school_user", school_urn=make.school("Five Primary", alliances[0]))

    def draft(alliance: dict) -> dict:
        def attempt():
            answer = make.admin.post("/api/v1/courses", course_body(alliance["id"], title=unique("Course")))
            return answer.json() if answer.status_code == 201 else None
        return eventually(attempt, timeout=MAIL_TIMEOUT)
    drafts = [draft(alliance) for alliance in alliances]
    with ThreadPoolExecutor(5) as pool:  # one morning: all five within the merge window
        answers = list(pool.map(lambda c: make.admin.post(f"/api/v1/courses/{c['id']}/publish"), drafts))
    assert [a.status_code for a in answers] == [200] * 5

    titles = [f"New course: {c['title']}" for c in drafts]
    [message] = mail_mentioning(mailbox, office.email, *titles)
    assert message["subject"] == "5 new courses from 5 alliances"
    assert sent_by(message) == "Alliance Network"
    assert all(f"{a['name']}, a {kind.replace('_', ' ')}" in message["text"] for a, kind in zip(alliances, kinds))
    feed = office.api.get("/api/v1/notifications").json()
    assert sorted(feed_titles(office)) == sorted(titles) and feed["unread"] == 5
    assert {item["kind"] for item in feed["items"]} == {"new_courses"}
    assert len(mailbox.messages(to=office.email)) == 1


# --- referrals ---

def referral(place: Place, opener: Person, **changes) -> dict:
    body = {"school_urn": place.member, "alliance_id": place.tsa["id"], "need_areas": ["maths"],
            "priority": "high", "summary": "Maths results fell", "consent_to_share": True,
            "consent_given_by": "Headteacher", **changes}

    def attempt():  # support learns of schools and alliances from events too
        answer = opener.api.post("/api/v1/referrals", body)
        return answer.json() if answer.status_code == 201 else None
    return eventually(attempt, timeout=MAIL_TIMEOUT)


def test_a_referral_opened_and_shared_reaches_the_alliances_and_the_coordinator(place, mailbox):
    opened = referral(place, place.tsa_admin, school_urn=place.outsider)
    school_name = opened["school_name"]
    in_feed(place.tsa_staff, f"Referral opened: {school_name}")
    assert place.tsa_admin.api.post(f"/api/v1/referrals/{opened['id']}/share").status_code == 200
    shared_title, opened_title = f"Referral shared with the region: {school_name}", f"Referral opened: {school_name}"

    for person in (place.tsa_staff, place.coordinator):  # both, merged or not
        titles = in_feed(person, shared_title)
        assert opened_title in titles
        messages = mail_mentioning(mailbox, person.email, opened_title, shared_title)
        assert all(sent_by(m) == place.tsa["name"] for m in messages)
    titles = in_feed(place.hub_admin, shared_title)  # every alliance of the region, once shared
    assert opened_title not in titles
    [message] = mail_mentioning(mailbox, place.hub_admin.email, shared_title)
    assert f"{place.tsa['name']}, a teaching school alliance, has shared the referral" in message["text"]
    assert opened_title not in message["text"]
    assert shared_title not in feed_titles(place.outsider_office)  # nor is the school, of this news


def test_a_match_reaches_the_leader_the_school_and_both_alliances_once_each(place, mailbox, copies):
    opened = referral(place, place.tsa_admin, need_areas=["maths"], priority="medium")
    assert place.tsa_admin.api.post(f"/api/v1/referrals/{opened['id']}/share").status_code == 200
    assign = f"/api/v1/referrals/{opened['id']}/assign"
    matched = eventually(lambda: place.coordinator.api.post(assign, {
        "system_leader_id": place.leader["id"], "days": 2}).json().get("cross_alliance"), timeout=MAIL_TIMEOUT)
    assert matched is True

    subject = f"System leader deployed: {opened['school_name']}"
    for email in (place.leader["email"], place.office.email, place.office2.email, place.tsa_admin.email,
                  place.tsa_staff.email, place.hub_admin.email):
        [message] = mail(mailbox, email, subject)
        assert "A system leader from another alliance is deployed" in message["text"]
        assert "for 2 days" in message["text"] and sent_by(message) == place.tsa["name"]
        assert f"The referral is with {place.tsa['name']}, a teaching school alliance." in message["text"]
    assert subject in feed_titles(place.hub_admin)
    assert subject not in feed_titles(place.hub_office) and subject not in feed_titles(place.coordinator)
    assert len(mail(mailbox, place.office.email, subject)) == 1


def test_an_overdue_referral_is_escalated_to_the_coordinators(place, mailbox):
    late = referral(place, place.tsa_admin, priority="urgent", consent_to_share=False, consent_given_by=None,
                    received_on=(date.today() - timedelta(days=30)).isoformat())
    assert late["overdue"] is True
    subject = f"Referral overdue: {late['school_name']}"
    [message] = mail(mailbox, place.coordinator.email, subject)  # support's escalation job runs every 2 s
    assert "urgent priority" in message["text"] and "needs the region's attention" in message["text"]
    assert subject in feed_titles(place.coordinator)
    assert subject not in feed_titles(place.tsa_admin)


# --- memberships ---

def test_a_school_joining_and_leaving_tells_the_school_and_the_alliance_admins(make, place, mailbox):
    urn = make.school("Joining Primary")
    office = make.person("joining-office", "school_user", school_urn=urn)
    joined = make.join(place.tsa, urn)
    school_name = joined["school_name"]
    started = f"{school_name} joined {place.tsa['name']}"
    for email in (office.email, place.tsa_admin.email):
        [message] = mail(mailbox, email, started)
        assert f"is now a partner member of {place.tsa['name']}, a teaching school alliance" in message["text"]
        assert sent_by(message) == place.tsa["name"]
    assert started in feed_titles(office) and started not in feed_titles(place.tsa_staff)

    ended = place.tsa_admin.api.delete(f"/api/v1/alliances/{place.tsa['id']}/members/{urn}")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    left = f"{school_name} left {place.tsa['name']}"
    for email in (office.email, place.tsa_admin.email):
        [message] = mail(mailbox, email, left)
        assert "membership of" in message["text"] and "has ended" in message["text"]
    assert nothing_to(mailbox, place.tsa_staff.email, school_name)


def test_an_invitation_withdrawn_before_it_was_accepted_tells_no_one_the_school_left(make, place, mailbox, copies):
    urn = make.school("Invited Primary")
    office = make.person("invited-office", "school_user", school_urn=urn)
    members = f"/api/v1/alliances/{place.tsa['id']}/members"
    invited = place.tsa_admin.api.created(members, {"school_urn": urn, "tier": "partner"})
    assert invited["status"] == "pending"  # the school has users: it decides
    withdrawn = place.tsa_admin.api.delete(f"{members}/{urn}")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "ended"
    copies.wait_for_membership(invited["id"], "ended")  # the event is applied, with whatever it told
    left = f"{invited['school_name']} left {place.tsa['name']}"
    for person in (office, place.tsa_admin):
        assert left not in feed_titles(person)
        assert nothing_to(mailbox, person.email, left)


# --- preferences ---

def test_preferences_decide_the_email_and_the_feed_keeps_everything(make, place, mailbox, copies):
    urn = make.school("Preferences Primary")
    quiet, summary, eager = (make.person(label, "school_user", school_urn=urn)
                             for label in ("quiet", "summary", "eager"))
    path = "/api/v1/notification-preferences"
    assert quiet.api.get(path).json() == {"email": "immediate"}
    assert quiet.api.put(path, {"email": "weekly"}).status_code == 422
    assert quiet.api.put(path, {"email": "off"}).json() == {"email": "off"}
    assert summary.api.put(path, {"email": "daily_digest"}).json() == {"email": "daily_digest"}
    assert quiet.api.get(path).json() == {"email": "off"} and eager.api.get(path).json() == {"email": "immediate"}

    joined = make.join(place.tsa, urn)
    started = f"{joined['school_name']} joined {place.tsa['name']}"
    mail(mailbox, eager.email, started)  # decided in the same transaction as the others' mail
    for person in (quiet, summary):
        assert started in in_feed(person, started)
    assert copies.mail_items(quiet.email) == []
    [waiting] = copies.mail_items(summary.email)
    assert (waiting["timing"], waiting["kind"]) == ("digest", "membership")
    assert nothing_to(mailbox, quiet.email, started)
    digests = [m for m in mailbox.messages(to=summary.email)]
    assert all(m["subject"].startswith("Your daily summary") for m in digests)  # never the event's own email

    london = datetime.now(ZoneInfo("Europe/London"))
    if london.hour >= 7:  # NOTIFY_DIGEST_HOUR: today's digest goes out within a poll
        [digest] = mail(mailbox, summary.email, f"Your daily summary for {london.strftime('%-d %B')}: 1 update")
        assert started in digest["text"]

    assert quiet.api.put(path, {"email": "immediate"}).json() == {"email": "immediate"}
    assert place.tsa_admin.api.delete(f"/api/v1/alliances/{place.tsa['id']}/members/{urn}").status_code == 200
    left = f"{joined['school_name']} left {place.tsa['name']}"
    mail(mailbox, quiet.email, left)  # immediate again
    assert left in in_feed(summary, left)
    assert [item["message_id"] for item in copies.mail_items(summary.email)][-1] is None  # tomorrow's digest
    assert not [m for m in mailbox.messages(to=summary.email) if left in (m["text"] or "")]


# --- the feed ---

def test_the_feed_pages_newest_first_counts_unread_and_marks_read(make, place, mailbox):
    urn = make.school("Feed Primary")
    reader = make.person("reader", "school_user", school_urn=urn)
    titles = []
    school_name = None
    for alliance, admin in ((place.tsa, None), (place.hub, None), (place.tsa, place.tsa_admin),
                            (place.hub, place.hub_admin)):
        if admin is None:
            school_name = make.join(alliance, urn)["school_name"]
            titles.insert(0, f"{school_name} joined {alliance['name']}")
        else:
            assert admin.api.delete(f"/api/v1/alliances/{alliance['id']}/members/{urn}").status_code == 200
            titles.insert(0, f"{school_name} left {alliance['name']}")
        in_feed(reader, titles[0])  # one at a time, so the order is the events' order

    pages, cursor = [], None
    while True:
        answer = reader.api.get("/api/v1/notifications", params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        pages.append([item["title"] for item in page["items"]])
        assert page["unread"] == 4
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [title for page in pages for title in page] == titles and pages[0] == titles[:2]

    items = reader.api.get("/api/v1/notifications").json()["items"]
    second = items[1]
    marked = reader.api.post(f"/api/v1/notifications/{second['id']}/read")
    assert marked.status_code == 200 and marked.json()["read_at"] is not None
    again = reader.api.post(f"/api/v1/notifications/{second['id']}/read")
    assert again.status_code == 200 and again.json()["read_at"] == marked.json()["read_at"]
    unread = reader.api.get("/api/v1/notifications", params={"unread": "true"}).json()
    assert unread["unread"] == 3 and [i["title"] for i in unread["items"]] == [t for t in titles if t != titles[1]]

    for stranger in (place.office.api, make.admin):
        assert stranger.post(f"/api/v1/notifications/{items[0]['id']}/read").status_code == 404
    assert reader.api.post("/api/v1/notifications/not-a-uuid/read").status_code == 404
    assert reader.api.get("/api/v1/notifications", params={"unread": "true"}).json()["unread"] == 3

    assert reader.api.post("/api/v1/notifications/read-all").json() == {"marked": 3, "unread": 0}
    after = reader.api.get("/api/v1/notifications").json()
    assert after["unread"] == 0 and all(item["read_at"] for item in after["items"])
    assert reader.api.get("/api/v1/notifications", params={"unread": "true"}).json()["items"] == []
