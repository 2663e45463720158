"""A hub with two member schools, a system leader and a referral whose match is ranked: the smallest
world in which every service holds rows (fault and backup tests start from it)."""
from tests.e2e.api import Api, school
from tests.waiting import wait_until


def a_referral_with_a_leader_to_match(admin: Api, label: str, urns: tuple[str, str]) -> tuple[dict, dict, dict]:
    """Region and hub named ``label``; the first school opens the referral, the leader ("Kept", maths) is
    at the second. Returns (alliance, leader, referral) once support has ranked the leader."""
    region = admin.created("/api/v1/regions", {"name": label, "code": label.upper()})
    alliance = admin.created("/api/v1/alliances", {"name": f"{label} Hub", "region_id": region["id"],
                                                   "kind": "teaching_school_hub"})
    for urn in urns:
        admin.created("/api/v1/schools", school(urn, f"School {urn}"))
        admin.created(f"/api/v1/alliances/{alliance['id']}/members", {"school_urn": urn, "tier": "partner"})
    leader = admin.created("/api/v1/system-leaders", {
        "name": "Kept", "email": f"kept@{label.lower()}.test", "designation": "SLE", "school_urn": urns[1],
        "alliance_id": alliance["id"], "specialisms": ["maths"], "days_available": 5})
    body = {"school_urn": urns[0], "alliance_id": alliance["id"], "need_areas": ["maths"],
            "priority": "low", "summary": f"{label}: kept going", "consent_to_share": True}
    referral = wait_until(lambda: (lambda a: a.status_code == 201 and a.json())(
        admin.post("/api/v1/referrals", body)), timeout=20)
    wait_until(lambda: admin.get(f"/api/v1/referrals/{referral['id']}/matches").json()["items"], timeout=20)
    return alliance, leader, referral
