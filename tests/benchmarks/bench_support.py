"""The support service at a region's scale, through the gateway: opening referrals, matches, the board.

Starts its own stack on fresh databases and a fresh vhost. Through the API it
creates one region, 12 alliances, a handful of schools, the region's
coordinator and an admin of each alliance. The volume is then written
straight into support's database, where support keeps its copies of
membership data: 3,000 schools in 8 local authorities (some in trusts), their
memberships, 2,000 system leaders of the region, and 20,000 referrals from
the last two years with their deployments (some cross-alliance) and
timelines. Then, from concurrent keep-alive clients, it measures

  - opening referrals (POST /api/v1/referrals) by the alliance admins and the coordinator;
  - matches for random unmatched referrals (GET /api/v1/referrals/{id}/matches);
  - the region's board (GET /api/v1/regions/{id}/referral-board), as JSON and as CSV;

each bounded by a count of requests and by time, then matches and the board
again from one client alone (each request's own time, not queued behind
the others'). It prints p50/p99 latency, throughput, each process's peak
memory and the reference loop's time beside the issue's targets (2,000
leaders, 20,000 referrals: matches p99 <= 100 ms, the board p99 <= 200 ms,
>= 200 referrals opened/s). It prints; it asserts nothing.

    make bench-support   # or: .venv/bin/python -m tests.benchmarks.bench_support --clients 16 --support-replicas 1
"""
import argparse
import os
import random
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import requests
import sqlalchemy as sa

from services.specialisms import SPECIALISMS
from services.support import models
from services.support.lifecycle import UNMATCHED
from services.support.time_limits import TimeLimits, academic_year, london_today
from tests.benchmarks.bench_stack import bench_stack
from tests.benchmarks.measure import peak_memory_mib, reference_loop_seconds, run_load

ALLIANCES = 12
API_SCHOOLS = 8
SCHOOLS = 3_000
LEADERS = 2_000
REFERRALS = 20_000
HISTORY_DAYS = 730
PASSWORD = "bench-support-password"
LOCAL_AUTHORITIES = ["Leicester", "Leicestershire", "Derby", "Derbyshire", "Nottingham", "Nottinghamshire",
                     "Lincolnshire", "Rutland"]
PHASES = {"primary": 62, "secondary": 18, "special": 6, "nursery": 4, "all_through": 3, "middle": 2,
          "alternative_provision": 3, "post_16": 2}
PRIORITIES = {"low": 25, "medium": 45, "high": 22, "urgent": 8}
SOURCES = {"alliance": 50, "self": 25, "local_authority": 20, "inspection": 5}
TARGETS = {"open": "≥ 200/s", "matches": "p99 ≤ 100 ms", "board": "p99 ≤ 200 ms"}
LIMITS = TimeLimits.from_environment()


def pick(weights: dict[str, int]) -> str:
    return random.choices(list(weights), list(weights.values()))[0]


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.http = base, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict) -> dict:
        answer = self.http.post(self.base + path, json=body)
        if answer.status_code >= 400:
            raise SystemExit(f"POST {path} -> {answer.status_code}: {answer.text[:300]}")
        return answer.json()


def login(base: str, email: str) -> str:
    answer = requests.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    answer.raise_for_status()
    return answer.json()["access_token"]


def seed_through_api(api: Api) -> tuple[dict, list[dict], dict[str, str]]:
    """The region, its alliances, a few schools and the users; the users' tokens by alliance id ("" the coordinator)."""
    region = api.post("/api/v1/regions", {"name": "East Midlands (bench)", "code": "EMB"})
    alliances = [api.post("/api/v1/alliances", {
        "name": f"Alliance {n + 1:02d}", "region_id": region["id"],
        "kind": "teaching_school_hub" if n < 2 else "teaching_school_alliance"}) for n in range(ALLIANCES)]
    for n in range(API_SCHOOLS):
        api.post("/api/v1/schools", {"urn": f"{390000 + n}", "name": f"Registered School {n}",
                                     "local_authority": LOCAL_AUTHORITIES[n], "phase": "primary"})
    users = [("coordinator@bench.test", "regional_coordinator", {"region_id": region["id"]}, "")]
    users += [(f"admin{n}@bench.test", "alliance_admin", {"alliance_id": a["id"]}, a["id"])
              for n, a in enumerate(alliances)]
    tokens = {}
    for email, role, where, key in users:
        api.post("/api/v1/users", {"email": email, "name": email.partition("@")[0], "role": role,
                                   "password": PASSWORD, **where})
        tokens[key] = login(api.base, email)
    return region, alliances, tokens


