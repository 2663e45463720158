"""Sign-in limits over HTTP (per account and client, per client, shared by gateways) and deactivation.

Clients come from different loopback addresses (the whole of 127.0.0.0/8 is
local), so the gateway sees them as different peers; 127.0.0.1, which the
other tests use, is never slowed here.
"""
import time
import uuid

import jwt
import pytest
import requests

from gateway import auth
from tests.e2e.api import Api
from tests.e2e.conftest import PASSWORD
from tests.e2e.gateways import another_gateway
from tests.e2e.test_membership_api import problem
from tests.waiting import wait_until

pytestmark = pytest.mark.e2e
FREE_FAILURES = 5  # SIGN_IN_FREE_FAILURES's default
CLIENT_FREE_FAILURES = 20  # SIGN_IN_CLIENT_FREE_FAILURES's default


@pytest.fixture(scope="module")
def second_gateway(stack, stack_settings, tmp_path_factory):
    """Another gateway process of the same stack, on its own port, remembering users for 1 s."""
    with another_gateway(stack, stack_settings, tmp_path_factory.mktemp("gateway-2"),
                         ACTIVE_USER_CACHE_SECONDS="1") as api:
        yield api


def sign_in(api: Api, email: str, password: str) -> requests.Response:
    return api.post("/api/v1/auth/token", {"email": email, "password": password})


def first_limited(answers: list[requests.Response]) -> requests.Response:
    """The first 429 among ``answers``; the ones before it are 401s."""
    for answer in answers:
        if answer.status_code != 401:
            break
    limited = problem(answer, 429)
    assert limited["detail"] and int(answer.headers["Retry-After"]) >= 1
    return answer


def user(creator: Api, email: str, role: str, **scope: str) -> dict:
    return creator.created("/api/v1/users", {"email": email, "name": email.split("@")[0], "role": role,
                                            "password": PASSWORD, **scope})


# --- sign-in limits ------------------------------------------------------------

def test_wrong_passwords_slow_their_client_but_never_the_owner_elsewhere(anonymous, world):
    owner = user(world.a1_admin, "owner@affinity.test", "alliance_staff", alliance_id=world.a1["id"])
    attacker = anonymous.from_address("127.0.0.21")
    for _ in range(FREE_FAILURES):
        problem(sign_in(attacker, owner["email"], "guess"), 401)
    # The next failure starts a wait of 1 s, then 2 s …: within a few attempts one is refused.
    first_limited(sign_in(attacker, owner["email"], "guess") for _ in range(3))
    # Blocked before the password is checked: even the right one waits, from that client.
    problem(sign_in(attacker, owner["email"], PASSWORD), 429)
    # The owner, from another address, signs in at once, and that clears nothing of the attacker's.
    assert sign_in(anonymous.from_address("127.0.0.22"), "OWNER@affinity.test", PASSWORD).status_code == 200


def test_one_client_trying_many_accounts_is_slowed(anonymous, world):
    sprayer = anonymous.from_address("127.0.0.31")
    answers = [sign_in(sprayer, f"sprayed{n}@x.test", "Summer2026!") for n in range(25)]
    assert [a.status_code for a in answers[:CLIENT_FREE_FAILURES]] == [401] * CLIENT_FREE_FAILURES
    first_limited(answers[CLIENT_FREE_FAILURES:])
    assert sign_in(anonymous.from_address("127.0.0.32"), "coord@emsyh.test", PASSWORD).status_code == 200


def test_the_limits_are_shared_by_every_gateway_process(anonymous, second_gateway):
    gateways = [anonymous.from_address("127.0.0.41"), second_gateway.from_address("127.0.0.41")]
    for attempt in range(FREE_FAILURES + 1):  # neither process alone sees more than 3 failures
        problem(sign_in(gateways[attempt % 2], "shared@x.test", "guess"), 401)
    first_limited(sign_in(gateways[n % 2], "shared@x.test", "guess") for n in range(3))


# --- deactivation ---------------------------------------------------------------

