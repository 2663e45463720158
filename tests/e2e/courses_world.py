"""Schools, memberships and school users for the courses tests, built over HTTP.

School URNs are the 2-digit ``prefix``, the group (1: alliance 1, 2: alliance 2,
3: another region, 4: no membership) and a 3-digit number.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from tests.e2e.api import Api, school
from tests.waiting import wait_until

PASSWORD = "a-long-enough-password"


def soon(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).isoformat()


def course_body(alliance_id: str, **overrides) -> dict:
    body = {
        "alliance_id": alliance_id, "title": "Middle leadership: leading a team",
        "programme": "middle_leadership", "area": "leadership_development", "visibility": "region",
        "capacity": 50, "price_member_pence": 15000, "price_non_member_pence": 25000,
        "sessions": [{"starts_at": soon(30), "ends_at": soon(30.25), "venue": "Rushey Mead"}],
        "cancellation_deadline_days": 14,
    }
    return {**body, **overrides}


def eventually(attempt, timeout: float = 10):
    """Retry ``attempt`` until it returns a truthy value: copies follow events, not calls."""
    return wait_until(attempt, timeout=timeout, interval=0.1)


def published_course(staff: Api, alliance_id: str, **overrides) -> dict:
    """Draft and publish a course, once the courses service knows the alliance."""
    def draft():
        answer = staff.post("/api/v1/courses", course_body(alliance_id, **overrides))
        return answer.json() if answer.status_code == 201 else None
    course = eventually(draft)
    answer = staff.post(f"/api/v1/courses/{course['id']}/publish")
    assert answer.status_code == 200, answer.text
    return answer.json()


@dataclass
class BookingWorld:
    """Schools of alliance 1 and 2 (region 1), of alliance 3 (region 2), and a non-member."""
    a1_schools: list[str]
    a2_schools: list[str]
    other_region_school: str
    non_member: str
    school_users: dict[str, Api] = field(default_factory=dict)


def build(admin: Api, anonymous: Api, a1: dict, a2: dict, a3: dict, prefix: str, per_alliance: int = 5,
          users: bool = True) -> BookingWorld:
    def register(urn: str, alliance: dict | None) -> str:
        admin.created("/api/v1/schools", school(urn, f"School {urn}"))
        if alliance:
            admin.created(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": urn, "tier": "partner"})
        return urn

    world = BookingWorld(
        a1_schools=[register(f"{prefix}1{n:03d}", a1) for n in range(per_alliance)],
        a2_schools=[register(f"{prefix}2{n:03d}", a2) for n in range(per_alliance)],
        other_region_school=register(f"{prefix}3001", a3),
        non_member=register(f"{prefix}4001", None),
    )
    if users:
        for urn in world.a1_schools + world.a2_schools:
            email = f"office.{urn}@schools.test"
            admin.created("/api/v1/users", {"email": email, "name": f"Office {urn}", "role": "school_user",
                                            "school_urn": urn, "password": PASSWORD})
            world.school_users[urn] = anonymous.login(email, PASSWORD)
    return world


def wait_for_copies(staff: Api, alliance_id: str, members: list[str], others: list[str]) -> None:
    """Book each school once on a probe course until the price shows courses knows its membership."""
    probe = published_course(staff, alliance_id, title="Probe", capacity=1000, visibility="public")
    expected = {urn: True for urn in members} | {urn: False for urn in others}
    for urn, member in expected.items():
        def priced():
            answer = staff.post(f"/api/v1/courses/{probe['id']}/bookings", {
                "school_urn": urn, "participant": {"name": "Probe", "email": f"probe.{urn}@x.test"}})
            if answer.status_code == 201 and answer.json()["member_price"] is not member:
                staff.post(f"/api/v1/bookings/{answer.json()['id']}/cancel")
                return False
            return answer.status_code == 201
        eventually(priced)
