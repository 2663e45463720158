"""The authorisation matrix: every gateway operation x every kind of caller, on alliance A's objects.

The operations come from the gateway's own route table, so a new route
without a row here fails the test. A row names who may do it (or, for a
list, who sees A's object in it and who gets the list without it); every
other signed-in caller must be refused (403, 404, or 422 naming an id it may
not use) and a caller with no or an expired token gets 401. The matrix is
printed: each cell is the status code, with + or - for a list that did or
did not show A's object.
"""
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import pytest

import gateway.service  # noqa: F401 (fills the route table)
from gateway.http import ROUTES
from tests.e2e import authorisation_world as w
from tests.e2e.authorisation_world import Tenants

pytestmark = pytest.mark.e2e

P, CR, CX = w.PLATFORM_ADMIN, w.COORDINATOR, w.COORDINATOR_ELSEWHERE
AA, AS, BA, BS, FA, FS = (w.ALLIANCE_ADMIN, w.ALLIANCE_STAFF, w.NEIGHBOUR_ADMIN, w.NEIGHBOUR_STAFF,
                          w.FAR_ADMIN, w.FAR_STAFF)
U, UO, UN = w.SCHOOL_USER, w.OTHER_SCHOOL_USER, w.NON_MEMBER_SCHOOL_USER
EVERYONE = frozenset(w.SIGNED_IN)
IN_REGION = frozenset({P, CR, AA, AS, BA, BS, U, UO})
ALLIANCE_A = frozenset({P, AA, AS})
TRIAGE_A = frozenset({P, CR, AA, AS})  # A's referrals: its alliance, the region's coordinator
SEES_REFERRAL = frozenset({P, CR, AA, AS, BA, BS, U})  # A's shared referral for school S
DENIED = {403, 404, 422}
Prepared = tuple[dict, Any, dict]  # path parameters, body, query


@dataclass
class Case:
    method: str
    path: str
    allowed: frozenset  # succeed (2xx), or for a list: see A's object in it
    prepare: Callable[[Tenants], Prepared]
    hidden: frozenset = frozenset()  # for a list: 200 without A's object
    shows: Callable[[Tenants, dict], bool] | None = None  # for a list: is this item A's object?
    allowed_status: int | None = None  # when the allowed get a fixed status (an unknown parked event)


def static(**params: Any) -> Callable[[Tenants], Prepared]:
    return lambda t: ({k: v(t) if callable(v) else v for k, v in params.items()}, None, {})


def body_of(make: Callable[[Tenants], Any], **params: Any) -> Callable[[Tenants], Prepared]:
    return lambda t: ({k: v(t) for k, v in params.items()}, make(t), {})


def query(make: Callable[[Tenants], dict], **params: Any) -> Callable[[Tenants], Prepared]:
    return lambda t: ({k: v(t) for k, v in params.items()}, None, make(t))


def a_id(t: Tenants) -> str:
    return t.a["id"]


def course_id(t: Tenants) -> str:
    return t.course["id"]


def referral_id(t: Tenants) -> str:
    return t.referral["id"]


def webhook_id(t: Tenants) -> str:
    return t.webhook["id"]


def leader_id(t: Tenants) -> str:
    return t.leader["id"]


