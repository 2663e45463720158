"""Volume for the list benchmark, written straight into each service's database with INSERT … SELECT.

Everything hangs on a ``World`` the gateway made (its alliances, one full course,
the admin who books and opens): 100,000 schools and their memberships (in
membership, and in the copies courses and support keep, with the same ids),
system leaders, 100,000 courses of one session and ten bookings each (1M
bookings, 1% of them the measured school's), more waitlisted bookings on the
measured course, 200,000 referrals (0.5% the measured school's) with their
deployments and the timeline rows that open and assign them.

Rows are what the services themselves would have written: prices by the
school's active membership of the course's region; eight places confirmed on a
course of eight, then one waitlisted at position 1 and one cancelled free; a
cancelled course's bookings all cancelled with no fee; a shared referral has
consent; a leader from another alliance is deployed only with consent, never at
their own school or trust, within their days; ``match_due_on`` from support's
time limits; unmatched referrals past it escalated. Ids are md5 of a name and a
number, so the three databases agree on them without shipping rows between them.
"""
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import sqlalchemy as sa

from services.courses.schemas import AREAS, PROGRAMMES
from services.membership.schemas import TIERS
from services.specialisms import PHASES, SPECIALISMS
from services.support.lifecycle import PRIORITIES
from services.support.time_limits import TimeLimits, london_today

FIRST_URN = 500_000
LOCAL_AUTHORITIES = ["Leicester", "Leicestershire", "Derby", "Derbyshire", "Nottingham", "Nottinghamshire",
                     "Lincolnshire", "Rutland"]
HISTORY_DAYS = 730
Report = Callable[[str], None]


@dataclass(frozen=True)
class World:
    """What the gateway seeded and the volume hangs on."""
    alliance_ids: list[str]
    region_ids: list[str]  # each alliance's region, in the same order
    busy_alliance: str  # the measured alliance: a tenth of the schools are its members, a third of the courses its
    busy_course: str  # the measured course, full: its waitlist grows
    busy_school: str  # the measured school user's: 1% of the bookings and 0.5% of the referrals are its
    actor: str  # the platform admin's user id: who booked and opened what is loaded


@dataclass(frozen=True)
class Volume:
    schools: int = 100_000  # a multiple of 50
    leaders: int = 10_000
    courses: int = 100_000  # ten bookings each
    busy_course_bookings: int = 5_000
    referrals: int = 200_000


# --- shared by the three databases -------------------------------------------------------

ALLIANCES = ("unnest(CAST(:alliances AS uuid[]), CAST(:regions AS uuid[])) WITH ORDINALITY "
             "AS {a}(alliance_id, region_id, k)")
ALLIANCE_COUNT = "cardinality(CAST(:alliances AS uuid[]))"
# The home alliance's number of school x (0-based, URN :first_urn + x): the busy alliance for a tenth.
HOME_K = (f"CASE WHEN {{x}} % 10 = 0 THEN array_position(CAST(:alliances AS uuid[]), CAST(:busy AS uuid)) "
          f"ELSE 1 + (hashint4({{x}}) & 2147483647) % {ALLIANCE_COUNT} END")
SECOND_K = f"1 + (hashint4({{x}} + 7919) & 2147483647) % {ALLIANCE_COUNT}"
URN = "(:first_urn + {x})::text"
PHASE = "(CAST(:phases AS text[]))[1 + {x} % 4]"
# Leaders' schools (x % 50 in 0, 5) are in no trust and have no referrals: no conflict of interest.
TRUST = "CASE WHEN {x} % 5 < 2 AND {x} % 50 NOT IN (0, 5) THEN 'Bulk Trust ' || ({x} % 997) END"

# Every school's home membership; every fifth school also a member of a second alliance. One home
# membership in fifty ended, one pending.
MEMBERSHIPS = f"""
    SELECT md5('bulk-membership-' || m.x || '-' || m.which)::uuid AS id, a.alliance_id, a.region_id,
           {URN.format(x="m.x")} AS school_urn,
           CASE WHEN m.which = 1 AND m.x % 50 = 7 THEN 'ended'
                WHEN m.which = 1 AND m.x % 50 = 13 THEN 'pending' ELSE 'active' END AS status, m.x
    FROM (SELECT x, 1 AS which, {HOME_K.format(x="x")} AS k FROM generate_series(0, :schools - 1) x
          UNION ALL
          SELECT x, 2, {SECOND_K.format(x="x")} FROM generate_series(0, :schools - 1) x
          WHERE x % 5 = 1 AND {SECOND_K.format(x="x")} <> {HOME_K.format(x="x")}) m
    JOIN {ALLIANCES.format(a="a")} ON a.k = m.k"""

