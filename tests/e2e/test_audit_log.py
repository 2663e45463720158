"""The audit log through the gateway: a tier change, its before/after and the client's request id."""
import uuid

import pytest

from tests.e2e.api import school

pytestmark = pytest.mark.e2e
AUDIT = "/api/v1/ops/audit-log"


def test_a_platform_admin_reads_who_changed_a_tier_and_in_which_request(world, admin):
    admin.created("/api/v1/schools", school("171801", "Audited Primary"))
    members = f"/api/v1/alliances/{world.a1['id']}/members"
    started = admin.created(members, {"school_urn": "171801", "tier": "partner"})
    request_id = f"audit-{uuid.uuid4().hex}"
    changed = world.a1_admin.patch(f"{members}/171801", {"tier": "lead"}, headers={"X-Request-ID": request_id})
    assert changed.status_code == 200 and changed.headers["X-Request-ID"] == request_id

    answer = admin.get(AUDIT, params={"service": "membership", "subject_id": started["id"]})
    assert answer.status_code == 200, answer.text
    tier_change, start = answer.json()["items"]  # newest first
    me = world.a1_admin.get("/api/v1/me").json()["user"]
    assert tier_change["action"] == "change_member_tier" and tier_change["request_id"] == request_id
    assert (tier_change["actor_id"], tier_change["actor_role"]) == (me["id"], "alliance_admin")
    assert tier_change["changes"] == {"tier": {"before": "partner", "after": "lead"}}
    assert start["action"] == "add_member" and start["actor_role"] == "platform_admin"
    assert start["changes"] == {"status": {"before": None, "after": "active"},
                                "tier": {"before": None, "after": "partner"}}

    by_request = admin.get(AUDIT, params={"service": "membership", "action": "change_member_tier",
                                          "actor_id": me["id"], "limit": 1}).json()
    assert by_request["items"][0]["request_id"] == request_id
    assert "email" not in str(answer.json()) and "admin@affinity.test" not in str(answer.json())


def test_only_the_platform_admin_reads_an_audit_log_of_a_registered_service(world, admin):
    denied = world.a1_admin.get(AUDIT, params={"service": "membership"})
    assert denied.status_code == 403 and denied.headers["Content-Type"] == "application/problem+json"
    assert world.coordinator.get(AUDIT, params={"service": "courses"}).status_code == 403
    for query in ({"service": "payments"}, {}):
        refused = admin.get(AUDIT, params=query)
        assert refused.status_code == 422 and "service" in refused.json()["errors"]
    assert admin.get(AUDIT, params={"service": "courses", "cursor": "nope"}).status_code == 400
    assert admin.get(AUDIT, params={"service": "support", "since": "soon"}).status_code == 422


def test_a_users_role_and_deactivation_are_audited_without_their_email_or_name(world, admin):
    email = f"audited-{uuid.uuid4().hex[:8]}@affinity.test"
    user = admin.created("/api/v1/users", {"email": email, "name": "Audited Person", "role": "alliance_staff",
                                           "password": "a long enough password 1", "alliance_id": world.a1["id"]})
    assert world.a1_admin.post(f"/api/v1/users/{user['id']}/deactivate").status_code == 200

    entries = admin.get(AUDIT, params={"service": "membership", "subject_id": user["id"]}).json()["items"]
    assert [(e["action"], e["changes"]) for e in entries] == [
        ("deactivate_user", {"active": {"before": True, "after": False}}),
        ("create_user", {"role": {"before": None, "after": "alliance_staff"},
                         "active": {"before": None, "after": True}}),
    ]
    assert email not in str(entries) and "Audited Person" not in str(entries) and "password" not in str(entries)