CASES = [
    Case("GET", "/api/v1/me", EVERYONE, static()),
    Case("POST", "/api/v1/users", frozenset({P, AA}), body_of(lambda t: {
        "email": f"staff{t.unique()}@matrix.test", "name": "Staff", "role": "alliance_staff",
        "alliance_id": t.a["id"], "password": w.PASSWORD})),
    # The users a caller manages: A's staff to the platform admin and A's admin; other admins and school users
    # get their own (B's, F's, their school's) without them; coordinators and staff manage nobody.
    Case("GET", "/api/v1/users", frozenset({P, AA}), static(), hidden=frozenset({BA, FA, U, UO, UN}),
         shows=lambda t, item: item["email"] == f"{w.ALLIANCE_STAFF}@matrix.test"),
    Case("POST", "/api/v1/users/{user_id}/deactivate", frozenset({P, AA}), lambda t: (
        {"user_id": t.fresh_staff()}, None, {})),
    Case("POST", "/api/v1/regions", frozenset({P}), body_of(lambda t: {
        "name": f"Matrix region {t.unique()}", "code": f"MX{t.unique()}"})),
    Case("GET", "/api/v1/regions", IN_REGION, static(), hidden=EVERYONE - IN_REGION,
         shows=lambda t, item: item["id"] == t.region["id"]),
    Case("GET", "/api/v1/regions/{region_id}", IN_REGION, static(region_id=lambda t: t.region["id"])),
    Case("POST", "/api/v1/alliances", frozenset({P, CR}), body_of(lambda t: {
        "name": f"Matrix alliance {t.unique()}", "region_id": t.region["id"], "kind": "teaching_school_hub"})),
    Case("GET", "/api/v1/alliances", IN_REGION, static(), hidden=EVERYONE - IN_REGION,
         shows=lambda t, item: item["id"] == t.a["id"]),
    Case("GET", "/api/v1/alliances/{alliance_id}", IN_REGION, static(alliance_id=a_id)),
    Case("PATCH", "/api/v1/alliances/{alliance_id}", frozenset({P, CR, AA}), body_of(
        lambda t: {"name": f"Matrix A {t.unique()}"}, alliance_id=a_id)),
    Case("PATCH", "/api/v1/schools/{urn}", frozenset({P, CR, U}), body_of(
        lambda t: {"trust": f"Matrix Trust {t.unique()}"}, urn=lambda t: w.S)),
    Case("POST", "/api/v1/schools", frozenset({P, CR, CX, AA, BA, FA}), body_of(lambda t: {
        "urn": f"93{t.unique():04d}", "name": "Registered", "local_authority": "Leicestershire",
        "phase": "primary"})),
    Case("GET", "/api/v1/schools", EVERYONE, query(lambda t: {"q": f"Matrix {w.S}"}),
         shows=lambda t, item: item["urn"] == w.S),
    Case("GET", "/api/v1/schools/{urn}", EVERYONE, static(urn=w.S)),
    Case("POST", "/api/v1/alliances/{alliance_id}/members", frozenset({P, CR, AA}), body_of(
        lambda t: {"school_urn": t.fresh_school(), "tier": "partner"}, alliance_id=a_id)),
    Case("GET", "/api/v1/alliances/{alliance_id}/members", frozenset({P, CR, AA, AS}), static(alliance_id=a_id),
         shows=lambda t, item: item["school_urn"] == w.S),
    Case("PATCH", "/api/v1/alliances/{alliance_id}/members/{urn}", frozenset({P, AA}), lambda t: (
        {"alliance_id": t.a["id"], "urn": t.fresh_member()}, {"tier": "strategic_partner"}, {})),
    Case("DELETE", "/api/v1/alliances/{alliance_id}/members/{urn}", frozenset({P, AA}), lambda t: (
        {"alliance_id": t.a["id"], "urn": t.fresh_member()}, None, {})),
    Case("POST", "/api/v1/alliances/{alliance_id}/members/{urn}/accept", frozenset({P, CR}), lambda t: (
        {"alliance_id": t.a["id"], "urn": t.fresh_invitation()}, None, {})),
    Case("POST", "/api/v1/alliances/{alliance_id}/members/{urn}/decline", frozenset({P, CR}), lambda t: (
        {"alliance_id": t.a["id"], "urn": t.fresh_invitation()}, None, {})),
    Case("GET", "/api/v1/schools/{urn}/memberships", frozenset({P, CR, AA, AS, U}), static(urn=w.S),
         hidden=frozenset({CX, BA, BS, FA, FS}), shows=lambda t, item: item["alliance_id"] == t.a["id"]),
    Case("POST", "/api/v1/system-leaders", ALLIANCE_A, body_of(lambda t: {
        "name": "Leader", "email": f"leader{t.unique()}@matrix.test", "designation": "LLE",
        "school_urn": w.S, "alliance_id": t.a["id"], "specialisms": ["send"], "days_available": 3})),
    Case("GET", "/api/v1/system-leaders", frozenset({P, CR, AA, AS, BA, BS}), static(),
         hidden=frozenset({CX, FA, FS}), shows=lambda t, item: item["id"] == t.leader["id"]),
    Case("GET", "/api/v1/system-leaders/{leader_id}", frozenset({P, CR, AA, AS, BA, BS}),
         static(leader_id=leader_id)),
    Case("PATCH", "/api/v1/system-leaders/{leader_id}", ALLIANCE_A, body_of(
        lambda t: {"days_available": t.unique() % 100}, leader_id=leader_id)),
    Case("POST", "/api/v1/courses", ALLIANCE_A, body_of(lambda t: w.course_body(t.a["id"]))),
    Case("GET", "/api/v1/courses", frozenset({P, CR, AA, AS, U}), query(lambda t: {"q": "Matrix course"}),
         hidden=frozenset({CX, BA, BS, FA, FS, UO, UN}), shows=lambda t, item: item["id"] == t.course["id"]),
    Case("GET", "/api/v1/courses/{course_id}", frozenset({P, CR, AA, AS, U}), static(course_id=course_id)),
    Case("PATCH", "/api/v1/courses/{course_id}", ALLIANCE_A, body_of(
        lambda t: {"description": f"Edited {t.unique()}"}, course_id=course_id)),
    Case("POST", "/api/v1/courses/{course_id}/publish", ALLIANCE_A, lambda t: (
        {"course_id": t.fresh_draft()}, None, {})),
    Case("POST", "/api/v1/courses/{course_id}/cancel", ALLIANCE_A, lambda t: (
        {"course_id": t.fresh_published()}, None, {})),
    Case("POST", "/api/v1/courses/{course_id}/bookings", frozenset({P, AA, AS, U}), body_of(
        lambda t: {"school_urn": w.S, "participant": t.participant()}, course_id=course_id)),
    Case("GET", "/api/v1/courses/{course_id}/bookings", frozenset({P, CR, AA, AS}), static(course_id=course_id),
         shows=lambda t, item: item["id"] == t.booking["id"]),
    Case("GET", "/api/v1/bookings", frozenset({P, CR, AA, AS, U}), query(lambda t: {"school_urn": w.S}),
         hidden=frozenset({CX, BA, BS, FA, FS, UO, UN}), shows=lambda t, item: item["id"] == t.booking["id"]),
    Case("GET", "/api/v1/bookings/{booking_id}", frozenset({P, CR, AA, AS, U}),
         static(booking_id=lambda t: t.booking["id"])),
    Case("POST", "/api/v1/bookings/{booking_id}/cancel", frozenset({P, AA, AS, U}), lambda t: (
        {"booking_id": t.fresh_booking()}, {"reason": "matrix"}, {})),
    Case("POST", "/api/v1/courses/{course_id}/sessions/{index}/attendance", ALLIANCE_A, body_of(
        lambda t: {"attended": []}, course_id=course_id, index=lambda t: "0")),
    Case("POST", "/api/v1/referrals", frozenset({P, CR, AA, AS, U}), body_of(lambda t: w.referral_body(t.a["id"]))),
    Case("GET", "/api/v1/referrals", SEES_REFERRAL, static(), hidden=EVERYONE - SEES_REFERRAL,
         shows=lambda t, item: item["id"] == t.referral["id"]),
    Case("GET", "/api/v1/referrals/{referral_id}", SEES_REFERRAL, static(referral_id=referral_id)),
    Case("POST", "/api/v1/referrals/{referral_id}/consent", frozenset({P, CR, AA, AS, U}), lambda t: (
        {"referral_id": t.fresh_referral(consent=False)}, {"given_by": "Headteacher"}, {})),
    Case("POST", "/api/v1/referrals/{referral_id}/share", TRIAGE_A, lambda t: (
        {"referral_id": t.fresh_referral()}, None, {})),
    Case("GET", "/api/v1/referrals/{referral_id}/matches", TRIAGE_A, static(referral_id=referral_id)),
    Case("POST", "/api/v1/referrals/{referral_id}/assign", TRIAGE_A, lambda t: (
        {"referral_id": t.fresh_referral()}, {"system_leader_id": t.support_leader["id"], "days": 1}, {})),
    Case("POST", "/api/v1/referrals/{referral_id}/deployments/{deployment_id}/visits",
         frozenset({P, CR, AA, AS, BA, BS}), lambda t: (
             dict(zip(("referral_id", "deployment_id"), t.fresh_deployment())),
             {"visited_on": date.today().isoformat(), "days_used": 1}, {})),
    Case("POST", "/api/v1/referrals/{referral_id}/reviews", TRIAGE_A, body_of(
        lambda t: {"rag": "green", "note": "Matrix review"}, referral_id=referral_id)),
    Case("POST", "/api/v1/referrals/{referral_id}/close", TRIAGE_A, lambda t: (
        {"referral_id": t.fresh_deployment()[0]}, {"outcome": "sustained"}, {})),
    Case("POST", "/api/v1/referrals/{referral_id}/withdraw", frozenset({P, CR, AA, AS, U}), lambda t: (
        {"referral_id": t.fresh_referral()}, {"reason": "Matrix"}, {})),
    Case("GET", "/api/v1/regions/{region_id}/referral-board", frozenset({P, CR}),
         static(region_id=lambda t: t.region["id"])),
    Case("GET", "/api/v1/notifications", EVERYONE, static()),
    Case("POST", "/api/v1/notifications/{notification_id}/read", frozenset({AA}),
         static(notification_id=lambda t: t.notification["id"])),  # one's own only: not even the platform admin
    Case("POST", "/api/v1/notifications/read-all", EVERYONE, static()),
    Case("GET", "/api/v1/notification-preferences", EVERYONE, static()),
    Case("PUT", "/api/v1/notification-preferences", EVERYONE, body_of(lambda t: {"email": "immediate"})),
    Case("POST", "/api/v1/webhooks", frozenset({P, AA}), body_of(lambda t: w.webhook_body(t.a["id"]))),
    Case("GET", "/api/v1/webhooks", frozenset({P, AA}), static(), hidden=frozenset({BA, FA}),
         shows=lambda t, item: item["id"] == t.webhook["id"]),
    Case("GET", "/api/v1/webhooks/{webhook_id}", frozenset({P, AA}), static(webhook_id=webhook_id)),
    Case("DELETE", "/api/v1/webhooks/{webhook_id}", frozenset({P, AA}), lambda t: (
        {"webhook_id": t.fresh_webhook()}, None, {})),
    Case("POST", "/api/v1/webhooks/{webhook_id}/enable", frozenset({P, AA}), static(webhook_id=webhook_id)),
    Case("GET", "/api/v1/webhooks/{webhook_id}/deliveries", frozenset({P, AA}), static(webhook_id=webhook_id)),
    Case("GET", "/api/v1/ops/parked-events", frozenset({P}), static()),
    Case("POST", "/api/v1/ops/parked-events/{service}/{parked_id}/replay", frozenset({P}),
         static(service="courses", parked_id="987654"), allowed_status=404),
    Case("GET", "/api/v1/ops/audit-log", frozenset({P}), lambda t: ({}, None, {"service": "membership"})),
]


