"""Support's pure rules: conflicts of interest, scores and ranking, the board's CSV, the referral lifecycle."""
import csv
import io
import itertools
import random
from dataclasses import replace

import pytest

from services.specialisms import SPECIALISM_LABELS
from services.support.board_table import COLUMNS, rows, to_csv
from services.support.lifecycle import FINISHED, LIVE, REFERRAL, UNMATCHED, ReferralStatus
from services.support.matching import WEIGHTS, Leader, Need, conflicts, rank, score

S = ReferralStatus
NEED = Need(school_urn="100001", alliance_id="alliance-a", need_areas=("maths", "send"), phase="primary",
            local_authority="Leicestershire", trust="Oak Trust", consent_to_share=True)
LEADER = Leader(id="leader-1", name="Ann Archer", designation="SLE", school_urn="200001", alliance_id="alliance-a",
                specialisms=("maths", "send"), phases=("primary",), days_left=10, active_deployments=0,
                local_authority="Leicestershire", trust=None, school_under_referral=False)

OWN_SCHOOL = "the leader's own school is the referred school"
UNDER_REFERRAL = "the leader's own school is itself under an open referral"
NO_DAYS = "no days left this academic year"
NO_CONSENT = "the school has not consented to support from another alliance"


def need(**changes) -> Need:
    return replace(NEED, **changes)


def leader(**changes) -> Leader:
    return replace(LEADER, **changes)


# conflicts ------------------------------------------------------------------------------------------------------

def test_nothing_stands_in_the_way_of_an_ordinary_leader():
    assert conflicts(NEED, LEADER) == []


def test_the_leaders_own_school_is_a_conflict_and_is_not_also_reported_as_same_trust_or_under_referral():
    own = leader(school_urn=NEED.school_urn, trust="Oak Trust", school_under_referral=True)
    assert conflicts(NEED, own) == [OWN_SCHOOL]


@pytest.mark.parametrize("leader_trust", ["Oak Trust", "oak trust", "  OAK TRUST ", "Oak\u00a0 Trust", "oak\ttrust"])
def test_the_same_trust_is_a_conflict_whatever_the_case_and_spaces(leader_trust):
    assert conflicts(NEED, leader(trust=leader_trust)) == [f"the leader's school is in the same trust ({leader_trust})"]


@pytest.mark.parametrize("need_trust, leader_trust", [
    ("Oak Trust", "Oak Trusts"), ("Oak Trust", "Elm Trust"), ("Oak Trust", None), (None, "Oak Trust"),
    (None, None), ("", ""), ("Oak Trust", ""), ("  ", " "),
])
def test_a_different_or_unknown_trust_is_no_conflict(need_trust, leader_trust):
    assert conflicts(need(trust=need_trust), leader(trust=leader_trust)) == []


def test_a_leader_whose_own_school_is_under_an_open_referral_is_a_conflict():
    assert conflicts(NEED, leader(school_under_referral=True)) == [UNDER_REFERRAL]


@pytest.mark.parametrize("days_left, found", [(0, [NO_DAYS]), (-3, [NO_DAYS]), (1, [])])
def test_a_leader_with_no_days_left_is_a_conflict(days_left, found):
    assert conflicts(NEED, leader(days_left=days_left)) == found


@pytest.mark.parametrize("consent, leader_alliance, found", [
    (False, "alliance-b", [NO_CONSENT]),
    (True, "alliance-b", []),
    (False, "alliance-a", []),  # the home alliance's own leaders need no consent to share
])
def test_another_alliances_leader_needs_the_schools_consent(consent, leader_alliance, found):
    assert conflicts(need(consent_to_share=consent), leader(alliance_id=leader_alliance)) == found


def test_every_conflict_is_reported_in_order():
    everything = leader(trust="OAK TRUST", school_under_referral=True, days_left=0, alliance_id="alliance-b")
    assert conflicts(need(consent_to_share=False), everything) == [
        "the leader's school is in the same trust (OAK TRUST)", UNDER_REFERRAL, NO_DAYS, NO_CONSENT]


