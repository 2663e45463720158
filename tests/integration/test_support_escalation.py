"""Support escalates a referral not matched within its time limit: once, whatever the replicas.

Two SupportService replicas run in this process with a short escalation
period; the tests move ``periodic.CLOCK`` (the time jobs and referrals see)
forward instead of waiting days. Time limits count working days in London.
"""
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.chassis.envelope import make_envelope
from services.chassis.periodic import CLOCK
from services.chassis.scope import CallerScope, Role
from services.support import copies, escalation, referrals
from services.support.models import jobs, timeline
from services.support.models import referrals as referral_rows
from services.support.service import SupportService
from services.support.time_limits import LONDON, TimeLimits
from tests.events import publish
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

REGION, ALLIANCE, LEADER = ("11111111-1111-1111-1111-111111111111",
                            "22222222-2222-2222-2222-222222222222",
                            "44444444-4444-4444-4444-444444444444")
LEADER_SCHOOL = "500009"
SCHOOLS = ("500001", "500002", "500003", "500004", "500005")
PERIOD = 0.4  # SUPPORT_ESCALATION_SECONDS for the replicas: they poll every 0.1 s
JOB = "escalate_overdue_referrals"
COORDINATOR = CallerScope(user_id="coordinator-1", role=Role.REGIONAL_COORDINATOR, region_id=REGION)
INBOX = sa.Table("inbox", sa.MetaData(), sa.Column("event_id"), sa.Column("handler"))


def membership_events() -> list[tuple]:
    """What support copies from membership before a referral can be opened: (copier, envelope)."""
    def event(event_type: str, data: dict) -> dict:
        return make_envelope("membership", event_type, data, region_id=REGION, alliance_id=ALLIANCE)
    found = [(copies.keep_alliance, event("alliance_created", {
        "id": ALLIANCE, "region_id": REGION, "name": "Forest Way", "kind": "teaching_school_alliance"}))]
    for urn in (*SCHOOLS, LEADER_SCHOOL):
        found.append((copies.keep_school, event("school_registered", {
            "urn": urn, "name": f"School {urn}", "local_authority": "Leeds", "phase": "primary"})))
    found.append((copies.keep_system_leader, event("system_leader_designated", {
        "id": LEADER, "name": "Ada Leader", "email": "ada@example.org", "designation": "NLE",
        "school_urn": LEADER_SCHOOL, "alliance_id": ALLIANCE, "region_id": REGION,
        "specialisms": ["maths"], "phases": ["primary"], "days_available": 20})))
    return found


def referral_data(urn: str, priority: str = "urgent", **more: object) -> dict:
    return {"school_urn": urn, "alliance_id": ALLIANCE, "need_areas": ["maths"], "priority": priority,
            "summary": "Results in maths fell two years running", "consent_to_share": False, **more}


@pytest.fixture
def clock(monkeypatch):
    """``periodic.CLOCK``, put back as it was after the test."""
    monkeypatch.setattr(CLOCK, "offset", CLOCK.offset)
    return CLOCK


@pytest.fixture(autouse=True)
def default_limits(monkeypatch):
    """The default limits (urgent 2, high 5 working days) and bank holidays, whatever the environment."""
    monkeypatch.setattr(referrals, "LIMITS", TimeLimits.from_environment({}))


class Reader:
    """Reads support's database from outside the service."""

    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url)

    def all(self, query: sa.Select) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def referral(self, referral_id: str) -> dict:
        [row] = self.all(sa.select(referral_rows).where(referral_rows.c.id == referral_id))
        return row

    def escalations(self) -> list[dict]:
        return self.all(sa.select(timeline).where(timeline.c.action == "escalated").order_by(timeline.c.id))

    def runs(self) -> int:
        return self.all(sa.select(jobs.c.runs).where(jobs.c.name == JOB))[0]["runs"]

    def close(self) -> None:
        self.engine.dispose()


def let_periods_pass(db: Reader, subscriber, periods: int) -> None:
    """Wait until the job has run ``periods`` more times (across the replicas), reading events meanwhile."""
    wanted = db.runs() + periods

    def ran() -> bool:
        subscriber.drain(0.05)
        return db.runs() >= wanted
    wait_until(ran, timeout=PERIOD * periods + 10, interval=0)


