"""Tenants for the authorisation matrix: one of each kind of caller around alliance A.

Region R holds alliance A (the owner of every object the matrix asks about)
and its neighbour B; region R2 holds alliance F. School S is a member of A,
school O of B, school N of none, school E of F. Every caller is a real user
signed in through the gateway.
"""
import itertools
import time
from dataclasses import dataclass, field

import jwt

from tests.e2e.api import Api, school
from tests.e2e.courses_world import course_body, eventually

PASSWORD = "a-long-enough-password"
SCHOOL, OTHER_SCHOOL, NON_MEMBER, FAR_SCHOOL = "910001", "910002", "910003", "910004"
S, O, N, E = SCHOOL, OTHER_SCHOOL, NON_MEMBER, FAR_SCHOOL  # noqa: E741 (short names for the tables)

# The callers, by their relation to alliance A and school S.
PLATFORM_ADMIN = "platform_admin"
COORDINATOR = "coordinator"
COORDINATOR_ELSEWHERE = "coordinator_elsewhere"
ALLIANCE_ADMIN = "alliance_admin"
ALLIANCE_STAFF = "alliance_staff"
NEIGHBOUR_ADMIN = "neighbour_admin"
NEIGHBOUR_STAFF = "neighbour_staff"
FAR_ADMIN = "far_admin"
FAR_STAFF = "far_staff"
SCHOOL_USER = "school_user"
OTHER_SCHOOL_USER = "other_school_user"
NON_MEMBER_SCHOOL_USER = "non_member_school_user"
NO_TOKEN = "no_token"
EXPIRED_TOKEN = "expired_token"
SIGNED_IN = (PLATFORM_ADMIN, COORDINATOR, COORDINATOR_ELSEWHERE, ALLIANCE_ADMIN, ALLIANCE_STAFF,
             NEIGHBOUR_ADMIN, NEIGHBOUR_STAFF, FAR_ADMIN, FAR_STAFF, SCHOOL_USER, OTHER_SCHOOL_USER,
             NON_MEMBER_SCHOOL_USER)
CALLERS = SIGNED_IN + (NO_TOKEN, EXPIRED_TOKEN)


@dataclass
class Tenants:
    admin: Api
    anonymous: Api
    region: dict
    far_region: dict
    a: dict
    b: dict
    f: dict
    callers: dict[str, Api] = field(default_factory=dict)
    course: dict = field(default_factory=dict)
    booking: dict = field(default_factory=dict)
    leader: dict = field(default_factory=dict)
    support_leader: dict = field(default_factory=dict)  # B's, deployed on A's referrals across alliances
    referral: dict = field(default_factory=dict)  # A's, for school S, shared with the region
    notification: dict = field(default_factory=dict)  # in the feed of A's admin
    webhook: dict = field(default_factory=dict)  # A's
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def unique(self) -> int:
        return next(self._numbers)

    def fresh_school(self) -> str:
        urn = f"92{self.unique():04d}"
        self.admin.created("/api/v1/schools", school(urn, f"Matrix School {urn}"))
        return urn

    def fresh_member(self) -> str:
        urn = self.fresh_school()
        self.admin.created(f"/api/v1/alliances/{self.a['id']}/members", {"school_urn": urn, "tier": "partner"})
        return urn

    def fresh_invitation(self) -> str:
        """A's invitation to a school with no users and no other membership: pending."""
        urn = self.fresh_school()
        invited = self.callers[ALLIANCE_ADMIN].created(f"/api/v1/alliances/{self.a['id']}/members",
                                                       {"school_urn": urn, "tier": "associate"})
        assert invited["status"] == "pending"
        return urn

    def fresh_staff(self) -> str:
        return self.admin.created("/api/v1/users", {
            "email": f"staff{self.unique()}@matrix.test", "name": "Staff", "role": "alliance_staff",
            "alliance_id": self.a["id"], "password": PASSWORD})["id"]

    def fresh_draft(self) -> str:
        return self.callers[ALLIANCE_STAFF].created("/api/v1/courses", course_body(
            self.a["id"], title=f"Matrix draft {self.unique()}"))["id"]

    def fresh_published(self) -> str:
        course_id = self.fresh_draft()
        assert self.admin.post(f"/api/v1/courses/{course_id}/publish").status_code == 200
        return course_id

    def fresh_booking(self) -> str:
        return self.admin.created(f"/api/v1/courses/{self.course['id']}/bookings", {
            "school_urn": S, "participant": self.participant()})["id"]

    def fresh_referral(self, consent: bool = True) -> str:
        return self.callers[ALLIANCE_ADMIN].created("/api/v1/referrals", referral_body(self.a["id"], consent))["id"]

    def fresh_deployment(self) -> tuple[str, str]:
        """(referral, deployment): B's leader deployed for a day on a new referral of A's."""
        referral_id = self.fresh_referral()
        answer = self.admin.post(f"/api/v1/referrals/{referral_id}/assign",
                                 {"system_leader_id": self.support_leader["id"], "days": 1})
        assert answer.status_code == 200, answer.text
        return referral_id, answer.json()["deployment"]["id"]

    def fresh_webhook(self) -> str:
        return self.callers[ALLIANCE_ADMIN].created("/api/v1/webhooks", webhook_body(self.a["id"]))["id"]

    def participant(self) -> dict:
        n = self.unique()
        return {"name": f"Teacher {n}", "email": f"teacher{n}@matrix.test"}