def test_who_may_deactivate_whom(world, admin, anonymous):
    staff = user(world.a1_admin, "deactivate.staff@affinity.test", "alliance_staff", alliance_id=world.a1["id"])
    other = user(admin, "deactivate.staff@lets.test", "alliance_staff", alliance_id=world.a2["id"])
    school_user = world.school_user.get("/api/v1/me").json()["user"]
    a1_admin = world.a1_admin.get("/api/v1/me").json()["user"]
    platform_admin = admin.get("/api/v1/me").json()["user"]

    def deactivate(caller: Api, user_id: str) -> requests.Response:
        return caller.post(f"/api/v1/users/{user_id}/deactivate")

    problem(anonymous.post(f"/api/v1/users/{staff['id']}/deactivate"), 401)
    for caller in (world.a1_staff, world.coordinator):
        problem(deactivate(caller, staff["id"]), 403)
    problem(deactivate(world.school_user, staff["id"]), 404)  # not one of its school's users
    problem(deactivate(world.a1_admin, other["id"]), 404)  # another alliance's: not revealed
    problem(deactivate(world.a1_admin, str(uuid.uuid4())), 404)
    problem(deactivate(world.a1_admin, "not-a-uuid"), 404)
    problem(deactivate(world.a1_admin, school_user["id"]), 404)  # a school's users are the school's
    problem(deactivate(world.a1_admin, a1_admin["id"]), 403)
    problem(deactivate(admin, platform_admin["id"]), 403)

    done = deactivate(world.a1_admin, staff["id"])
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["id"] == staff["id"] and body["active"] is False and body["deactivated_at"]
    assert deactivate(world.a1_admin, staff["id"]).json() == body  # again: the same answer
    assert deactivate(admin, other["id"]).json()["active"] is False
    colleague = user(world.school_user, "leaver@forestway.test", "school_user", school_urn="110002")
    assert deactivate(world.school_user, colleague["id"]).json()["active"] is False


def test_a_deactivated_user_is_announced_and_cannot_sign_in(world, anonymous, stack_events):
    stack_events.bind("membership", "user_updated")
    staff = user(world.a1_admin, "leaver@affinity.test", "alliance_staff", alliance_id=world.a1["id"])
    assert staff["active"] is True and staff["deactivated_at"] is None
    client = anonymous.from_address("127.0.0.51")
    assert sign_in(client, staff["email"], PASSWORD).status_code == 200
    world.a1_admin.post(f"/api/v1/users/{staff['id']}/deactivate")
    refused = problem(sign_in(client, staff["email"], PASSWORD), 401)
    wrong = problem(sign_in(client, "no.such.user@affinity.test", "guess"), 401)
    assert refused == wrong  # nothing to tell a deactivated account from a wrong password

    def announced() -> list[dict]:
        stack_events.drain(0.2)
        return [e for e in stack_events.of_type("user_updated") if e["data"]["id"] == staff["id"]]

    event = wait_until(announced, timeout=15, interval=0)[0]
    assert event["data"]["active"] is False and event["alliance_id"] == world.a1["id"]


def test_a_deactivated_users_token_stops_working_within_the_cache_ttl(world, second_gateway):
    staff = user(world.a1_admin, "token.holder@affinity.test", "alliance_staff", alliance_id=world.a1["id"])
    holder = second_gateway.from_address("127.0.0.61").login(staff["email"], PASSWORD)
    alliance = f"/api/v1/alliances/{world.a1['id']}"
    assert holder.get(alliance).status_code == 200  # the gateway now remembers the user as active
    world.a1_admin.post(f"/api/v1/users/{staff['id']}/deactivate")
    problem(holder.get("/api/v1/me"), 401)
    started = time.monotonic()
    wait_until(lambda: holder.get(alliance).status_code == 401, timeout=5, interval=0.2)
    assert time.monotonic() - started < 3  # ACTIVE_USER_CACHE_SECONDS is 1 on this gateway
    problem(holder.get(alliance), 401)


def test_a_token_whose_user_no_longer_exists_is_refused(anonymous, stack_settings):
    now = int(time.time())
    claims = {"iss": auth.ISSUER, "aud": auth.AUDIENCE, "sub": str(uuid.uuid4()), "iat": now,
              "exp": now + 300, "role": "platform_admin"}
    token = jwt.encode(claims, stack_settings["JWT_SECRET"], algorithm="HS256")
    problem(Api(anonymous.base_url, token).get("/api/v1/regions"), 401)