# Leader n works at school x (x % 50 in 0, 5; a quarter of them the busy alliance's) for its home alliance.
LEADERS = f"""
    SELECT md5('bulk-leader-' || n)::uuid AS id, 'Bulk Leader ' || n AS name,
           'bulk-leader-' || n || '@bulk.test' AS email, (ARRAY['NLE', 'LLE', 'SLE', 'SLE'])[1 + n % 4] AS designation,
           {URN.format(x="s.x")} AS school_urn, a.alliance_id, a.region_id,
           ARRAY[(CAST(:specialisms AS text[]))[1 + n % :specialism_count],
                 (CAST(:specialisms AS text[]))[1 + (n % :specialism_count + 1 + (n / :specialism_count)
                                                     % (:specialism_count - 1)) % :specialism_count]] AS specialisms,
           ARRAY[{PHASE.format(x="s.x")}] AS phases
    FROM generate_series(0, :leaders - 1) n
    CROSS JOIN LATERAL (SELECT 50 * (n % (:schools / 50)) + CASE WHEN n % 4 = 0 THEN 0 ELSE 5 END AS x) s
    JOIN {ALLIANCES.format(a="a")} ON a.k = {HOME_K.format(x="s.x")}"""


def _params(world: World, volume: Volume) -> dict:
    return {
        "alliances": world.alliance_ids, "regions": world.region_ids, "busy": world.busy_alliance,
        "busy_course": world.busy_course, "busy_school": world.busy_school, "actor": world.actor,
        "first_urn": FIRST_URN,
        "schools": volume.schools, "leaders": volume.leaders, "courses": volume.courses,
        "busy_course_bookings": volume.busy_course_bookings, "referrals": volume.referrals,
        "local_authorities": LOCAL_AUTHORITIES, "phases": list(PHASES), "tiers": TIERS,
        "specialisms": list(SPECIALISMS), "specialism_count": len(SPECIALISMS),
        "programmes": PROGRAMMES, "areas": AREAS,
    }


def _runner(conn: sa.Connection, params: dict, report: Report) -> Callable[[str, str], int]:
    def run(label: str, statement: str) -> int:
        began = time.perf_counter()
        rows = conn.execute(sa.text(statement), params).rowcount
        if label:
            report(f"  {label}: {rows:,} rows in {time.perf_counter() - began:.1f}s")
        return rows
    return run


# --- membership ---------------------------------------------------------------------------------

def load_membership(engine: sa.Engine, world: World, volume: Volume, report: Report = print) -> None:
    with engine.begin() as conn:
        run = _runner(conn, _params(world, volume), report)
        run("membership schools", f"""
            INSERT INTO schools (urn, name, local_authority, phase, school_type, trust, status)
            SELECT {URN.format(x="x")}, 'Bulk School ' || x, (CAST(:local_authorities AS text[]))[1 + x % 8],
                   {PHASE.format(x="x")}, 'Academy', {TRUST.format(x="x")}, 'open'
            FROM generate_series(0, :schools - 1) x""")
        run("membership memberships", f"""
            INSERT INTO memberships (id, alliance_id, school_urn, tier, status, requested_by, requested_by_user,
                                     accepted_by_user, accepted_at, joined_on, ended_on, created_at)
            SELECT m.id, m.alliance_id, m.school_urn, (CAST(:tiers AS text[]))[1 + m.x % 4], m.status, 'alliance',
                   :actor, CASE WHEN m.status <> 'pending' THEN :actor END,
                   CASE WHEN m.status <> 'pending' THEN now() - (m.x % 900) * interval '1 day' END,
                   current_date - m.x % 900, CASE WHEN m.status = 'ended' THEN current_date - m.x % 30 END,
                   now() - (m.x % 900) * interval '1 day' - interval '1 day'
            FROM ({MEMBERSHIPS}) m""")
        run("membership system leaders", f"""
            INSERT INTO system_leaders (id, name, email, designation, school_urn, alliance_id, specialisms, phases,
                                        days_available, status)
            SELECT id, name, email, designation, school_urn, alliance_id, specialisms, phases, 30, 'active'
            FROM ({LEADERS}) l""")


# --- courses ------------------------------------------------------------------------------------