# score ----------------------------------------------------------------------------------------------------------

def test_the_weights_add_up_to_100_and_a_perfect_match_scores_them_all():
    assert sum(WEIGHTS.values()) == 100.0
    ranked = score(NEED, LEADER)
    assert ranked.leader is LEADER
    assert ranked.score == 100.0
    assert ranked.reasons == (
        f"covers 2 of 2 need areas: Mathematics, {SPECIALISM_LABELS['send']}",
        "works in primary schools",
        "10 days left this academic year",
        "also in Leicestershire",
        "0 active deployments",
    )


def test_a_partial_match_scores_each_part_by_its_weight():
    # 1 of 3 areas: 50/3; not the phase: 0; 4 of 10 days: 6; another local authority: 0; 2 of 5 deployments: 3
    partial = leader(specialisms=("send", "governance"), phases=("secondary",), days_left=4, active_deployments=2,
                     local_authority="Leicester", alliance_id="alliance-b")
    ranked = score(need(need_areas=("maths", "send", "reading")), partial)
    assert ranked.score == 25.7
    assert ranked.reasons == (
        "covers 1 of 3 need areas: Special educational needs and disabilities (SEND)",
        "not a phase they work in",
        "4 days left this academic year",
        "2 active deployments",
        "from another alliance (cross-alliance support)",
    )


@pytest.mark.parametrize("changes, expected", [
    ({"specialisms": ()}, 50.0),                           # no area covered
    ({"specialisms": ("send",)}, 75.0),                    # half the areas
    ({"phases": ()}, 80.0),
    ({"days_left": 5}, 92.5),
    ({"days_left": 1}, 86.5),
    ({"days_left": 50}, 100.0),                            # full marks from 10 days, no more
    ({"local_authority": "Rutland"}, 90.0),
    ({"local_authority": None}, 90.0),
    ({"active_deployments": 1}, 99.0),
    ({"active_deployments": 5}, 95.0),
    ({"active_deployments": 9}, 95.0),                     # no marks from 5 deployments, never fewer than none
    ({"alliance_id": "alliance-b"}, 100.0),                # another alliance is a reason, not a penalty
])
def test_each_part_of_the_score(changes, expected):
    assert score(NEED, leader(**changes)).score == expected


def test_a_need_with_no_phase_or_local_authority_earns_neither():
    ranked = score(need(phase=None, local_authority=None), leader(local_authority=None))
    assert ranked.score == 70.0
    assert "not a phase they work in" in ranked.reasons
    assert not any(reason.startswith("also in") for reason in ranked.reasons)


def test_the_reasons_name_what_is_not_covered_singulars_and_phases_with_spaces():
    ranked = score(need(need_areas=("pupil_premium", "phonics"), phase="all_through"),
                   leader(specialisms=("phonics", "maths"), phases=(), days_left=1, active_deployments=1))
    assert ranked.reasons[:4] == ("covers 1 of 2 need areas: Phonics", "phases not stated",
                                  "1 day left this academic year", "also in Leicestershire")
    assert ranked.reasons[4] == "1 active deployment"
    all_through = score(need(phase="all_through"), leader(phases=("all_through",)))
    assert all_through.reasons[1] == "works in all through schools"
    assert score(NEED, leader(specialisms=())).reasons[0] == "covers 0 of 2 need areas"


def test_the_covered_areas_are_labelled_in_the_needs_order():
    ranked = score(need(need_areas=("wellbeing", "maths", "itt_mentoring")),
                   leader(specialisms=("itt_mentoring", "wellbeing", "maths")))
    assert ranked.reasons[0] == ("covers 3 of 3 need areas: Wellbeing and mental health, Mathematics, "
                                 "Mentoring trainee and early career teachers")


# rank -----------------------------------------------------------------------------------------------------------