def wait_for_copies(engine: sa.Engine, region_id: str, seconds: float = 60) -> None:
    """Support learns of the alliances and schools from membership's events."""
    deadline = time.monotonic() + seconds
    while True:
        with engine.connect() as conn:
            known = conn.execute(sa.select(sa.func.count()).select_from(models.alliances)
                                 .where(models.alliances.c.region_id == region_id)).scalar()
            schools = conn.execute(sa.select(sa.func.count()).select_from(models.schools)).scalar()
        if known == ALLIANCES and schools >= API_SCHOOLS:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"support has {known} of {ALLIANCES} alliances and {schools} schools after {seconds}s")
        time.sleep(0.2)


def _schools(alliance_ids: list[str]) -> tuple[list[dict], list[dict]]:
    """Schools spread over the local authorities, ~45% in trusts of 3-15, each a member of one or two alliances."""
    schools, memberships = [], []
    trusts: list[tuple[str, str]] = []  # name, local authority
    while len(trusts) < 110:
        trusts.append((f"Trust {len(trusts) + 1} Academy Trust", random.choice(LOCAL_AUTHORITIES)))
    for n in range(SCHOOLS):
        la = LOCAL_AUTHORITIES[min(int(random.expovariate(0.35)), len(LOCAL_AUTHORITIES) - 1)]
        trust = None
        if random.random() < 0.45:
            name, home = random.choice(trusts)
            trust, la = name, (home if random.random() < 0.8 else la)
        urn = f"{400000 + n}"
        schools.append({"urn": urn, "name": f"School {urn}", "local_authority": la, "phase": pick(PHASES),
                        "trust": trust})
        home = alliance_ids[(LOCAL_AUTHORITIES.index(la) + random.choice((0, 0, 0, 8))) % len(alliance_ids)]
        homes = {home} | ({random.choice(alliance_ids)} if random.random() < 0.1 else set())
        memberships += [{"id": str(uuid.uuid4()), "alliance_id": a, "school_urn": urn, "status": "active"}
                        for a in homes]
    return schools, memberships


def _leaders(region_id: str, schools: list[dict], home_of: dict[str, str]) -> list[dict]:
    leaders = []
    for n in range(LEADERS):
        school = random.choice(schools)
        phases = {school["phase"]} | ({random.choice(list(PHASES))} if random.random() < 0.3 else set())
        leaders.append({
            "id": str(uuid.uuid4()), "name": f"Leader {n:04d}", "region_id": region_id,
            "designation": random.choices(["NLE", "LLE", "SLE"], [15, 15, 70])[0],
            "school_urn": school["urn"], "trust": school["trust"], "alliance_id": home_of[school["urn"]],
            "specialisms": random.sample(SPECIALISMS, random.randint(1, 3)), "phases": sorted(phases),
            "days_available": random.randint(5, 30), "status": "active"})
    return leaders


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def _status(age_days: int) -> str:
    """Recent referrals are mostly waiting or under way; old ones mostly finished, a few forgotten."""
    if age_days < 30:
        return random.choices(["open", "shared", "matched", "active", "withdrawn"], [35, 25, 20, 17, 3])[0]
    if age_days < 150:
        return random.choices(["open", "shared", "matched", "active", "closed", "withdrawn"], [2, 2, 8, 45, 38, 5])[0]
    return random.choices(["open", "shared", "active", "closed", "withdrawn"], [0.5, 0.5, 4, 87, 8])[0]