def load_courses(engine: sa.Engine, world: World, volume: Volume, report: Report = print) -> None:
    with engine.begin() as conn:
        run = _runner(conn, _params(world, volume), report)
        full = conn.execute(sa.text("SELECT confirmed_count = capacity FROM courses WHERE id = :id"),
                            {"id": world.busy_course}).scalar()
        if not full:
            raise ValueError("the measured course must be full: its added bookings are waitlisted")
        run("courses' copies of schools", f"""
            INSERT INTO schools (urn, name) SELECT {URN.format(x="x")}, 'Bulk School ' || x
            FROM generate_series(0, :schools - 1) x""")
        run("courses' copies of memberships", f"""
            INSERT INTO memberships (id, alliance_id, region_id, school_urn, status)
            SELECT id, alliance_id, region_id, school_urn, status FROM ({MEMBERSHIPS}) m""")
        # Course n: a third the busy alliance's (its share of the courses the gateway made), the rest spread;
        # starts spread over three years (two past, one ahead), drafted 60 days before (at the latest a day ago).
        run("courses and their sessions", f"""
            WITH made AS (
                INSERT INTO courses (id, alliance_id, region_id, title, programme, area, visibility, capacity,
                                     price_member_pence, price_non_member_pence, cancellation_deadline_days,
                                     status, starts_at, created_at, updated_at)
                SELECT md5('bulk-course-' || n)::uuid, a.alliance_id, a.region_id, 'Bulk course ' || n,
                       (CAST(:programmes AS text[]))[1 + n % cardinality(CAST(:programmes AS text[]))],
                       (CAST(:areas AS text[]))[1 + n % cardinality(CAST(:areas AS text[]))],
                       CASE WHEN n % 10 < 5 THEN 'region' WHEN n % 10 < 8 THEN 'alliance' ELSE 'public' END,
                       8, 9000, 14000, 7, CASE WHEN n % 20 = 3 THEN 'cancelled' ELSE 'published' END,
                       t.starts_at, t.created_at, t.created_at
                FROM generate_series(0, :courses - 1) n
                JOIN {ALLIANCES.format(a="a")}
                  ON a.k = CASE WHEN n % 3 = 0 THEN array_position(CAST(:alliances AS uuid[]), CAST(:busy AS uuid))
                                ELSE 1 + n % {ALLIANCE_COUNT} END
                CROSS JOIN LATERAL (SELECT date_trunc('hour', now()) - interval '730 days'
                                           + n * (interval '1095 days' / :courses) AS starts_at) s
                CROSS JOIN LATERAL (SELECT s.starts_at,
                                           least(s.starts_at - interval '60 days',
                                                 now() - interval '1 day' - n % 10000 * interval '1 minute')
                                           AS created_at) t
                RETURNING id, starts_at)
            INSERT INTO course_sessions (course_id, index, starts_at, ends_at, venue)
            SELECT id, 0, starts_at, starts_at + interval '6 hours', 'Bulk venue' FROM made""")
        # Booking n: the (n % 10)th of course n / 10, for a school spread by a hash (one in 100 the measured
        # school's), booked between the course's drafting and its start (or now).
        run("bookings", f"""
            INSERT INTO bookings (course_id, school_urn, participant_name, participant_email, status, price_pence,
                                  member_price, waitlist_position, fee_pence, cancel_reason, booked_by, created_at,
                                  cancelled_at)
            SELECT c.id, b.urn, 'Bulk Participant ' || b.n, 'participant-' || b.n || '@bulk.test', s.status,
                   CASE WHEN p.member THEN c.price_member_pence ELSE c.price_non_member_pence END, p.member,
                   CASE WHEN s.status = 'waitlisted' THEN 1 END, CASE WHEN s.status = 'cancelled' THEN 0 END,
                   CASE WHEN c.status = 'cancelled' THEN 'the course was cancelled'
                        WHEN s.status = 'cancelled' THEN 'cannot attend' END,
                   :actor, t.booked_at,
                   CASE WHEN s.status = 'cancelled' THEN t.booked_at + (t.until - t.booked_at) / 2 END
            FROM (SELECT n, n / 10 AS course, n % 10 AS k,
                         CASE WHEN n % 100 = 50 THEN :busy_school
                              ELSE {URN.format(x="(hashint4(n) & 2147483647) % :schools")} END AS urn
                  FROM generate_series(0, :courses * 10 - 1) n) b
            JOIN courses c ON c.id = md5('bulk-course-' || b.course)::uuid
            CROSS JOIN LATERAL (SELECT EXISTS (
                SELECT FROM memberships m WHERE m.school_urn = b.urn AND m.region_id = c.region_id
                                            AND m.status = 'active') AS member) p
            CROSS JOIN LATERAL (SELECT CASE WHEN c.status = 'cancelled' OR b.k = 9 THEN 'cancelled'
                                            WHEN b.k = 8 THEN 'waitlisted' ELSE 'confirmed' END AS status) s
            CROSS JOIN LATERAL (SELECT least(now(), c.starts_at) AS until) u
            CROSS JOIN LATERAL (SELECT c.created_at + (u.until - c.created_at) * (b.k + 1) / 11 AS booked_at,
                                       u.until) t""")
        run("the measured course's waitlist", f"""
            INSERT INTO bookings (course_id, school_urn, participant_name, participant_email, status, price_pence,
                                  member_price, waitlist_position, booked_by, created_at)
            SELECT c.id, b.urn, 'Waiting Participant ' || b.n, 'waiting-' || b.n || '@bulk.test', 'waitlisted',
                   CASE WHEN p.member THEN c.price_member_pence ELSE c.price_non_member_pence END, p.member,
                   c.waitlist_count + b.n + 1, :actor, now() - interval '2 hours' + b.n * interval '1 second'
            FROM (SELECT n, {URN.format(x="(hashint4(n + 31) & 2147483647) % :schools")} AS urn
                  FROM generate_series(0, :busy_course_bookings - 1) n) b
            JOIN courses c ON c.id = :busy_course
            CROSS JOIN LATERAL (SELECT EXISTS (
                SELECT FROM memberships m WHERE m.school_urn = b.urn AND m.region_id = c.region_id
                                            AND m.status = 'active') AS member) p""")
        run("courses' counts of places", """
            UPDATE courses c SET confirmed_count = t.confirmed, waitlist_count = t.waitlisted
            FROM (SELECT course_id, count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
                         count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted
                  FROM bookings GROUP BY course_id) t
            WHERE c.id = t.course_id AND (c.confirmed_count, c.waitlist_count) <> (t.confirmed, t.waitlisted)""")