CANDIDATES = [
    leader(id="best", name="Zed Young"),                                               # 100.0
    leader(id="tie-1", name="Bea Moss", phases=()),                                    # 80.0: the name comes first
    leader(id="tie-3", name="Abe Lunn", phases=()),                                    # 80.0
    leader(id="tie-2", name="Abe Lunn", phases=()),                                    # 80.0, same name: by id
    leader(id="low", name="Aaron Abbot", specialisms=("maths",), phases=(), days_left=2),  # 25 + 3 + 10 + 5 = 43.0
    leader(id="own", name="Cal Dee", school_urn=NEED.school_urn),
    leader(id="tired", name="Ben Cole", days_left=0),
    leader(id="busy-school", name="Ben Cole", school_under_referral=True),
]
EXPECTED_ORDER = ["best", "tie-2", "tie-3", "tie-1", "low"]
EXPECTED_EXCLUDED = [("busy-school", (UNDER_REFERRAL,)), ("tired", (NO_DAYS,)), ("own", (OWN_SCHOOL,))]


def test_the_ranking_is_by_score_then_name_then_id_and_conflicts_are_set_apart():
    ranked, excluded = rank(NEED, CANDIDATES, limit=20)
    assert [r.leader.id for r in ranked] == EXPECTED_ORDER
    assert [r.score for r in ranked] == [100.0, 80.0, 80.0, 80.0, 43.0]
    assert [(r.leader.id, r.reasons) for r in excluded] == EXPECTED_EXCLUDED
    assert all(r.score == 0.0 for r in excluded)


def test_the_ranking_is_the_same_whatever_order_the_leaders_come_in():
    shuffler = random.Random(20260901)
    orders = [list(reversed(CANDIDATES))] + [shuffler.sample(CANDIDATES, len(CANDIDATES)) for _ in range(50)]
    for leaders in orders:
        ranked, excluded = rank(NEED, leaders, limit=20)
        assert [r.leader.id for r in ranked] == EXPECTED_ORDER
        assert [r.leader.id for r in excluded] == [leader_id for leader_id, _ in EXPECTED_EXCLUDED]


@pytest.mark.parametrize("limit", [1, 2, 4, 5, 6, 100])
def test_the_limit_keeps_the_best_and_never_cuts_the_excluded(limit):
    ranked, excluded = rank(NEED, CANDIDATES, limit=limit)
    assert [r.leader.id for r in ranked] == EXPECTED_ORDER[:limit]
    assert len(excluded) == len(EXPECTED_EXCLUDED)


def test_no_leaders_no_candidates():
    assert rank(NEED, [], limit=5) == ([], [])


# board_table ----------------------------------------------------------------------------------------------------

BOARD = {
    "region_id": "region-1", "as_of": "2026-11-24T12:00:00+00:00",
    "by_alliance": [
        {"alliance_id": "a-1", "alliance_name": "=HYPERLINK(\"http://evil.example\",\"click\")",
         "counts": {status.value: n for n, status in enumerate(S)}, "total": 15},
    ],
    "cross_alliance_flows": [
        {"from_alliance_id": "a-1", "from_alliance_name": "+Plus, \"quoted\"", "to_alliance_id": "a-2",
         "to_alliance_name": "@Step", "count": 2},
    ],
    "median_days_to_match": None,
    "days_deployed": [{"alliance_id": "a-2", "alliance_name": "-Minus", "days_used": 3, "days_booked": 7}],
    "overdue": [
        {"referral_id": "r-1", "school_urn": "120017", "school_name": "Brookside", "alliance_id": "a-3",
         "alliance_name": "\tTabbed", "priority": "high", "status": "open", "received_on": "2026-10-25",
         "match_due_on": "2026-11-02", "working_days_overdue": 16, "escalated": True},
    ],
}


