"""Notifications' pure rules: who hears of what, how soon, in whose words; emails as composed."""
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest

from services.notifications.emails import compose, message_id_for, to_mime
from services.notifications.pacing import Pacing
from services.notifications.routing import (
    BOOKING,
    COURSE_CANCELLED,
    NEW_COURSES,
    REFERRAL_MATCHED,
    SCHOOL_BOOKINGS,
    Audience,
    Route,
    Timing,
    Who,
    email_timing,
    routes_for,
)
from services.notifications.wording import described, merged_subject, notice_for

HUB = {"id": "a2", "name": "Leicester Teaching School (LeTS)", "kind": "teaching_school_hub"}
ALLIANCE = {"id": "a1", "name": "Affinity", "kind": "teaching_school_alliance"}


def booking(status="confirmed", **extra) -> dict:
    return {"id": "b1", "course_id": "c1", "course_title": "Early reading", "alliance_id": "a1", "region_id": "r1",
            "school_urn": "110002", "participant": {"name": "Sam Patel", "email": "Sam@School.test", "role": None},
            "status": status, "price_pence": 12550, "waitlist_position": None, "fee_pence": None, **extra}


def test_a_booking_reaches_its_participant_at_once_and_the_school_office_merged():
    assert routes_for("booking_confirmed", booking()) == [
        Route(Audience(Who.PARTICIPANT, "Sam@School.test"), BOOKING),
        Route(Audience(Who.SCHOOL_USERS, "110002"), SCHOOL_BOOKINGS)]
    assert BOOKING.timing is Timing.IMMEDIATE and SCHOOL_BOOKINGS.timing is Timing.MERGED


def test_a_course_cancelled_is_told_at_once_to_each_booked_participant_and_merged_to_the_school():
    routes = routes_for("booking_cancelled", booking("cancelled", course_cancelled=True, fee_pence=0))
    assert routes == [Route(Audience(Who.PARTICIPANT, "Sam@School.test"), COURSE_CANCELLED),
                      Route(Audience(Who.SCHOOL_USERS, "110002"), SCHOOL_BOOKINGS)]
    assert COURSE_CANCELLED.timing is Timing.IMMEDIATE
    notice = notice_for("booking_cancelled", booking("cancelled", course_cancelled=True), ALLIANCE)
    assert notice.title == "Course cancelled: Early reading" and "no fee" in notice.body


@pytest.mark.parametrize("visibility, who, key", [
    ("alliance", Who.MEMBER_SCHOOLS, "a1"), ("region", Who.REGION_MEMBER_SCHOOLS, "r1"),
    ("public", Who.REGION_MEMBER_SCHOOLS, "r1")])
def test_a_published_course_reaches_the_member_schools_it_is_offered_to(visibility, who, key):
    course = {"alliance_id": "a1", "region_id": "r1", "visibility": visibility}
    assert routes_for("course_published", course) == [Route(Audience(who, key), NEW_COURSES)]


def test_a_match_reaches_the_leader_the_school_and_both_alliances_once_each():
    data = {"id": "ref", "school_urn": "110002", "alliance_id": "a1", "region_id": "r1",
            "deployment": {"system_leader_id": "l1", "leader_alliance_id": "a2", "cross_alliance": True, "days": 3}}
    assert [route.audience for route in routes_for("referral_matched", data)] == [
        Audience(Who.LEADER, "l1"), Audience(Who.SCHOOL_USERS, "110002"), Audience(Who.ALLIANCE_USERS, "a1"),
        Audience(Who.ALLIANCE_USERS, "a2")]
    same_alliance = {**data, "deployment": {**data["deployment"], "leader_alliance_id": "a1"}}
    assert len(routes_for("referral_matched", same_alliance)) == 3
    assert all(route.kind is REFERRAL_MATCHED for route in routes_for("referral_matched", data))


def test_opened_goes_to_the_alliance_shared_to_every_alliance_of_the_region_both_to_coordinators():
    data = {"alliance_id": "a1", "region_id": "r1"}
    assert [r.audience for r in routes_for("referral_opened", data)] == [
        Audience(Who.ALLIANCE_USERS, "a1"), Audience(Who.COORDINATORS, "r1")]
    assert [r.audience for r in routes_for("referral_shared", data)] == [
        Audience(Who.REGION_ALLIANCE_USERS, "r1"), Audience(Who.COORDINATORS, "r1")]
    assert [r.audience for r in routes_for("referral_escalated", data)] == [Audience(Who.COORDINATORS, "r1")]


@pytest.mark.parametrize("previous_status, told", [("active", True), (None, True), ("pending", False)])
def test_an_ended_membership_is_news_unless_it_was_an_invitation_withdrawn(previous_status, told):
    data = {"school_urn": "110002", "alliance_id": "a1", "status": "ended"}
    assert [r.audience for r in routes_for("membership_ended", data, previous_status)] == ([
        Audience(Who.SCHOOL_USERS, "110002"), Audience(Who.ALLIANCE_ADMINS, "a1")] if told else [])