def guarded_routes() -> set[tuple[str, str]]:
    return {(spec.method, spec.path) for spec in ROUTES if not spec.public}


def test_every_guarded_route_is_in_the_matrix():
    covered = {(case.method, case.path) for case in CASES}
    assert guarded_routes() - covered == set(), "routes missing from the authorisation matrix"
    assert covered - guarded_routes() == set(), "matrix rows for routes that no longer exist"


def _every_item(api, path: str, params: dict) -> tuple[int, list[dict]]:
    items, cursor = [], None
    for _ in range(50):
        answer = api.get(path, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})})
        if answer.status_code != 200:
            return answer.status_code, []
        page = answer.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    return 200, items


def _expected(case: Case, caller: str) -> str:
    if caller in (w.NO_TOKEN, w.EXPIRED_TOKEN):
        return "401"
    if caller in case.allowed:
        return "sees" if case.shows else "allowed"
    return "hidden" if caller in case.hidden else "denied"


def _outcome(case: Case, tenants: Tenants, caller: str) -> tuple[str, str]:
    """(what happened, the matrix cell)."""
    params, body, wanted = case.prepare(tenants)
    path = case.path.format(**params)
    api = tenants.callers[caller]
    if case.shows and case.method == "GET":
        status, items = _every_item(api, path, wanted)
        if status == 200:
            seen = any(case.shows(tenants, item) for item in items)
            return ("sees" if seen else "hidden"), f"200{'+' if seen else '-'}"
    else:
        status = api.request(case.method, path, body, params=wanted).status_code
    if status == 401:
        return "401", "401"
    if (case.allowed_status and status == case.allowed_status) or (not case.allowed_status and status < 300):
        return "allowed", str(status)
    return ("denied" if status in DENIED else f"unexpected {status}"), str(status)