def test_two_replicas_escalate_an_overdue_unmatched_referral_once(service_db, run_service, broker, rpc,
                                                                   subscriber, clock, monkeypatch):
    url = service_db("support")
    monkeypatch.setenv("SUPPORT_ESCALATION_SECONDS", str(PERIOD))
    replicas = [run_service(SupportService), run_service(SupportService)]
    subscriber.bind("support")
    events = membership_events()
    for _, envelope in events:
        publish(broker.uri, envelope)
    db = Reader(url)
    wait_until(lambda: len(db.all(sa.select(INBOX))) == len(events), timeout=15)

    scope = COORDINATOR.to_dict()
    unmatched, matched, withdrawn = (rpc.support.open_referral(scope, referral_data(urn)) for urn in SCHOOLS[:3])
    rpc.support.assign_leader(scope, matched["id"], {"system_leader_id": LEADER, "days": 3})
    rpc.support.withdraw_referral(scope, withdrawn["id"], {"reason": "the school found help elsewhere"})
    assert unmatched["match_due_on"] > date.today().isoformat() and not unmatched["overdue"]

    let_periods_pass(db, subscriber, 3)  # today: within the time limit
    assert subscriber.of_type("referral_escalated") == []
    assert db.referral(unmatched["id"])["escalated_at"] is None and db.escalations() == []

    clock.advance(timedelta(days=10).total_seconds())  # past the due date of every referral
    [event] = subscriber.wait_for("referral_escalated", timeout=15)
    let_periods_pass(db, subscriber, 5)  # more runs, from either replica: nothing new to escalate
    subscriber.drain(0.5)
    assert len(subscriber.of_type("referral_escalated")) == 1
    assert event["source"] == "support" and event["region_id"] == REGION and event["alliance_id"] == ALLIANCE
    assert event["data"]["id"] == unmatched["id"] and event["data"]["status"] == "open"
    assert event["data"]["match_due_on"] == unmatched["match_due_on"]
    assert "summary" not in event["data"]  # the school's own account stays in support

    escalated = db.referral(unmatched["id"])
    assert escalated["escalated_at"] >= datetime.now(timezone.utc) + timedelta(days=9)  # the job's clock
    assert escalated["status"] == "open"  # still to be matched: escalation only flags it
    [entry] = db.escalations()
    assert entry["referral_id"] == unmatched["id"] and entry["actor_id"] == "system"
    assert entry["actor_role"] == "system" and entry["detail"] == {"due_on": unmatched["match_due_on"]}
    for never in (matched, withdrawn):
        assert db.referral(never["id"])["escalated_at"] is None
    assert rpc.support.get_referral(scope, unmatched["id"])["overdue"] is True

    for replica in replicas:  # a restart, a month later: the referral is escalated already
        replica.stop()
    clock.advance(timedelta(days=30).total_seconds())
    run_service(SupportService)
    let_periods_pass(db, subscriber, 3)
    subscriber.drain(0.5)
    assert len(subscriber.of_type("referral_escalated")) == 1
    assert db.referral(unmatched["id"])["escalated_at"] == escalated["escalated_at"]
    assert len(db.escalations()) == 1
    assert all(db.referral(never["id"])["escalated_at"] is None for never in (matched, withdrawn))
    db.close()


@pytest.fixture
def db(migrated_db, clock):
    """Support's database at head with its copies of membership data, on 15 January 2026 (London)."""
    unit = migrated_db("services.support", "support")
    with unit.transaction() as tx:
        for copier, envelope in membership_events():
            copier(tx, envelope)
    clock.offset = datetime(2026, 1, 15, 12, tzinfo=LONDON) - datetime.now(timezone.utc)
    return unit


def open_referral(db, data: dict) -> dict:
    with db.transaction() as tx:
        return referrals.open_referral(tx, COORDINATOR, data)


