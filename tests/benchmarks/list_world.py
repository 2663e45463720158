"""The list benchmark's small world, made through the gateway as people would make it.

Four regions and 20 alliances (three of them in the measured region), 600
schools and their memberships, a coordinator, an alliance's staff and a school's
user, 300 courses, about 1,000 bookings (the measured course filled and
waitlisted), about 1,000 referrals (some shared with the region), system leaders
of the measured alliance deployed on other alliances' referrals. Requests go
out from a few threads; each kind waits until the services that copy membership's
data from events have caught up.
"""
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable

import requests

from services.chassis.scope import CallerScope
from tests.benchmarks.list_volume import World

PASSWORD = "bench-lists-password"
REGIONS = 4
ALLIANCES = 20  # the first three in the measured region
SCHOOLS = 600
FIRST_URN = 300_000
COURSES = 300
BOOKINGS = 800  # besides the measured course's 200
REFERRALS = 1_000
LEADERS = 20
ASSIGNMENTS = 40
THREADS = 4
SPECIALISMS = ["maths", "english", "send", "leadership"]


class Api:
    """The gateway as one caller, from any number of threads (a session each)."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token, self.local = base, token, threading.local()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.headers["Authorization"] = f"Bearer {self.token}"
        return self.local.session

    def post(self, path: str, body: dict | None = None, retry_while: tuple[int, ...] = ()) -> dict:
        """POST; while the answer's status is in ``retry_while`` (a copy not there yet), try again for 30 s."""
        deadline = time.monotonic() + 30
        while True:
            answer = self.http.post(self.base + path, json=body)
            if answer.status_code not in retry_while or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if answer.status_code >= 400:
            raise SystemExit(f"POST {path} -> {answer.status_code}: {answer.text[:300]}")
        return answer.json()

    def get(self, path: str, **params: object) -> dict:
        answer = self.http.get(self.base + path, params=params)
        answer.raise_for_status()
        return answer.json()

    def all_at_once(self, calls: Iterable[Callable[[], object]]) -> list:
        with ThreadPoolExecutor(THREADS) as pool:
            return list(pool.map(lambda call: call(), list(calls)))


@dataclass
class Caller:
    name: str
    token: str
    scope: CallerScope


@dataclass
class SeededWorld:
    world: World  # what the volume hangs on
    region: str  # the measured region
    callers: dict[str, Caller]  # admin, coordinator, alliance staff, school user


def _login(api: Api, name: str, email: str, password: str) -> Caller:
    answer = requests.post(f"{api.base}/api/v1/auth/token", json={"email": email, "password": password})
    answer.raise_for_status()
    token = answer.json()["access_token"]
    me = Api(api.base, token).get("/api/v1/me")
    return Caller(name, token, CallerScope.from_dict(me["scope"]))


def _courses(api: Api, alliances: list[dict]) -> list[dict]:
    starts = datetime.now(timezone.utc) + timedelta(days=30)

    def draft(n: int) -> dict:
        alliance = alliances[0] if n < 100 else alliances[1] if n < 160 else alliances[2] if n < 200 \
            else alliances[3 + n % (ALLIANCES - 3)]
        first = starts + timedelta(hours=n)
        course = api.post("/api/v1/courses", {
            "alliance_id": alliance["id"], "title": f"Course {n}", "programme": "subject_cpd", "area": "cpd",
            "visibility": ["region", "alliance", "public"][n % 3] if n else "region", "capacity": 100 if n == 0 else 30,
            "price_member_pence": 9000, "price_non_member_pence": 14000, "cancellation_deadline_days": 7,
            "sessions": [{"starts_at": first.isoformat(), "ends_at": (first + timedelta(hours=6)).isoformat()}]},
            retry_while=(422,))  # courses learns of the alliance from membership's events
        return api.post(f"/api/v1/courses/{course['id']}/publish")
    return api.all_at_once(lambda n=n: draft(n) for n in range(COURSES))


def _referrals(api: Api, members: dict[str, str], alliances: list[dict], leader_schools: set[str]) -> list[dict]:
    draw = random.Random(5)
    schools = [urn for urn in members if urn not in leader_schools]
    # The last school first: once support knows it and its alliance, it knows the others.
    last = schools[-1]
    api.post("/api/v1/referrals", {"school_urn": last, "alliance_id": members[last], "need_areas": ["maths"],
                                   "priority": "medium", "summary": "Probe", "consent_to_share": False},
             retry_while=(422,))

    def open_one(n: int) -> dict:
        urn = schools[0] if n % 8 == 0 else draw.choice(schools)  # one in eight the school user's
        consent = n % 5 < 3
        return api.post("/api/v1/referrals", {
            "school_urn": urn, "alliance_id": members[urn], "need_areas": [SPECIALISMS[n % len(SPECIALISMS)]],
            "priority": ["low", "medium", "high", "urgent"][n % 4], "summary": "Falling attainment in KS2 maths",
            "consent_to_share": consent, **({"consent_given_by": "The head teacher"} if consent else {})})
    opened = api.all_at_once(lambda n=n: open_one(n) for n in range(REFERRALS - 1))
    to_share = [r for n, r in enumerate(opened) if r["consent_to_share"] and n % 5 == 0]
    api.all_at_once(lambda r=r: api.post(f"/api/v1/referrals/{r['id']}/share") for r in to_share)
    return opened