def test_events_nobody_is_told_of_have_no_routes():
    assert routes_for("attendance_recorded", {}) == [] and routes_for("user_created", {}) == []


@pytest.mark.parametrize("preference, expected", [
    (None, Timing.MERGED), ("immediate", Timing.MERGED), ("daily_digest", Timing.DIGEST), ("off", None)])
def test_a_preference_decides_the_email_over_the_kind(preference, expected):
    assert email_timing(NEW_COURSES, preference) is expected


def test_notices_use_the_senders_own_vocabulary():
    assert described(HUB) == "Leicester Teaching School (LeTS), a teaching school hub"
    assert described(ALLIANCE) == "Affinity, a teaching school alliance"
    course = {"id": "c1", "title": "Maths mastery", "starts_at": "2027-01-12T09:00:00+00:00", "capacity": 30,
              "price_member_pence": 5000}
    notice = notice_for("course_published", course, HUB)
    assert "a teaching school hub, has published Maths mastery, starting 12 January 2027" in notice.body
    assert notice.sender == HUB["name"] and notice.link == "/api/v1/courses/c1"


@pytest.mark.parametrize("event_type, data", [
    ("booking_confirmed", booking()), ("booking_waitlisted", booking("waitlisted", waitlist_position=2)),
    ("booking_promoted", booking()), ("booking_cancelled", booking("cancelled", fee_pence=12550)),
    ("booking_cancelled", booking("cancelled", course_cancelled=True)),
    ("referral_matched", {"id": "ref", "school_urn": "110002", "school_name": "Forest Way", "deployment": {
        "system_leader_id": "l1", "leader_alliance_id": "a1", "cross_alliance": False, "days": 1}})])
def test_what_a_participant_or_school_is_told_names_the_sender_in_its_own_words(event_type, data):
    assert "Leicester Teaching School (LeTS), a teaching school hub" in notice_for(event_type, data, HUB).body
    assert "teaching school" not in notice_for(event_type, data, None).body  # an alliance not yet known


@pytest.mark.parametrize("starts_at, day", [
    ("2027-01-12T09:00:00+00:00", "12 January 2027"), ("2026-06-10T23:30:00+00:00", "11 June 2026"),
    ("2026-06-11T00:30:00+01:00", "11 June 2026")])
def test_a_course_starts_on_its_day_in_london(starts_at, day):
    course = {"id": "c1", "title": "Maths", "starts_at": starts_at, "capacity": 30, "price_member_pence": 0}
    assert f"starting {day}:" in notice_for("course_published", course, HUB).body


def test_a_merged_subject_counts_what_it_holds():
    notices = [{"title": "New course: A", "sender": "Affinity"}, {"title": "New course: B", "sender": "LeTS"},
               {"title": "New course: C", "sender": "Affinity"}]
    assert merged_subject("new_courses", notices) == "3 new courses from 2 alliances"
    assert merged_subject("new_courses", notices[:1]) == "New course: A"
    assert merged_subject("new_courses", [notices[0], notices[2]]) == "2 new courses from Affinity"


def test_the_digest_is_due_from_its_hour_in_london_time():
    pacing = Pacing(timedelta(minutes=10), digest_hour=7, link_base="")
    summer_6am_london = datetime(2026, 7, 1, 5, 30, tzinfo=timezone.utc)  # 06:30 BST
    assert pacing.digest_day(summer_6am_london) is None
    assert pacing.digest_day(summer_6am_london + timedelta(hours=1)) == date(2026, 7, 1)
    winter = datetime(2026, 12, 1, 7, 0, tzinfo=timezone.utc)  # 07:00 GMT
    assert pacing.digest_day(winter) == date(2026, 12, 1)
    assert pacing.merged_due(winter) == winter + timedelta(minutes=10)


def test_bad_pacing_settings_stop_the_service(monkeypatch):
    monkeypatch.setenv("NOTIFY_DIGEST_HOUR", "24")
    with pytest.raises(ValueError, match="NOTIFY_DIGEST_HOUR"):
        Pacing.from_environment()


def test_an_email_has_text_html_the_senders_name_and_a_message_id_stable_per_recipient_and_event():
    assert message_id_for("Sam@School.test", "e1") == message_id_for("sam@school.test", "e1")
    assert message_id_for("sam@school.test", "e1") != message_id_for("sam@school.test", "e2")
    notice = notice_for("booking_confirmed", booking(), ALLIANCE).to_dict()
    notice["body"] += " <script>alert(1)</script>"
    payload = compose("0b5e6c3e-0000-5000-8000-000000000001", "sam@school.test", "Sam Patel", True,
                      notice["title"], [notice], "http://app.test")
    parsed = message_from_bytes(to_mime(payload, "notify@alliance.test").as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == "<0b5e6c3e-0000-5000-8000-000000000001@alliance.test>"
    assert parsed["From"] == "Affinity <notify@alliance.test>"
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Sam Patel's place on Early reading (run by Affinity, a teaching school alliance) is confirmed, at " \
           "£125.50." in text
    assert "http://app.test/#/courses/c1" in text
    assert "<script>" not in html and "&lt;script&gt;" in html
