"""What a notice says about an event, in the sender's own words (pure).

An alliance is a "teaching school alliance" or a "teaching school hub", and
its messages say which. A merged email's subject counts what it holds
("3 new courses from 2 alliances").
"""
from dataclasses import asdict, dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.specialisms import SPECIALISM_LABELS

LONDON = ZoneInfo("Europe/London")
KIND_WORDS = {"teaching_school_alliance": "teaching school alliance", "teaching_school_hub": "teaching school hub"}


@dataclass(frozen=True)
class Notice:
    title: str
    body: str
    link: str | None = None
    sender: str | None = None  # the alliance's name, the email's sender name
    sender_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def described(alliance: dict | None) -> str:
    """"Affinity, a teaching school alliance", or as much as is known."""
    if not alliance:
        return "An alliance"
    kind = KIND_WORDS.get(alliance.get("kind", ""))
    return f"{alliance['name']}, a {kind}" if kind else alliance["name"]


def pounds(pence: int | None) -> str:
    pence = pence or 0
    return f"£{pence // 100}.{pence % 100:02d}"


def _day(iso: str) -> str:
    """A date, or the day a moment falls on in London, as "12 January 2027"."""
    day = datetime.fromisoformat(iso).astimezone(LONDON).date() if "T" in iso else date.fromisoformat(iso)
    return day.strftime("%-d %B %Y")


def _areas(areas: list[str]) -> str:
    return ", ".join(SPECIALISM_LABELS.get(area, area) for area in areas)


def notice_for(event_type: str, data: dict, alliance: dict | None) -> Notice:
    """The notice of one event; ``alliance`` is the one it comes from (its copy: name and kind)."""
    sender = {"sender": alliance["name"], "sender_id": alliance["id"]} if alliance else {}
    title, body, link = _WORDS[event_type](data, alliance)
    return Notice(title, body, link, **sender)


def _run_by(course: str, alliance: dict | None) -> str:
    """"Early reading (run by Affinity, a teaching school alliance)", or the title alone."""
    return f"{course} (run by {described(alliance)})" if alliance else course


def _booking(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    who, course, status = data["participant"]["name"], data["course_title"], data["status"]
    link, run_by = f"/api/v1/courses/{data['course_id']}", _run_by(course, alliance)
    if status == "confirmed":
        return (f"Place confirmed: {course}",
                f"{who}'s place on {run_by} is confirmed, at {pounds(data['price_pence'])}.", link)
    if status == "waitlisted":
        return (f"On the waitlist: {course}",
                f"{run_by} is full: {who} is number {data.get('waitlist_position')} on its waitlist and will "
                "be given a place when one comes free.", link)
    return (f"Booking cancelled: {course}",
            f"{who}'s booking on {run_by} is cancelled; "
            + (f"a fee of {pounds(data['fee_pence'])} applies." if data.get("fee_pence") else "there is no fee."),
            link)


def _promoted(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    who, course = data["participant"]["name"], data["course_title"]
    return (f"A place came free: {course}",
            f"{who} moved from the waitlist to a confirmed place on {_run_by(course, alliance)}.",
            f"/api/v1/courses/{data['course_id']}")


def _cancelled(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    if data.get("course_cancelled"):
        course = data["course_title"]
        return (f"Course cancelled: {course}",
                f"{described(alliance)}, has cancelled {course}. {data['participant']['name']}'s booking is "
                "cancelled with no fee.", f"/api/v1/courses/{data['course_id']}")
    return _booking(data, alliance)


def _published(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    return (f"New course: {data['title']}",
            f"{described(alliance)}, has published {data['title']}, starting {_day(data['starts_at'])}: "
            f"{data['capacity']} places, {pounds(data['price_member_pence'])} for member schools.",
            f"/api/v1/courses/{data['id']}")


def _referral(verb: str) -> callable:
    def words(data: dict, alliance: dict | None) -> tuple[str, str, str]:
        school = data.get("school_name") or data["school_urn"]
        lines = {
            "opened": f"A {data['priority']} priority referral for {school} ({_areas(data['need_areas'])}) "
                      f"was opened with {described(alliance)}; it is due to be matched by "
                      f"{_day(data['match_due_on'])}.",
            "shared": f"{described(alliance)}, has shared the referral of {school} "
                      f"({_areas(data['need_areas'])}) with the region's alliances.",
            "escalated": f"The referral of {school} ({data['priority']} priority) was not matched by "
                         f"{_day(data['match_due_on'])} and needs the region's attention.",
        }
        titles = {"opened": "Referral opened", "shared": "Referral shared with the region",
                  "escalated": "Referral overdue"}
        return f"{titles[verb]}: {school}", lines[verb], f"/api/v1/referrals/{data['id']}"
    return words


def _matched(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    school, deployment = data.get("school_name") or data["school_urn"], data["deployment"]
    across = " from another alliance" if deployment["cross_alliance"] else ""
    referred = f" The referral is with {described(alliance)}." if alliance else ""
    return (f"System leader deployed: {school}",
            f"A system leader{across} is deployed to support {school} for {deployment['days']} "
            f"day{'s' if deployment['days'] != 1 else ''}.{referred}", f"/api/v1/referrals/{data['id']}")


def _membership(data: dict, alliance: dict | None) -> tuple[str, str, str]:
    school = data.get("school_name") or data["school_urn"]
    name = alliance["name"] if alliance else "the alliance"
    if data["status"] == "active":
        return f"{school} joined {name}", f"{school} is now a {data['tier']} member of {described(alliance)}.", \
            f"/api/v1/schools/{data['school_urn']}/memberships"
    return f"{school} left {name}", f"{school}'s membership of {described(alliance)} has ended.", \
        f"/api/v1/schools/{data['school_urn']}/memberships"


_WORDS = {
    "booking_confirmed": _booking, "booking_waitlisted": _booking, "booking_promoted": _promoted,
    "booking_cancelled": _cancelled, "course_published": _published,
    "referral_opened": _referral("opened"), "referral_shared": _referral("shared"),
    "referral_escalated": _referral("escalated"), "referral_matched": _matched,
    "membership_started": _membership, "membership_ended": _membership,
}

_MERGED_SUBJECTS = {
    "new_courses": ("new course", "new courses"),
    "school_bookings": ("booking update", "booking updates"),
    "referrals": ("referral update", "referral updates"),
}


def merged_subject(kind: str, notices: list[dict]) -> str:
    """One notice keeps its own title; several are counted: "3 new courses from 2 alliances"."""
    if len(notices) == 1:
        return notices[0]["title"]
    one, many = _MERGED_SUBJECTS.get(kind, ("update", "updates"))
    senders = {n.get("sender") for n in notices if n.get("sender")}
    subject = f"{len(notices)} {many}"
    if len(senders) > 1:
        subject += f" from {len(senders)} alliances"
    elif senders:
        subject += f" from {next(iter(senders))}"
    return subject


def digest_subject(notices: list[dict], day: date) -> str:
    count = len(notices)
    return f"Your daily summary for {day.strftime('%-d %B')}: {count} update{'s' if count != 1 else ''}"