def _print(rows: list[tuple[str, dict[str, str]]]) -> str:
    short = {caller: "".join(word[0] for word in caller.split("_")).upper() for caller in w.CALLERS}
    header = f"{'operation':64}" + "".join(f"{short[c]:>6}" for c in w.CALLERS)
    lines = [header] + [f"{name:64}" + "".join(f"{cells[c]:>6}" for c in w.CALLERS) for name, cells in rows]
    legend = "  ".join(f"{short[c]}={c}" for c in w.CALLERS)
    return "\n".join(["", "Authorisation matrix (+/-: the list did / did not show A's object)", *lines, legend])


def test_the_authorisation_matrix(tenants, capsys):
    rows, wrong = [], []
    for case in CASES:
        cells = {}
        for caller in w.CALLERS:
            happened, cells[caller] = _outcome(case, tenants, caller)
            expected = _expected(case, caller)
            if happened != expected:
                kind = "LEAK" if happened in ("allowed", "sees") else "LOCKOUT" if expected in (
                    "allowed", "sees") else "WRONG"
                wrong.append(f"{kind}: {case.method} {case.path} as {caller}: expected {expected}, "
                             f"got {happened} ({cells[caller]})")
        rows.append((f"{case.method} {case.path}", cells))
    with capsys.disabled():
        print(_print(rows))
    assert wrong == []