def parsed(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_figure():
    found = rows(BOARD)
    assert [row["figure"] for row in found] == (
        ["referrals"] * 6 + ["cross_alliance_referrals", "median_days_to_match", "leader_days_used",
                             "leader_days_booked", "overdue_working_days"])
    assert [(row["status"], row["value"]) for row in found[:6]] == [(s.value, n) for n, s in enumerate(S)]


def test_the_csv_has_the_header_and_every_row_and_reads_back():
    text = to_csv(BOARD)
    assert text.split("\r\n")[0] == ",".join(COLUMNS)
    assert text.endswith("\r\n")
    table = parsed(text)
    assert len(table) == 11
    assert all(list(row) == COLUMNS for row in table)
    assert table[5] == {"figure": "referrals", "alliance_id": "a-1",
                        "alliance_name": "'=HYPERLINK(\"http://evil.example\",\"click\")",
                        "other_alliance_id": "", "other_alliance_name": "", "status": "withdrawn",
                        "referral_id": "", "value": "5"}
    assert table[6] == {"figure": "cross_alliance_referrals", "alliance_id": "a-1",
                        "alliance_name": "'+Plus, \"quoted\"", "other_alliance_id": "a-2",
                        "other_alliance_name": "'@Step", "status": "", "referral_id": "", "value": "2"}
    assert table[7] == {column: "" for column in COLUMNS} | {"figure": "median_days_to_match"}
    assert [(row["figure"], row["alliance_name"], row["value"]) for row in table[8:10]] == [
        ("leader_days_used", "'-Minus", "3"), ("leader_days_booked", "'-Minus", "7")]
    assert table[10] == {"figure": "overdue_working_days", "alliance_id": "a-3", "alliance_name": "'\tTabbed",
                         "other_alliance_id": "", "other_alliance_name": "", "status": "open",
                         "referral_id": "r-1", "value": "16"}


@pytest.mark.parametrize("name, cell", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\rline", "'\rline"),
    ("Oadby = good", "Oadby = good"), ("'already quoted", "'already quoted"), ("", ""), (None, ""),
])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(name, cell):
    board = {"by_alliance": [], "cross_alliance_flows": [], "days_deployed": [], "overdue": [],
             "median_days_to_match": 2.5}
    board["days_deployed"] = [{"alliance_id": "a-1", "alliance_name": name, "days_used": 0, "days_booked": 1}]
    table = parsed(to_csv(board))
    assert [(row["figure"], row["alliance_name"], row["value"]) for row in table] == [
        ("median_days_to_match", "", "2.5"), ("leader_days_used", cell, "0"), ("leader_days_booked", cell, "1")]


# lifecycle ------------------------------------------------------------------------------------------------------

ALLOWED = {
    (S.OPEN, S.SHARED), (S.OPEN, S.MATCHED),  # the home alliance may deploy its own leader without sharing
    (S.SHARED, S.MATCHED),
    (S.MATCHED, S.ACTIVE), (S.MATCHED, S.CLOSED),  # support may end before a first visit
    (S.ACTIVE, S.CLOSED),
    (S.OPEN, S.WITHDRAWN), (S.SHARED, S.WITHDRAWN), (S.MATCHED, S.WITHDRAWN), (S.ACTIVE, S.WITHDRAWN),
}


@pytest.mark.parametrize("current, target", list(itertools.product(S, S)))
def test_a_referral_moves_only_as_declared(current, target):
    assert REFERRAL.allows(current.value, target) is ((current, target) in ALLOWED)


def test_the_referral_lifecycle_covers_every_status_and_nothing_leaves_a_finished_one():
    assert set(REFERRAL.moves) == set(S)
    assert FINISHED == ("closed", "withdrawn")
    assert all(REFERRAL.moves[S(status)] == frozenset() for status in FINISHED)
    assert all(REFERRAL.allows(status, S.WITHDRAWN) for status in LIVE)
    assert set(LIVE) | set(FINISHED) == {s.value for s in S}
    assert REFERRAL.sources(S.MATCHED) == UNMATCHED == ("open", "shared")
    assert REFERRAL.sources(S.CLOSED) == ("matched", "active")
    assert REFERRAL.sources(S.OPEN) == ()


def test_an_unknown_referral_status_is_refused():
    with pytest.raises(ValueError):
        REFERRAL.allows("pending", S.CLOSED)