def _referrals(region_id: str, schools: list[dict], home_of: dict[str, str], leaders: list[dict],
               actors: list[str]) -> tuple[list[dict], list[dict], list[dict]]:
    """Referrals of the last two years; the matched ones with deployments that fit the leaders' days."""
    now = datetime.now(timezone.utc)
    today = london_today(now)
    held: Counter = Counter()  # (leader id, academic year) -> days
    by_area: dict[str, list[dict]] = {}
    for leader in leaders:
        for area in leader["specialisms"]:
            by_area.setdefault(area, []).append(leader)
    referrals, deployments, timeline = [], [], []
    for _ in range(REFERRALS):
        age = int(random.triangular(0, HISTORY_DAYS, 0))
        received = today - timedelta(days=age)
        opened = _at(received, 9) + timedelta(minutes=random.randint(0, 480))
        school = random.choice(schools)
        alliance, priority, status = home_of[school["urn"]], pick(PRIORITIES), _status(age)
        areas = random.sample(SPECIALISMS, random.choices([1, 2, 3], [50, 35, 15])[0])
        consent = random.random() < (0.95 if status == "shared" else 0.6)
        due = LIMITS.match_due_on(received, priority)
        matched_at = closed_at = None
        if status in ("matched", "active", "closed") or (status == "withdrawn" and random.random() < 0.3):
            matched_at = min(now, opened + timedelta(days=random.uniform(0.5, 2.0) * (due - received).days + 0.2))
        if status in ("closed", "withdrawn"):
            closed_at = min(now, (matched_at or opened) + timedelta(days=random.randint(5, 120)))
        referral = {
            "id": str(uuid.uuid4()), "school_urn": school["urn"], "alliance_id": alliance, "region_id": region_id,
            "need_areas": areas, "priority": priority, "source": pick(SOURCES), "summary": "Bench referral",
            "consent_to_share": consent, "consent_given_by": "The head teacher" if consent else None,
            "consent_recorded_by": random.choice(actors) if consent else None,
            "consent_recorded_at": opened if consent else None, "status": status, "received_on": received,
            "match_due_on": due, "opened_by": random.choice(actors), "opened_at": opened,
            "shared_at": opened + timedelta(hours=2) if status == "shared" or (consent and random.random() < 0.4)
            else None,
            "matched_at": matched_at, "closed_at": closed_at,
            # overdue and unmatched: the periodic escalation did its work when they fell due
            "escalated_at": _at(due + timedelta(days=1), 7)
            if status in UNMATCHED and due < today else None,
            "outcome": random.choice(["improved", "sustained", "no_change"]) if status == "closed" else None,
            "updated_at": closed_at or matched_at or opened}
        referrals.append(referral)
        timeline.append({"referral_id": referral["id"], "at": opened, "action": "opened", "to_status": "open",
                         "actor_id": referral["opened_by"], "actor_role": "alliance_admin",
                         "detail": {"priority": priority, "need_areas": areas}})
        if matched_at is None:
            continue
        year = academic_year(matched_at.date())
        candidates = list({leader["id"]: leader for area in areas for leader in by_area.get(area, [])}.values())
        own = [leader for leader in candidates if leader["alliance_id"] == alliance]
        if not consent or (own and random.random() < 0.7):  # a home alliance looks to its own leaders first
            candidates = own
        placed, wanted = 0, random.choice((1, 1, 1, 2))
        for leader in random.sample(candidates, min(len(candidates), 12)):
            days = random.randint(1, 4)
            if placed == wanted:
                break
            if leader["school_urn"] == school["urn"] or held[leader["id"], year] + days > leader["days_available"]:
                continue
            held[leader["id"], year] += days
            finished = status in ("closed", "withdrawn")
            used = days if status == "closed" else (random.randint(1, days) if status == "active" else 0)
            deployments.append({
                "id": str(uuid.uuid4()), "referral_id": referral["id"], "system_leader_id": leader["id"],
                "leader_alliance_id": leader["alliance_id"], "referral_alliance_id": alliance,
                "cross_alliance": leader["alliance_id"] != alliance, "days": used if finished else days,
                "days_used": used, "academic_year": year, "status": "ended" if finished else "active",
                "assigned_by": referral["opened_by"], "assigned_at": matched_at, "referral_opened_at": opened})
            timeline.append({"referral_id": referral["id"], "at": matched_at, "action": "assigned",
                             "from_status": "open", "to_status": "matched", "actor_id": referral["opened_by"],
                             "actor_role": "alliance_admin", "detail": {"system_leader_id": leader["id"],
                                                                        "days": days}})
            placed += 1
    return referrals, deployments, timeline


