"""Matching a referral's needs to system leaders: conflicts of interest, scores and reasons (pure rules).

A score is out of 100: specialisms cover the need areas (50), the leader
works in the school's phase (20), days left this academic year (15), the same
local authority (10), few other deployments (5). Equal scores are ordered by
name, then id, so the same data always gives the same list.
"""
from dataclasses import dataclass

from services.specialisms import SPECIALISM_LABELS

WEIGHTS = {"specialisms": 50.0, "phase": 20.0, "days": 15.0, "local_authority": 10.0, "load": 5.0}
DAYS_FOR_FULL_MARKS = 10
DEPLOYMENTS_FOR_NO_MARKS = 5


@dataclass(frozen=True)
class Need:
    school_urn: str
    alliance_id: str
    need_areas: tuple[str, ...]
    phase: str | None
    local_authority: str | None
    trust: str | None
    consent_to_share: bool


@dataclass(frozen=True)
class Leader:
    id: str
    name: str
    designation: str
    school_urn: str
    alliance_id: str
    specialisms: tuple[str, ...]
    phases: tuple[str, ...]
    days_left: int
    active_deployments: int
    local_authority: str | None
    trust: str | None
    school_under_referral: bool


@dataclass(frozen=True)
class Ranked:
    leader: Leader
    score: float
    reasons: tuple[str, ...]


def _trust_key(trust: str | None) -> str:
    """A trust's name for comparing: case and runs of spaces (tabs, non-breaking spaces) do not count."""
    return " ".join((trust or "").split()).casefold()


def _same_trust(need: Need, leader: Leader) -> bool:
    return bool(_trust_key(need.trust) and _trust_key(need.trust) == _trust_key(leader.trust))


def conflicts(need: Need, leader: Leader) -> list[str]:
    """Why ``leader`` may not support ``need``'s school; empty when nothing stands in the way."""
    found = []
    if leader.school_urn == need.school_urn:
        found.append("the leader's own school is the referred school")
    elif _same_trust(need, leader):
        found.append(f"the leader's school is in the same trust ({leader.trust})")
    if leader.school_under_referral and leader.school_urn != need.school_urn:
        found.append("the leader's own school is itself under an open referral")
    if leader.days_left <= 0:
        found.append("no days left this academic year")
    if leader.alliance_id != need.alliance_id and not need.consent_to_share:
        found.append("the school has not consented to support from another alliance")
    return found


def _label(area: str) -> str:
    return SPECIALISM_LABELS.get(area, area)


def score(need: Need, leader: Leader) -> Ranked:
    covered = [area for area in need.need_areas if area in leader.specialisms]
    reasons = []
    points = WEIGHTS["specialisms"] * len(covered) / max(1, len(need.need_areas))
    reasons.append(f"covers {len(covered)} of {len(need.need_areas)} need areas"
                   + (f": {', '.join(map(_label, covered))}" if covered else ""))
    if need.phase and need.phase in leader.phases:
        points += WEIGHTS["phase"]
        reasons.append(f"works in {need.phase.replace('_', ' ')} schools")
    else:
        reasons.append("not a phase they work in" if leader.phases else "phases not stated")
    points += WEIGHTS["days"] * min(leader.days_left, DAYS_FOR_FULL_MARKS) / DAYS_FOR_FULL_MARKS
    reasons.append(f"{leader.days_left} day{'s' if leader.days_left != 1 else ''} left this academic year")
    if need.local_authority and leader.local_authority == need.local_authority:
        points += WEIGHTS["local_authority"]
        reasons.append(f"also in {need.local_authority}")
    load = min(leader.active_deployments, DEPLOYMENTS_FOR_NO_MARKS)
    points += WEIGHTS["load"] * (1 - load / DEPLOYMENTS_FOR_NO_MARKS)
    reasons.append(f"{leader.active_deployments} active deployment{'s' if leader.active_deployments != 1 else ''}")
    if leader.alliance_id != need.alliance_id:
        reasons.append("from another alliance (cross-alliance support)")
    return Ranked(leader, round(points, 1), tuple(reasons))


def rank(need: Need, leaders: list[Leader], limit: int) -> tuple[list[Ranked], list[Ranked]]:
    """The best ``limit`` candidates, and the leaders excluded with the reasons why."""
    eligible, excluded = [], []
    for leader in leaders:
        reasons = conflicts(need, leader)
        if reasons:
            excluded.append(Ranked(leader, 0.0, tuple(reasons)))
        else:
            eligible.append(score(need, leader))
    eligible.sort(key=lambda r: (-r.score, r.leader.name, r.leader.id))
    excluded.sort(key=lambda r: (r.leader.name, r.leader.id))
    return eligible[:limit], excluded
