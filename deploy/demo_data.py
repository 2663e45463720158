"""Seed demo data through the gateway's HTTP API (shared/API.md).

    python -m deploy.demo_data [--base-url URL] [--force]

Logs in as the platform admin (ADMIN_EMAIL / ADMIN_PASSWORD) and creates the
EMSYH partnership with its Leicestershire alliances and hub, a second region,
schools (the URNs are made up, in the range GIAS uses), memberships, system
leaders, one user of each role, courses, and support referrals across the
Leicestershire alliances (shared, matched across alliances, visited and
reviewed, closed, and one overdue), opened and run as the home alliance's admin
or the regional coordinator. Every demo user's password is
``alliance-demo-2026`` (or DEMO_PASSWORD).

If region EMSYH already exists the data is taken to be present and nothing is
done (``--force`` goes on anyway); a 409 from any create means "already there",
and a referral whose school and summary are already in the region is skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import requests

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "alliance-demo-2026")

REGIONS = [
    {"name": "East Midlands, South Yorkshire and Humber", "code": "EMSYH"},
    {"name": "North West", "code": "NW"},
]

# urn, name, local authority, phase, trust, postcode
SCHOOLS = [
    ("138201", "Rushey Mead Academy", "Leicester", "secondary", "Rushey Mead Educational Trust", "LE4 7AN"),
    ("138202", "Rushey Mead Primary School", "Leicester", "primary", "Rushey Mead Educational Trust", "LE4 7DA"),
    ("120134", "Belgrave St Peter's CofE Primary School", "Leicester", "primary", None, "LE4 5PG"),
    ("120291", "Humberstone Infant Academy", "Leicester", "primary", None, "LE5 1AE"),
    ("139880", "Ellesmere College", "Leicester", "special", None, "LE3 1HG"),
    ("137415", "Beauchamp College", "Leicestershire", "secondary", "Lionheart Educational Trust", "LE2 4TZ"),
    ("137416", "Manor High School", "Leicestershire", "secondary", "Lionheart Educational Trust", "LE2 4FU"),
    ("120017", "Brookside Primary School", "Leicestershire", "primary", None, "LE2 4TA"),
    ("136870", "Loughborough Church of England Primary School", "Leicestershire", "primary", "Learning Without Limits Academy Trust", "LE11 1QA"),
    ("137112", "Limehurst Academy", "Leicestershire", "secondary", "Learning Without Limits Academy Trust", "LE11 1NH"),
    ("120220", "Booth Wood Primary School", "Leicestershire", "primary", None, "LE11 4SG"),
    ("137550", "Forest Way School", "Leicestershire", "special", None, "LE67 3SJ"),
    ("120305", "Hugglescote Community Primary School", "Leicestershire", "primary", None, "LE67 2GB"),
    ("137890", "Castle Rock High School", "Leicestershire", "secondary", "Affinity Schools Trust", "LE67 4BR"),
    ("138011", "Newcroft Primary Academy", "Leicestershire", "primary", "Affinity Schools Trust", "LE12 9TA"),
    ("120412", "Thurnby Mead Primary Academy", "Leicestershire", "primary", None, "LE7 9PH"),
    ("138520", "Step Nursery School", "Leicestershire", "nursery", None, "LE9 6JX"),
    ("120500", "Market Bosworth School", "Leicestershire", "secondary", None, "CV13 0JT"),
    ("141090", "Wigston Academy", "Leicestershire", "secondary", "Step Academy Trust", "LE18 2DS"),
    ("141091", "Glen Hills Primary School", "Leicestershire", "primary", "Step Academy Trust", "LE2 9NY"),
    ("119350", "Red Rose Primary School", "Lancashire", "primary", None, "BB1 5DX"),
    ("119351", "Pendle Vale Academy", "Lancashire", "secondary", None, "BB9 8LF"),
]

# name, region code, kind, lead school urn
ALLIANCES = [
    ("Affinity", "EMSYH", "teaching_school_alliance", "137890"),
    ("Forest Way", "EMSYH", "teaching_school_alliance", "137550"),
    ("Loughborough Learning Alliance", "EMSYH", "teaching_school_alliance", "137112"),
    ("Oadby Learning Partnership", "EMSYH", "teaching_school_alliance", "137415"),
    ("Step", "EMSYH", "teaching_school_alliance", "141090"),
    ("TELA", "EMSYH", "teaching_school_alliance", "120500"),
    ("Leicester Teaching School (LeTS)", "EMSYH", "teaching_school_hub", "138201"),
    ("Red Rose Teaching School Hub", "NW", "teaching_school_hub", "119351"),
]

# alliance, school urn, tier  (Manor High School is in two alliances)
MEMBERSHIPS = [
    ("Affinity", "137890", "lead"),
    ("Affinity", "138011", "strategic_partner"),
    ("Affinity", "120305", "partner"),
    ("Forest Way", "137550", "lead"),
    ("Forest Way", "120305", "associate"),
    ("Loughborough Learning Alliance", "137112", "lead"),
    ("Loughborough Learning Alliance", "136870", "strategic_partner"),
    ("Loughborough Learning Alliance", "120220", "partner"),
    ("Oadby Learning Partnership", "137415", "lead"),
    ("Oadby Learning Partnership", "137416", "strategic_partner"),
    ("Oadby Learning Partnership", "120017", "partner"),
    ("Step", "141090", "lead"),
    ("Step", "141091", "partner"),
    ("Step", "138520", "associate"),
    ("Step", "137416", "associate"),
    ("TELA", "120500", "lead"),
    ("TELA", "120412", "partner"),
    ("Leicester Teaching School (LeTS)", "138201", "lead"),
    ("Leicester Teaching School (LeTS)", "138202", "strategic_partner"),
    ("Leicester Teaching School (LeTS)", "120134", "partner"),
    ("Leicester Teaching School (LeTS)", "120291", "partner"),
    ("Leicester Teaching School (LeTS)", "139880", "associate"),
    ("Red Rose Teaching School Hub", "119351", "lead"),
    ("Red Rose Teaching School Hub", "119350", "partner"),
]

# name, email, designation, school urn, alliance, specialisms, phases, days per term
SYSTEM_LEADERS = [
    ("Priya Mistry", "priya.mistry@alliance.local", "NLE", "138201", "Leicester Teaching School (LeTS)", ["leadership", "send"], ["secondary"], 10),
    ("David Hollis", "david.hollis@alliance.local", "LLE", "120017", "Oadby Learning Partnership", ["leadership"], ["primary"], 6),
    ("Sarah Okafor", "sarah.okafor@alliance.local", "SLE", "137112", "Loughborough Learning Alliance", ["maths"], ["secondary"], 8),
    ("Tom Brannigan", "tom.brannigan@alliance.local", "SLE", "138520", "Step", ["early_years"], ["nursery", "primary"], 5),
    ("Helen Carter", "helen.carter@alliance.local", "SLE", "137550", "Forest Way", ["send"], ["primary", "secondary"], 6),
    ("Imran Patel", "imran.patel@alliance.local", "SLE", "138011", "Affinity", ["maths", "leadership"], ["primary"], 4),
]

# email, name, role, region code, alliance, school urn
USERS = [
    ("coordinator@alliance.local", "Rachel Dunmore", "regional_coordinator", "EMSYH", None, None),
    ("admin.lets@alliance.local", "Amrit Sandhu", "alliance_admin", None, "Leicester Teaching School (LeTS)", None),
    ("staff.lets@alliance.local", "Chloe Webb", "alliance_staff", None, "Leicester Teaching School (LeTS)", None),
    ("admin.oadby@alliance.local", "Mark Ellison", "alliance_admin", None, "Oadby Learning Partnership", None),
    ("staff.oadby@alliance.local", "Nadia Hussain", "alliance_staff", None, "Oadby Learning Partnership", None),
    ("office@brookside.alliance.local", "Jo Pritchard", "school_user", None, None, "120017"),
]


# alliance, title, programme, area, visibility, capacity, member / non-member price, days away, sessions
COURSES = [
    ("Leicester Teaching School (LeTS)", "Early career teachers: the full induction programme", "ect", "ecf",
     "region", 40, 0, 45000, 21, 3),
    ("Leicester Teaching School (LeTS)", "NPQ for Senior Leadership", "npq", "npq", "region", 30, 95000, 125000, 35, 4),
    ("Oadby Learning Partnership", "Leading maths across the primary school", "subject_cpd", "cpd",
     "alliance", 20, 15000, 22500, 14, 2),
    ("Oadby Learning Partnership", "Governors: understanding your school's data", "governors", "cpd",
     "public", 60, 4500, 6000, 28, 1),
]

# Brookside's staff booked on courses offered to it (a confirmation email each, in the local mailbox).
BOOKINGS = [
    ("Leading maths across the primary school", "120017", "Priya Shah", "priya.shah@brookside.alliance.local"),
    ("Early career teachers: the full induction programme", "120017", "Tom Hughes",
     "tom.hughes@brookside.alliance.local"),
]

# home alliance, school urn, need areas, priority, source, consent given by (None: not given, so not shared),
# received days ago, system leader deployed (None: not matched) and their days, then after a first visit
# ("review", rag, note) or ("close", outcome, impact summary), summary
REFERRALS = [
    ("Leicester Teaching School (LeTS)", "120291", ["early_years", "leadership"], "medium", "local_authority",
     "Headteacher, Humberstone Infant Academy", 9, "Tom Brannigan", 3, None,
     "New EYFS leader; the reception baseline shows weak communication and language."),
    ("Oadby Learning Partnership", "137416", ["maths"], "high", "inspection",
     "Chair of governors, Manor High School", 6, "Sarah Okafor", 4, None,
     "Inspection found maths in key stage 3 requires improvement; a new head of department since September."),
    ("Affinity", "137890", ["leadership", "send"], "medium", "alliance",
     "Headteacher, Castle Rock High School", 20, "Priya Mistry", 3,
     ("review", "amber", "SEND register reviewed with the SENCO; provision maps started, training for TAs next."),
     "The SENCO post is vacant; support for the SEND register and for middle leaders."),
    ("Forest Way", "120305", ["leadership"], "low", "self",
     "Headteacher, Hugglescote Community Primary School", 40, "David Hollis", 2,
     ("close", "improved", "Leadership structure and monitoring calendar in place; the head is confident to go on alone."),
     "An acting headteacher asks for coaching through the first term."),
    ("Step", "141091", ["maths"], "medium", "alliance",
     "Headteacher, Glen Hills Primary School", 4, "Imran Patel", 2, None,
     "Year 6 arithmetic results fell two years running; a mastery approach is wanted."),
    ("Loughborough Learning Alliance", "120220", ["send"], "medium", "local_authority",
     "Deputy headteacher, Booth Wood Primary School", 2, None, 0, None,
     "Rising number of pupils with EHC plans; the school wants help with its SEND provision."),
    ("TELA", "120412", ["behaviour", "attendance"], "high", "local_authority",
     None, 30, None, 0, None,
     "Persistent absence at 24%; the local authority asks for urgent support with attendance and behaviour."),
]


def course_body(alliance_id: str, title: str, programme: str, area: str, visibility: str, capacity: int,
                member: int, non_member: int, days_away: int, sessions: int) -> dict[str, Any]:
    first = (datetime.now(timezone.utc) + timedelta(days=days_away)).replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "alliance_id": alliance_id, "title": title, "programme": programme, "area": area,
        "visibility": visibility, "capacity": capacity, "price_member_pence": member,
        "price_non_member_pence": non_member, "cancellation_deadline_days": 7,
        "sessions": [{"starts_at": (first + timedelta(weeks=n)).isoformat(),
                      "ends_at": (first + timedelta(weeks=n, hours=6)).isoformat(), "venue": "Rushey Mead Academy"}
                     for n in range(sessions)],
    }


class Client:
    """The gateway API as the admin; ``create`` treats 409 as already present."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def login(self, email: str, password: str) -> None:
        response = self.session.post(f"{self.base_url}/api/v1/auth/token", json={"email": email, "password": password}, timeout=10)
        self._check(response, "POST /api/v1/auth/token")
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def get_all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
            response = self._send("GET", path, params=query)
            self._check(response, f"GET {path}")
            page = response.json()
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                return items

    def get(self, path: str) -> dict[str, Any]:
        response = self._send("GET", path)
        self._check(response, f"GET {path}")
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST where any error (a 409 too) is a failure."""
        response = self._send("POST", path, json=body)
        self._check(response, f"POST {path}")
        return response.json()

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The created object, or None when it already exists (409)."""
        response = self._send("POST", path, json=body)
        if response.status_code == 409:
            return None
        self._check(response, f"POST {path}")
        return response.json()

    def create_when_known(self, path: str, body: dict[str, Any], seconds: float = 15) -> dict[str, Any]:
        """Create, retrying while the service has not yet had the events it needs (422)."""
        deadline = time.monotonic() + seconds
        while True:
            response = self._send("POST", path, json=body)
            if response.status_code != 422 or time.monotonic() > deadline:
                self._check(response, f"POST {path}")
                return response.json()
            time.sleep(0.2)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request; a 429 from the gateway's per-user rate limit is waited out (Retry-After) and
        the request sent again (the gateway refused it before doing anything)."""
        while True:
            response = self.session.request(method, f"{self.base_url}{path}", timeout=10, **kwargs)
            if response.status_code != 429:
                return response
            time.sleep(int(response.headers.get("Retry-After", "1")))

    @staticmethod
    def _check(response: requests.Response, what: str) -> None:
        if response.status_code >= 400:
            raise SystemExit(f"demo_data: {what} -> {response.status_code}: {response.text[:500]}")


def seed(client: Client, force: bool = False) -> bool:
    """Create the demo data; False when it was already there."""
    regions = {r["code"]: r for r in client.get_all("/api/v1/regions")}
    if "EMSYH" in regions and not force:
        print(f"demo data is present (region EMSYH exists at {client.base_url}); nothing to do")
        return False

    def report(kind: str, label: str, created: dict[str, Any] | None) -> None:
        print(f"  {kind:14} {label}{'' if created else '  (already there)'}")

    print(f"seeding demo data at {client.base_url}")
    for region in REGIONS:
        created = client.create("/api/v1/regions", region)
        report("region", f"{region['code']}: {region['name']}", created)
    regions = {r["code"]: r for r in client.get_all("/api/v1/regions")}

    for urn, name, local_authority, phase, trust, postcode in SCHOOLS:
        body = {"urn": urn, "name": name, "local_authority": local_authority, "phase": phase, "postcode": postcode}
        if trust:
            body["trust"] = trust
        report("school", f"{urn} {name}", client.create("/api/v1/schools", body))

    alliances: dict[str, dict[str, Any]] = {}
    for code in {code for _, code, _, _ in ALLIANCES}:
        alliances.update({a["name"]: a for a in client.get_all("/api/v1/alliances", region_id=regions[code]["id"])})
    for name, code, kind, lead_urn in ALLIANCES:
        if name in alliances:
            report("alliance", name, None)
            continue
        body = {"name": name, "region_id": regions[code]["id"], "kind": kind, "lead_school_urn": lead_urn}
        created = client.create("/api/v1/alliances", body)
        report("alliance", f"{name} ({kind})", created)
        if created:
            alliances[name] = created
    missing = [name for name, *_ in ALLIANCES if name not in alliances]
    if missing:
        raise SystemExit(f"demo_data: alliances not found after creating them: {missing}")

    for alliance, urn, tier in MEMBERSHIPS:
        created = client.create(f"/api/v1/alliances/{alliances[alliance]['id']}/members", {"school_urn": urn, "tier": tier})
        report("membership", f"{urn} in {alliance} as {tier}", created)

    # A second designation of the same person is not a conflict to the API: look them up.
    leaders = {leader["email"] for code in regions for leader in client.get_all("/api/v1/system-leaders", region_id=regions[code]["id"])}
    for name, email, designation, urn, alliance, specialisms, phases, days in SYSTEM_LEADERS:
        if email in leaders:
            report("system leader", f"{designation} {name}", None)
            continue
        body = {
            "name": name, "email": email, "designation": designation, "school_urn": urn,
            "alliance_id": alliances[alliance]["id"], "specialisms": specialisms, "phases": phases,
            "days_available": days,
        }
        report("system leader", f"{designation} {name} ({', '.join(specialisms)})", client.create("/api/v1/system-leaders", body))

    for email, name, role, region_code, alliance, urn in USERS:
        body: dict[str, Any] = {"email": email, "name": name, "role": role, "password": DEMO_PASSWORD}
        if region_code:
            body["region_id"] = regions[region_code]["id"]
        if alliance:
            body["alliance_id"] = alliances[alliance]["id"]
        if urn:
            body["school_urn"] = urn
        report("user", f"{role:20} {email}", client.create("/api/v1/users", body))

    courses = {}
    for alliance, title, *details in COURSES:
        course = client.create_when_known("/api/v1/courses", course_body(alliances[alliance]["id"], title, *details))
        client.create(f"/api/v1/courses/{course['id']}/publish", {})
        report("course", f"{title} ({alliance})", course)
        courses[title] = course
    for title, urn, name, email in BOOKINGS:
        booking = client.create_when_known(f"/api/v1/courses/{courses[title]['id']}/bookings", {
            "school_urn": urn, "participant": {"name": name, "email": email}})
        report("booking", f"{name} on {title}", booking)

    seed_referrals(client.base_url, regions["EMSYH"]["id"], alliances, report)
    print(f"demo users' password: {DEMO_PASSWORD}")
    return True


def london_today() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


def signed_in(base_url: str, email: str) -> Client:
    client = Client(base_url)
    client.login(email, DEMO_PASSWORD)
    return client


def leader_id(client: Client, referral_id: str, name: str, seconds: float = 15) -> str:
    """The id of the leader named ``name`` among the referral's matches (support learns leaders from events)."""
    deadline = time.monotonic() + seconds
    while True:
        matches = client.get(f"/api/v1/referrals/{referral_id}/matches")
        found = [c["system_leader"]["id"] for c in matches["items"] if c["system_leader"]["name"] == name]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise SystemExit(f"demo_data: {name} is not a match for referral {referral_id}: {matches}")
        time.sleep(0.2)