# --- support ------------------------------------------------------------------------------------

def _due_dates(conn: sa.Connection, today: object) -> None:
    """Support's time limits for every day of the history and priority, as a temporary table."""
    limits = TimeLimits.from_environment()
    conn.execute(sa.text("CREATE TEMP TABLE bulk_due (received_on date, priority text, due date) ON COMMIT DROP"))
    conn.execute(sa.text("INSERT INTO bulk_due VALUES (:received_on, :priority, :due)"), [
        {"received_on": day, "priority": priority, "due": limits.match_due_on(day, priority)}
        for day in (today - timedelta(days=age) for age in range(HISTORY_DAYS + 1)) for priority in PRIORITIES])
    conn.execute(sa.text("CREATE INDEX ON bulk_due (received_on, priority)"))


# Referral n: of a school spread by a hash (one in 200 the measured school's, a member of the busy
# alliance and no leader's), homed in its home alliance, received up to two years ago;
# its status by its age; a leader picked from the region (with consent) or else the home alliance.
REFERRAL_PLAN = f"""
    CREATE TEMP TABLE bulk_referrals ON COMMIT DROP AS
    WITH drawn AS (
        SELECT n, s.urn, a.alliance_id, a.region_id, 1 + (hashint4(n + 104729) & 2147483647) % {HISTORY_DAYS} AS age,
               CASE WHEN n % 20 < 5 THEN 'low' WHEN n % 20 < 14 THEN 'medium' WHEN n % 20 < 18 THEN 'high'
                    ELSE 'urgent' END AS priority,
               n % 5 < 3 AS consent, (n / 7) % 100 AS u, hashint4(n + 15485863) & 2147483647 AS h
        FROM generate_series(0, :referrals - 1) n
        CROSS JOIN LATERAL (SELECT (hashint4(n) & 2147483647) % :schools AS raw) r
        CROSS JOIN LATERAL (SELECT CASE WHEN r.raw % 50 IN (0, 5) THEN r.raw + 1 ELSE r.raw END AS x) b
        CROSS JOIN LATERAL (
            SELECT CASE WHEN n % 200 = 100 THEN :busy_school ELSE {URN.format(x="b.x")} END AS urn,
                   CASE WHEN n % 200 = 100 THEN array_position(CAST(:alliances AS uuid[]), CAST(:busy AS uuid))
                        ELSE {HOME_K.format(x="b.x")} END AS k) s
        JOIN {ALLIANCES.format(a="a")} ON a.k = s.k
    ), aged AS (
        SELECT d.*, CASE
            WHEN age < 30 THEN CASE WHEN u < 35 THEN 'open' WHEN u < 60 THEN 'shared' WHEN u < 80 THEN 'matched'
                                    WHEN u < 97 THEN 'active' ELSE 'withdrawn' END
            WHEN age < 150 THEN CASE WHEN u < 2 THEN 'open' WHEN u < 4 THEN 'shared' WHEN u < 12 THEN 'matched'
                                     WHEN u < 57 THEN 'active' WHEN u < 95 THEN 'closed' ELSE 'withdrawn' END
            ELSE CASE WHEN u < 1 THEN 'open' WHEN u < 5 THEN 'active' WHEN u < 92 THEN 'closed'
                      ELSE 'withdrawn' END END AS drawn_status,
            CASE WHEN consent THEN (SELECT l.id FROM bulk_leaders l WHERE l.region_id = d.region_id
                                    AND l.in_region = d.h % (SELECT c.leaders FROM bulk_region_leaders c
                                                             WHERE c.region_id = d.region_id))
                 ELSE (SELECT l.id FROM bulk_leaders l WHERE l.alliance_id = d.alliance_id
                       AND l.in_alliance = d.h % (SELECT c.leaders FROM bulk_alliance_leaders c
                                                  WHERE c.alliance_id = d.alliance_id)) END AS picked
        FROM drawn d
    ), settled AS (
        SELECT a.*, CASE WHEN drawn_status IN ('matched', 'active', 'closed') AND picked IS NULL THEN 'withdrawn'
                         WHEN drawn_status = 'shared' AND NOT consent THEN 'open' ELSE drawn_status END AS status,
               (:today - age) AS received_on,
               (:today - age) + time '09:00' + (n % 480) * interval '1 minute' AS opened_at
        FROM aged a
    )
    SELECT s.*, md5('bulk-referral-' || n)::uuid AS id, due.due AS match_due_on,
           CASE WHEN status IN ('matched', 'active', 'closed') THEN picked END AS leader_id,
           CASE WHEN status IN ('matched', 'active', 'closed')
                THEN least(now(), opened_at + (1 + n % 5) * interval '1 day') END AS matched_at
    FROM settled s JOIN bulk_due due ON due.received_on = s.received_on AND due.priority = s.priority"""