def seed_volume(engine: sa.Engine, region_id: str, alliance_ids: list[str], actors: list[str]) -> dict:
    """Support's copies and the referrals, inserted directly (only the volume; nothing measured goes this way)."""
    random.seed(20261124)
    schools, memberships = _schools(alliance_ids)
    home_of = {}
    for member in memberships:
        home_of.setdefault(member["school_urn"], member["alliance_id"])
    leaders = _leaders(region_id, schools, home_of)
    referrals, deployments, timeline = _referrals(region_id, schools, home_of, leaders, actors)
    with engine.begin() as conn:
        conn.execute(models.schools.insert(), schools)
        conn.execute(models.memberships.insert(), [{**m, "region_id": region_id} for m in memberships])
        conn.execute(models.system_leaders.insert(), leaders)
        conn.execute(models.referrals.insert(), referrals)
        conn.execute(models.deployments.insert(), deployments)
        conn.execute(models.timeline.insert(), timeline)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))  # as autovacuum would have, long before
    return {"schools": schools, "home_of": home_of, "leaders": leaders, "referrals": referrals,
            "deployments": deployments}


def describe(volume: dict) -> str:
    statuses = Counter(r["status"] for r in volume["referrals"])
    cross = sum(d["cross_alliance"] for d in volume["deployments"])
    overdue = sum(1 for r in volume["referrals"] if r["escalated_at"] is not None)
    return (f"seeded into support's database: {len(volume['schools'])} schools, {len(volume['leaders'])} leaders, "
            f"{len(volume['referrals'])} referrals {dict(sorted(statuses.items()))}, "
            f"{len(volume['deployments'])} deployments ({cross} cross-alliance), {overdue} overdue unmatched")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    parser.add_argument("--support-replicas", type=int, default=1)
    parser.add_argument("--opens", type=int, default=2000, help="referrals to open")
    parser.add_argument("--matches", type=int, default=500, help="GETs of matches")
    parser.add_argument("--boards", type=int, default=200, help="GETs of the board")
    parser.add_argument("--seconds", type=float, default=40, help="at most this long for each measurement")
    args = parser.parse_args()

    with bench_stack(args.workers, {"support": args.support_replicas}) as (stack, admin_token):
        base = stack.base_url
        began = time.perf_counter()
        region, alliances, tokens = seed_through_api(Api(base, admin_token))
        engine = sa.create_engine(stack.host_env["SUPPORT_DB_URL"])
        wait_for_copies(engine, region["id"])
        alliance_ids = [a["id"] for a in alliances]
        volume = seed_volume(engine, region["id"], alliance_ids, [str(uuid.uuid4()) for _ in range(13)])
        print(f"stack up at {base}; 1 region, {ALLIANCES} alliances, {API_SCHOOLS} schools and "
              f"{len(tokens)} users through the API; seeding took {time.perf_counter() - began:.0f}s")
        print(describe(volume))
        print(f"{args.clients} clients, at most {args.seconds:.0f}s per measurement; MAX_WORKERS={args.workers}; "
              f"support replicas={args.support_replicas}; {os.cpu_count()} cores")
        print(f"reference loop before: {reference_loop_seconds():.2f} s (lower is a faster host)")

        callers = list(tokens)  # "" is the coordinator, else an alliance's admin
        members: dict[str, list[str]] = {}
        for urn, alliance_id in volume["home_of"].items():
            members.setdefault(alliance_id, []).append(urn)

        def open_one(client: int, sent: int) -> tuple:
            alliance_id = callers[client % len(callers)] or random.choice(alliance_ids)
            consent = random.random() < 0.6
            return ("POST", "/api/v1/referrals", {
                "school_urn": random.choice(members[alliance_id]), "alliance_id": alliance_id,
                "need_areas": random.sample(SPECIALISMS, random.choices([1, 2, 3], [50, 35, 15])[0]),
                "priority": pick(PRIORITIES), "summary": "Falling attainment in KS2 maths; new head.",
                "consent_to_share": consent, **({"consent_given_by": "The head teacher"} if consent else {})})

        waiting: dict[str, list[str]] = {}
        for referral in volume["referrals"]:
            if referral["status"] in UNMATCHED:
                waiting.setdefault(referral["alliance_id"], []).append(referral["id"])
        every_waiting = [rid for ids in waiting.values() for rid in ids]

        def matches(client: int, sent: int) -> tuple:
            alliance_id = callers[client % len(callers)]
            referral_id = random.choice(waiting[alliance_id] if alliance_id else every_waiting)
            return ("GET", f"/api/v1/referrals/{referral_id}/matches", None)

        board = f"/api/v1/regions/{region['id']}/referral-board"
        caller_tokens = [tokens[c] for c in callers]
        coordinator = tokens[""]
        run_load(base, caller_tokens, "warm-up", args.clients, 10, matches, count=4 * args.clients)
        run_load(base, coordinator, "warm-up", 2, 10, lambda c, n: ("GET", board, None), count=4)

        opens = run_load(base, caller_tokens, "POST /api/v1/referrals", args.clients, args.seconds, open_one,
                         count=args.opens)
        found = run_load(base, caller_tokens, "GET  /api/v1/referrals/{id}/matches", args.clients, args.seconds,
                         matches, count=args.matches)
        boards = run_load(base, coordinator, "GET  /api/v1/regions/{id}/referral-board", args.clients, args.seconds,
                          lambda c, n: ("GET", board, None), count=args.boards)
        csv = run_load(base, coordinator, "GET  /api/v1/regions/{id}/referral-board (text/csv)", args.clients,
                       args.seconds, lambda c, n: ("GET", board, None), count=max(1, args.boards // 4),
                       headers={"Accept": "text/csv"})
        # One client alone: each request's own time, without waiting behind the others.
        found_alone = run_load(base, caller_tokens, "GET  /api/v1/referrals/{id}/matches", 1, args.seconds,
                               matches, count=max(1, args.matches // 5))
        board_alone = run_load(base, coordinator, "GET  /api/v1/regions/{id}/referral-board", 1, args.seconds,
                               lambda c, n: ("GET", board, None), count=max(1, args.boards // 5))
        sample = requests.get(base + board, headers={"Authorization": f"Bearer {coordinator}"})
        print(f"\n{args.clients} clients at once:")
        print(f"{opens.report()}\n  opened/s: {opens.statuses.get(201, 0) / opens.seconds:.0f} "
              f"(target {TARGETS['open']})")
        print(f"{found.report()}\n  target {TARGETS['matches']}")
        print(f"{boards.report()}\n  target {TARGETS['board']}; the board is {len(sample.content) // 1024} KiB: "
              f"{len(sample.json()['overdue'])} overdue referrals, "
              f"{len(sample.json()['cross_alliance_flows'])} cross-alliance flows")
        print(csv.report())
        print("\n1 client alone:")
        print(f"{found_alone.report()}\n  target {TARGETS['matches']}")
        print(f"{board_alone.report()}\n  target {TARGETS['board']}\n")
        for name, pid in sorted(stack.running().items()):
            print(f"peak memory {name}: {peak_memory_mib(pid):.0f} MiB")
        print(f"reference loop after: {reference_loop_seconds():.2f} s")
        engine.dispose()


if __name__ == "__main__":
    main()