def _deploy_leaders(api: Api, busy: dict, referrals: list[dict], leader_schools: list[str]) -> int:
    """The measured alliance's leaders on other alliances' referrals of the region (with consent)."""
    leaders = [api.post("/api/v1/system-leaders", {
        "name": f"Leader {n}", "email": f"leader{n}@bench.test", "designation": "SLE",
        "school_urn": leader_schools[n % len(leader_schools)], "alliance_id": busy["id"],
        "specialisms": SPECIALISMS, "phases": ["primary"], "days_available": 30}) for n in range(LEADERS)]
    others = [r for r in referrals if r["consent_to_share"] and r["alliance_id"] != busy["id"]
              and r["region_id"] == busy["region_id"]][:ASSIGNMENTS]
    for n, referral in enumerate(others):
        api.post(f"/api/v1/referrals/{referral['id']}/assign",
                 {"system_leader_id": leaders[n % LEADERS]["id"], "days": 1},
                 retry_while=(422,))  # support learns of the leader from membership's events
    return len(others)


def seed(base: str, admin_token: str, report: Callable[[str], None] = print) -> SeededWorld:
    api = Api(base, admin_token)
    began = time.perf_counter()
    regions = [api.post("/api/v1/regions", {"name": f"Region {n}", "code": f"LR{n}"}) for n in range(REGIONS)]
    alliances = [api.post("/api/v1/alliances", {
        "name": f"Alliance {n:02d}", "region_id": regions[0 if n < 3 else 1 + n % (REGIONS - 1)]["id"],
        "kind": "teaching_school_hub" if n % 4 == 0 else "teaching_school_alliance"}) for n in range(ALLIANCES)]
    busy = alliances[0]
    urns = [f"{FIRST_URN + n}" for n in range(SCHOOLS)]
    api.all_at_once(lambda urn=urn: api.post("/api/v1/schools", {
        "urn": urn, "name": f"School {urn}", "local_authority": "Leicestershire", "phase": "primary"}) for urn in urns)
    # Half the schools are the measured alliance's; the rest spread over the others.
    members = {urn: (busy if n % 2 == 0 else alliances[1 + n % (ALLIANCES - 1)])["id"] for n, urn in enumerate(urns)}
    api.all_at_once(lambda urn=urn: api.post(f"/api/v1/alliances/{members[urn]}/members",
                                             {"school_urn": urn, "tier": "partner"}) for urn in urns)
    for email, role, where in [("coordinator@lists.test", "regional_coordinator", {"region_id": regions[0]["id"]}),
                               ("staff@lists.test", "alliance_staff", {"alliance_id": busy["id"]}),
                               ("school@lists.test", "school_user", {"school_urn": urns[0],
                                                                     "region_id": regions[0]["id"]})]:
        api.post("/api/v1/users", {"email": email, "name": email.partition("@")[0], "role": role,
                                   "password": PASSWORD, **where})
    admin_me = api.get("/api/v1/me")
    callers = {"admin": Caller("admin", admin_token, CallerScope.from_dict(admin_me["scope"])),
               "coordinator": _login(api, "coordinator", "coordinator@lists.test", PASSWORD),
               "alliance staff": _login(api, "alliance staff", "staff@lists.test", PASSWORD),
               "school user": _login(api, "school user", "school@lists.test", PASSWORD)}

    courses = _courses(api, alliances)
    busy_course = courses[0]
    # The measured course: 100 places, 200 bookings (100 waitlisted); the last school first, until courses
    # knows it and prices it as a member (its copies of schools and memberships are in).
    draw = random.Random(9)
    for attempt in range(300):
        booked = api.post(f"/api/v1/courses/{busy_course['id']}/bookings", {
            "school_urn": urns[-2], "participant": {"name": "Probe", "email": f"probe{attempt}@lists.test"}},
            retry_while=(422,))
        if booked["member_price"]:
            break
        api.post(f"/api/v1/bookings/{booked['id']}/cancel")
        time.sleep(0.1)
    numbers = iter(range(10**6))

    def book(course: dict) -> dict:
        number = next(numbers)  # one in eight for the school user's school: pages of its own to measure
        return api.post(f"/api/v1/courses/{course['id']}/bookings", {
            "school_urn": urns[0] if number % 8 == 0 else draw.choice(urns),
            "participant": {"name": "Bench Teacher", "email": f"t{number}@lists.test"}})
    api.all_at_once(lambda: book(busy_course) for _ in range(199))
    api.all_at_once(lambda course=draw.choice(courses[1:]): book(course) for _ in range(BOOKINGS))

    leader_schools = [urn for n, urn in enumerate(urns) if n % 2 == 0][-LEADERS:]
    referrals = _referrals(api, members, alliances, set(leader_schools))
    deployed = _deploy_leaders(api, busy, referrals, leader_schools)
    report(f"seeded through the gateway in {time.perf_counter() - began:.0f}s: {REGIONS} regions, {ALLIANCES} "
           f"alliances, {SCHOOLS} schools and memberships, 4 callers, {COURSES} courses, {BOOKINGS + 200} bookings, "
           f"{REFERRALS} referrals, {deployed} leaders deployed")
    world = World(alliance_ids=[a["id"] for a in alliances], region_ids=[a["region_id"] for a in alliances],
                  busy_alliance=busy["id"], busy_course=busy_course["id"], busy_school=urns[0],
                  actor=callers["admin"].scope.user_id)
    return SeededWorld(world, regions[0]["id"], callers)