REFERRALS = """
    INSERT INTO referrals (id, school_urn, alliance_id, region_id, need_areas, priority, source, summary,
                           consent_to_share, consent_given_by, consent_recorded_by, consent_recorded_at, status,
                           received_on, match_due_on, opened_by, opened_at, shared_at, matched_at, escalated_at,
                           closed_at, outcome, updated_at)
    SELECT r.id, r.urn, r.alliance_id, r.region_id,
           CASE WHEN n % 3 = 0 THEN ARRAY[(CAST(:specialisms AS text[]))[1 + n % :specialism_count]]
                ELSE ARRAY[(CAST(:specialisms AS text[]))[1 + n % :specialism_count],
                           (CAST(:specialisms AS text[]))[1 + (n + 1) % :specialism_count]] END,
           r.priority, (ARRAY['alliance', 'alliance', 'self', 'local_authority', 'inspection'])[1 + n % 5],
           'Bulk referral', r.consent, CASE WHEN r.consent THEN 'The head teacher' END,
           CASE WHEN r.consent THEN :actor END, CASE WHEN r.consent THEN r.opened_at END, r.status,
           r.received_on, r.match_due_on, :actor, r.opened_at, t.shared_at, r.matched_at,
           CASE WHEN r.status IN ('open', 'shared') AND r.match_due_on < :today
                THEN (r.match_due_on + 1) + time '07:00' END,
           t.closed_at, CASE WHEN r.status = 'closed' THEN (ARRAY['improved', 'sustained', 'no_change'])[1 + n % 3] END,
           coalesce(t.closed_at, r.matched_at, t.shared_at, r.opened_at)
    FROM bulk_referrals r
    CROSS JOIN LATERAL (SELECT
        CASE WHEN r.status = 'shared' OR (r.consent AND r.status <> 'open' AND n % 3 = 0)
             THEN r.opened_at + interval '2 hours' END AS shared_at,
        CASE WHEN r.status = 'closed' THEN least(now(), r.matched_at + (10 + n % 80) * interval '1 day')
             WHEN r.status = 'withdrawn' THEN least(now(), r.opened_at + interval '5 days') END AS closed_at) t"""