def seed_referrals(base_url: str, region_id: str, alliances: dict[str, dict[str, Any]], report: Any) -> None:
    """Each referral as its home alliance's admin, or as the regional coordinator for an alliance without one."""
    coordinator = signed_in(base_url, next(email for email, _, role, *_ in USERS if role == "regional_coordinator"))
    admins = {alliance: signed_in(base_url, email) for email, _, role, _, alliance, _ in USERS if role == "alliance_admin"}
    present = {(r["school_urn"], r["summary"]) for r in coordinator.get_all("/api/v1/referrals", region_id=region_id)}
    today = london_today()
    for alliance, urn, needs, priority, source, consent_by, days_ago, leader, days, then, summary in REFERRALS:
        if (urn, summary) in present:
            report("referral", f"{urn} ({alliance})", None)
            continue
        client = admins.get(alliance, coordinator)
        body = {"school_urn": urn, "alliance_id": alliances[alliance]["id"], "need_areas": needs, "priority": priority,
                "source": source, "summary": summary, "consent_to_share": consent_by is not None,
                "consent_given_by": consent_by, "received_on": (today - timedelta(days=days_ago)).isoformat()}
        referral = client.create_when_known("/api/v1/referrals", body)
        path = f"/api/v1/referrals/{referral['id']}"
        if consent_by:
            client.post(f"{path}/share", {})
        if leader:
            assigned = client.create_when_known(f"{path}/assign", {"system_leader_id": leader_id(client, referral["id"], leader), "days": days})
            if then:
                client.post(f"{path}/deployments/{assigned['deployment']['id']}/visits",
                            {"visited_on": today.isoformat(), "days_used": 1, "note": "First visit: needs agreed with the headteacher."})
                step, value, note = then
                if step == "review":
                    client.post(f"{path}/reviews", {"rag": value, "note": note})
                else:
                    client.post(f"{path}/close", {"outcome": value, "impact_summary": note})
        steps = ", ".join(filter(None, ["shared" if consent_by else "", f"{leader} for {days} days" if leader else "",
                                        then[0] if then else ""]))
        report("referral", f"{urn} ({alliance}, {priority}{': ' + steps if steps else ''})", referral)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.demo_data", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url",
        default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}",
        help="the gateway (default http://127.0.0.1:$GATEWAY_PORT)",
    )
    parser.add_argument("--force", action="store_true", help="seed even if region EMSYH exists")
    args = parser.parse_args(argv)
    client = Client(args.base_url)
    try:
        client.login(os.environ.get("ADMIN_EMAIL", "admin@alliance.local"), os.environ.get("ADMIN_PASSWORD", "change-me-now"))
        seed(client, force=args.force)
    except requests.RequestException as error:
        print(f"demo_data: cannot reach the gateway at {args.base_url}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