def referral_body(alliance_id: str, consent: bool = True) -> dict:
    return {"school_urn": S, "alliance_id": alliance_id, "need_areas": ["maths"], "priority": "medium",
            "source": "local_authority", "summary": "Matrix referral", "consent_to_share": consent}


def webhook_body(alliance_id: str) -> dict:
    """A webhook to a port where nothing listens: its deliveries fail and are retried, harmlessly."""
    return {"alliance_id": alliance_id, "url": "http://127.0.0.1:9/matrix-hook", "event_types": ["course_published"]}


def expired_token(secret: str, user_id: str) -> str:
    now = int(time.time())
    claims = {"iss": "alliance-network", "aud": "alliance-network-api", "sub": user_id,
              "iat": now - 7200, "exp": now - 3600, "role": "platform_admin", "region_id": None,
              "alliance_id": None, "school_urn": None}
    return jwt.encode(claims, secret, algorithm="HS256")


def _answer_if(answer, status: int) -> dict | None:
    return answer.json() if answer.status_code == status else None


def build(admin: Api, anonymous: Api, jwt_secret: str) -> Tenants:
    region = admin.created("/api/v1/regions", {"name": "Matrix region", "code": "AUTHZ1"})
    far_region = admin.created("/api/v1/regions", {"name": "Matrix far region", "code": "AUTHZ2"})
    for urn in (S, O, N, E):
        admin.created("/api/v1/schools", school(urn, f"Matrix {urn} School"))

    def alliance(name: str, region_id: str, member: str) -> dict:
        made = admin.created("/api/v1/alliances", {"name": name, "region_id": region_id,
                                                   "kind": "teaching_school_alliance"})
        admin.created(f"/api/v1/alliances/{made['id']}/members", {"school_urn": member, "tier": "lead"})
        return made

    tenants = Tenants(admin, anonymous, region, far_region, alliance("Matrix A", region["id"], S),
                      alliance("Matrix B", region["id"], O), alliance("Matrix F", far_region["id"], E))

    def user(name: str, role: str, **scope: str) -> Api:
        email = f"{name}@matrix.test"
        admin.created("/api/v1/users", {"email": email, "name": name, "role": role, "password": PASSWORD,
                                        **scope})
        return anonymous.login(email, PASSWORD)

    a, b, f = tenants.a["id"], tenants.b["id"], tenants.f["id"]
    tenants.callers = {
        PLATFORM_ADMIN: admin,
        COORDINATOR: user(COORDINATOR, "regional_coordinator", region_id=region["id"]),
        COORDINATOR_ELSEWHERE: user(COORDINATOR_ELSEWHERE, "regional_coordinator", region_id=far_region["id"]),
        ALLIANCE_ADMIN: user(ALLIANCE_ADMIN, "alliance_admin", alliance_id=a),
        ALLIANCE_STAFF: user(ALLIANCE_STAFF, "alliance_staff", alliance_id=a),
        NEIGHBOUR_ADMIN: user(NEIGHBOUR_ADMIN, "alliance_admin", alliance_id=b),
        NEIGHBOUR_STAFF: user(NEIGHBOUR_STAFF, "alliance_staff", alliance_id=b),
        FAR_ADMIN: user(FAR_ADMIN, "alliance_admin", alliance_id=f),
        FAR_STAFF: user(FAR_STAFF, "alliance_staff", alliance_id=f),
        SCHOOL_USER: user(SCHOOL_USER, "school_user", school_urn=S),
        OTHER_SCHOOL_USER: user(OTHER_SCHOOL_USER, "school_user", school_urn=O),
        NON_MEMBER_SCHOOL_USER: user(NON_MEMBER_SCHOOL_USER, "school_user", school_urn=N),
        NO_TOKEN: anonymous,
    }
    me = admin.get("/api/v1/me").json()["user"]["id"]
    tenants.callers[EXPIRED_TOKEN] = Api(anonymous.base_url, expired_token(jwt_secret, me))

    tenants.leader = tenants.callers[ALLIANCE_ADMIN].created("/api/v1/system-leaders", {
        "name": "Matrix Leader", "email": "leader@matrix.test", "designation": "SLE", "school_urn": S,
        "alliance_id": a, "specialisms": ["maths"], "days_available": 5})

    tenants.support_leader = tenants.callers[NEIGHBOUR_ADMIN].created("/api/v1/system-leaders", {
        "name": "Matrix Support Leader", "email": "support.leader@matrix.test", "designation": "NLE",
        "school_urn": O, "alliance_id": b, "specialisms": ["maths"], "days_available": 150})
    # Support knows A, S and B's leader from membership's events once a referral can be matched.
    tenants.referral = eventually(lambda: _answer_if(tenants.callers[ALLIANCE_ADMIN].post(
        "/api/v1/referrals", referral_body(a)), 201))
    assert admin.post(f"/api/v1/referrals/{tenants.referral['id']}/share").status_code == 200
    eventually(lambda: tenants.support_leader["id"] in {
        item["system_leader"]["id"] for item in admin.get(
            f"/api/v1/referrals/{tenants.referral['id']}/matches").json()["items"]})

    def published_alliance_course():
        answer = tenants.callers[ALLIANCE_STAFF].post("/api/v1/courses", course_body(
            a, title="Matrix course", visibility="alliance", capacity=10_000))
        return answer.json() if answer.status_code == 201 else None
    tenants.course = eventually(published_alliance_course)
    assert admin.post(f"/api/v1/courses/{tenants.course['id']}/publish").status_code == 200
    # The school user sees A's alliance-only course once courses has S's membership from its events.
    eventually(lambda: tenants.callers[SCHOOL_USER].get(f"/api/v1/courses/{tenants.course['id']}").ok)
    tenants.booking = tenants.callers[SCHOOL_USER].created(
        f"/api/v1/courses/{tenants.course['id']}/bookings", {"school_urn": S, "participant": tenants.participant()})
    # Notifications told A's admin of A's referral, and knows alliance A, from the events.
    tenants.notification = eventually(lambda: next(iter(tenants.callers[ALLIANCE_ADMIN].get(
        "/api/v1/notifications").json()["items"]), None))
    tenants.webhook = eventually(lambda: _answer_if(tenants.callers[ALLIANCE_ADMIN].post(
        "/api/v1/webhooks", webhook_body(a)), 201))
    return tenants
