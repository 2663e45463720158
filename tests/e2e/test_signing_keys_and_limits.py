"""Signing keys rotate without signing anybody out, and each user's requests are limited (issue 11).

One stack of its own: its gateway signs with key 2026-05 alone and allows each
user 5 requests at once and 1 a second. Rotation is played as an operator
would: more gateways of the same stack, each rolled to the next ring.
"""
import secrets
import subprocess
import time

import jwt
import pytest

from deploy.compose_file import REPO_ROOT
from deploy.stack import Stack
from tests.e2e.api import Api
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, free_port, stack_env
from tests.e2e.gateways import another_gateway, gateway_environment
from tests.e2e.test_membership_api import problem

pytestmark = pytest.mark.e2e
OLD, NEW = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
BURST = 5
NO_LIMIT = {"RATE_LIMIT_PER_SECOND": "0"}


@pytest.fixture(scope="module")
def keyed(broker, postgres, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("keys")
    env = stack_env(broker, postgres, "keys", run_dir / "mail", JWT_SIGNING_KEYS=f"2026-05:{OLD}",
                    RATE_LIMIT_PER_SECOND="1", RATE_LIMIT_BURST=str(BURST))
    stack = Stack(env, run_dir=run_dir)
    stack.up(timeout=120)
    yield stack, env, run_dir
    stack.down()


def kid_of(api: Api) -> str:
    return jwt.get_unverified_header(api.token)["kid"]


def me(api: Api) -> int:
    return api.get("/api/v1/me").status_code


def refused(api: Api) -> None:
    assert problem(api.get("/api/v1/me"), 401)["detail"] == "the token is not valid"


def test_rotating_the_signing_key_signs_nobody_out(keyed):
    stack, env, run_dir = keyed
    before = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert kid_of(before) == "2026-05"

    def rolled(ring: str):
        return another_gateway(stack, env, run_dir / "gateways", JWT_SIGNING_KEYS=ring, **NO_LIMIT)

    # 1. the new key added second: it verifies everywhere before any gateway signs with it
    with rolled(f"2026-05:{OLD},2026-11:{NEW}") as added, rolled(f"2026-11:{NEW},2026-05:{OLD}") as moved:
        assert kid_of(added.login(ADMIN_EMAIL, ADMIN_PASSWORD)) == "2026-05"
        # 2. moved first: new tokens carry the new kid; the old token still works on every rolled gateway
        after = moved.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        assert kid_of(after) == "2026-11"
        assert me(Api(moved.base_url, before.token)) == 200 and me(Api(added.base_url, before.token)) == 200
        assert me(Api(added.base_url, after.token)) == 200
        refused(Api(stack.base_url, after.token))  # a gateway not yet rolled: why the key goes second first
    # 3. after one token lifetime the old key is dropped: only tokens signed with it stop working
    with rolled(f"2026-11:{NEW}") as dropped:
        assert me(Api(dropped.base_url, after.token)) == 200
        refused(Api(dropped.base_url, before.token))


def test_a_token_with_an_unknown_kid_or_none_is_refused(keyed):
    stack, env, _ = keyed
    claims = jwt.decode(Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD).token, OLD, algorithms=["HS256"],
                        audience="alliance-network-api")
    for secret, headers in [(OLD, {"kid": "2027-01"}), (OLD, None), (env["JWT_SECRET"], None),
                            (NEW, {"kid": "2026-05"})]:
        refused(Api(stack.base_url, jwt.encode(claims, secret, algorithm="HS256", headers=headers)))
    assert me(Api(stack.base_url, jwt.encode(claims, OLD, algorithm="HS256", headers={"kid": "2026-05"}))) == 200


def test_a_short_signing_key_stops_the_gateway_at_start_saying_why(keyed):
    stack, env, _ = keyed
    gateway = stack.services["gateway"]
    started = subprocess.run(gateway.command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
                             env=gateway_environment(stack, env, free_port(), JWT_SIGNING_KEYS="2026-11:too-short"))
    assert started.returncode != 0
    assert "JWT_SIGNING_KEYS: the key '2026-11' is 9 characters; a signing key needs at least 32" in started.stderr


def test_one_user_past_the_burst_gets_429_and_others_do_not(keyed):
    stack, _, _ = keyed
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    region = admin.created("/api/v1/regions", {"name": "Limits", "code": "LIMITS"})
    for name in ("busy", "calm"):
        admin.created("/api/v1/users", {"email": f"{name}@limits.test", "name": name, "role": "regional_coordinator",
                                        "password": PASSWORD, "region_id": region["id"]})
    busy = Api(stack.base_url).login("busy@limits.test", PASSWORD)
    calm = Api(stack.base_url).login("calm@limits.test", PASSWORD)

    answers = [busy.get("/api/v1/me") for _ in range(BURST + 5)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:BURST] == [200] * BURST and 429 in statuses, statuses
    limited = answers[statuses.index(429)]
    assert problem(limited, 429)["title"] == "Too many requests"
    wait = int(limited.headers["Retry-After"])
    assert wait >= 1
    assert me(calm) == 200  # another user's bucket is their own

    time.sleep(wait)
    assert me(busy) == 200
    assert stack_metric(admin, "gateway_rate_limited_total") >= 1


def stack_metric(api: Api, name: str) -> float:
    lines = [line for line in api.get("/metrics").text.splitlines() if line.startswith(name + " ")]
    return float(lines[0].split()[1])