def load_support(engine: sa.Engine, world: World, volume: Volume, report: Report = print) -> None:
    with engine.begin() as conn:
        params = _params(world, volume) | {"today": london_today(datetime.now(timezone.utc))}
        run = _runner(conn, params, report)
        run("support's copies of schools", f"""
            INSERT INTO schools (urn, name, local_authority, phase, trust, status)
            SELECT {URN.format(x="x")}, 'Bulk School ' || x, (CAST(:local_authorities AS text[]))[1 + x % 8],
                   {PHASE.format(x="x")}, {TRUST.format(x="x")}, 'open'
            FROM generate_series(0, :schools - 1) x""")
        run("support's copies of memberships", f"""
            INSERT INTO memberships (id, alliance_id, region_id, school_urn, status)
            SELECT id, alliance_id, region_id, school_urn, status FROM ({MEMBERSHIPS}) m""")
        run("support's copies of system leaders", f"""
            INSERT INTO system_leaders (id, name, designation, school_urn, trust, alliance_id, region_id, specialisms,
                                        phases, days_available, status)
            SELECT id, name, designation, school_urn, NULL, alliance_id, region_id, specialisms, phases, 30, 'active'
            FROM ({LEADERS}) l""")
        _due_dates(conn, params["today"])
        for statement in (
            """CREATE TEMP TABLE bulk_leaders ON COMMIT DROP AS
               SELECT id, alliance_id, region_id,
                      row_number() OVER (PARTITION BY region_id ORDER BY id) - 1 AS in_region,
                      row_number() OVER (PARTITION BY alliance_id ORDER BY id) - 1 AS in_alliance
               FROM system_leaders WHERE status = 'active' AND name LIKE 'Bulk Leader %'""",
            "CREATE INDEX ON bulk_leaders (region_id, in_region)",
            "CREATE INDEX ON bulk_leaders (alliance_id, in_alliance)",
            """CREATE TEMP TABLE bulk_region_leaders ON COMMIT DROP AS
               SELECT region_id, count(*) AS leaders FROM bulk_leaders GROUP BY region_id""",
            """CREATE TEMP TABLE bulk_alliance_leaders ON COMMIT DROP AS
               SELECT alliance_id, count(*) AS leaders FROM bulk_leaders GROUP BY alliance_id""",
        ):
            run("", statement)
        run("", REFERRAL_PLAN)
        run("referrals", REFERRALS)
        opened_at = _has_column(conn, "deployments", "referral_opened_at")
        run("deployments", f"""
            INSERT INTO deployments (referral_id, system_leader_id, leader_alliance_id, referral_alliance_id,
                                     cross_alliance, days, days_used, academic_year, status, assigned_by,
                                     assigned_at{", referral_opened_at" if opened_at else ""})
            SELECT r.id, l.id, l.alliance_id, r.alliance_id, l.alliance_id <> r.alliance_id, 1,
                   CASE WHEN r.status = 'matched' THEN 0 ELSE 1 END,
                   CASE WHEN extract(month FROM r.matched_at) >= 9 THEN extract(year FROM r.matched_at)
                        ELSE extract(year FROM r.matched_at) - 1 END,
                   CASE WHEN r.status = 'closed' THEN 'ended' ELSE 'active' END, :actor, r.matched_at
                   {", r.opened_at" if opened_at else ""}
            FROM bulk_referrals r JOIN bulk_leaders l ON l.id = r.leader_id""")
        run("referral timelines", """
            INSERT INTO referral_timeline (referral_id, at, action, from_status, to_status, actor_id, actor_role,
                                           detail)
            SELECT id, opened_at, 'opened', NULL, 'open', :actor, 'platform_admin',
                   jsonb_build_object('priority', priority, 'consent_to_share', consent)
            FROM bulk_referrals
            UNION ALL
            SELECT r.id, r.matched_at, 'assigned', 'open', 'matched', :actor, 'platform_admin',
                   jsonb_build_object('system_leader_id', r.leader_id, 'days', 1)
            FROM bulk_referrals r WHERE r.leader_id IS NOT NULL""")


def _has_column(conn: sa.Connection, table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(conn).get_columns(table)}


def vacuum_analyze(engine: sa.Engine) -> None:
    """What autovacuum would have done long before: statistics, and the visibility map index-only scans read."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM (ANALYZE)"))


def checkpoint(engine: sa.Engine) -> None:
    """Write the load's pages to disk now (the server's, every database's), not while pages are measured."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("CHECKPOINT"))