def escalated_on(db, referral_id: str) -> date | None:
    with db.transaction() as tx:
        at = tx.execute(sa.select(referral_rows.c.escalated_at)
                        .where(referral_rows.c.id == referral_id)).scalar_one()
    return at.astimezone(LONDON).date() if at else None


def test_time_limits_count_working_days_past_weekends_and_bank_holidays(db):
    # Christmas Day and Boxing Day 2025 are Thursday and Friday, New Year's Day 2026 a Thursday.
    christmas = open_referral(db, referral_data(SCHOOLS[0], "urgent", received_on=date(2025, 12, 24)))
    new_year = open_referral(db, referral_data(SCHOOLS[1], "high", received_on=date(2025, 12, 24)))
    weekend = open_referral(db, referral_data(SCHOOLS[2], "urgent", received_on=date(2026, 1, 9),
                                              consent_to_share=True, consent_given_by="the head"))
    with db.transaction() as tx:
        referrals.share(tx, COORDINATOR, weekend["id"])  # shared with the region, still unmatched
    # (received, limit in working days, calendar-days limit, due date in working days)
    expected = {christmas["id"]: (date(2025, 12, 24), 2, date(2025, 12, 26), date(2025, 12, 30)),
                new_year["id"]: (date(2025, 12, 24), 5, date(2025, 12, 29), date(2026, 1, 5)),
                weekend["id"]: (date(2026, 1, 9), 2, date(2026, 1, 11), date(2026, 1, 13))}
    for referral in (christmas, new_year, weekend):
        received, days, calendar_due, due = expected[referral["id"]]
        assert referral["match_due_on"] == due.isoformat()
        assert received + timedelta(days=days) == calendar_due < due

    first_escalated: dict[str, date] = {}
    day = date(2025, 12, 24)
    while day <= date(2026, 1, 15):  # the job at noon each day, weekends and holidays included
        with db.transaction() as tx:
            escalation.escalate_overdue(tx, datetime.combine(day, time(12), tzinfo=LONDON))
        for referral_id in expected:
            if escalated_on(db, referral_id) and referral_id not in first_escalated:
                first_escalated[referral_id] = day
        day += timedelta(days=1)

    for referral_id, (_, _, calendar_due, due) in expected.items():
        assert first_escalated[referral_id] == due + timedelta(days=1)  # the first day past the limit
        assert first_escalated[referral_id] > calendar_due + timedelta(days=1)  # not the day after calendar days
    with db.transaction() as tx:
        rows = tx.execute(sa.select(timeline.c.referral_id).where(timeline.c.action == "escalated")).scalars().all()
    assert sorted(rows) == sorted(expected)  # each once, though the job ran every day after


def test_the_day_turns_at_midnight_in_london(db):
    # Monday 25 August 2025 is the summer bank holiday: received Thursday 21st, urgent, due Tuesday 26th.
    referral = open_referral(db, referral_data(SCHOOLS[3], "urgent", received_on=date(2025, 8, 21)))
    assert referral["match_due_on"] == "2025-08-26"
    before_midnight = datetime(2025, 8, 26, 22, 59, 59, tzinfo=timezone.utc)  # 23:59:59 BST on the 26th
    with db.transaction() as tx:
        assert escalation.escalate_overdue(tx, before_midnight) == 0
    with db.transaction() as tx:
        assert escalation.escalate_overdue(tx, before_midnight + timedelta(seconds=2)) == 1  # 00:00:01 BST
    assert escalated_on(db, referral["id"]) == date(2025, 8, 27)


def test_the_referral_timeline_is_append_only(db):
    referral = open_referral(db, referral_data(SCHOOLS[4]))
    for statement in (sa.update(timeline).values(action="tampered"),
                      sa.delete(timeline).where(timeline.c.referral_id == referral["id"]),
                      sa.text("TRUNCATE referral_timeline")):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with db.transaction() as tx:
                tx.execute(statement)
    with db.transaction() as tx:
        rows = tx.execute(sa.select(timeline).where(timeline.c.referral_id == referral["id"])).mappings().all()
    assert [(row["action"], row["actor_id"]) for row in rows] == [("opened", "coordinator-1")]
