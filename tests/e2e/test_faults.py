"""When a service stops answering, or is absent, the gateway says so: 504 and 503, never a hang.

The others go on: support answers from its own copies of membership's data.
"""
import signal

import eventlet
import pytest
import requests
from kombu import Connection

from deploy.stack import Stack
from tests.e2e.api import Api
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, stack_env
from tests.e2e.referral_world import a_referral_with_a_leader_to_match

pytestmark = pytest.mark.e2e


@pytest.fixture
def fragile_stack(broker, postgres, tmp_path):
    env = stack_env(broker, postgres, "faults", tmp_path / "mail", RPC_TIMEOUT_SECONDS="2")
    running = Stack(env, run_dir=tmp_path)
    running.up(timeout=120)
    yield running, env["AMQP_URI"]
    running.down()


def test_a_stopped_service_gives_504_then_an_absent_one_503(fragile_stack):
    stack, amqp_uri = fragile_stack
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert admin.get("/api/v1/regions").status_code == 200
    _, leader, referral = a_referral_with_a_leader_to_match(admin, "Faults", ("960001", "960002"))
    assert [m["system_leader"]["id"] for m in admin.get(f"/api/v1/referrals/{referral['id']}/matches").json()[
        "items"]][:1] == [leader["id"]]

    stack.stop("membership", signal.SIGKILL)  # and kept down: the supervisor would restart a crash

    ready = admin.get("/ready")
    assert ready.status_code == 503 and ready.json()["down"] == ["membership"]
    late = admin.get("/api/v1/regions")
    assert late.status_code == 504
    assert late.json()["title"] == "Service did not answer in time"
    matches = admin.get(f"/api/v1/referrals/{referral['id']}/matches")
    assert matches.status_code == 200 and [m["system_leader"]["name"] for m in matches.json()["items"]] == ["Kept"]
    assert admin.post(f"/api/v1/referrals/{referral['id']}/share").json()["status"] == "shared"

    with Connection(amqp_uri) as conn:  # the service was never deployed here
        conn.default_channel.queue_delete("rpc-membership")
    absent = admin.get("/api/v1/regions")
    assert absent.status_code == 503 and "membership" in absent.json()["detail"]
    assert admin.get("/health").status_code == 200


def test_a_gateway_stopped_with_sigterm_answers_every_request_it_had_taken(fragile_stack):
    """40 sign-ins (each a deliberate password hash) are in the gateway when it is sent SIGTERM: every
    one is answered, then the port is closed; started again, it answers."""
    stack, _ = fragile_stack
    url = f"{stack.base_url}/api/v1/auth/token"
    pool = eventlet.GreenPool(40)
    answers = [pool.spawn(requests.post, url, json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
                          timeout=30) for _ in range(40)]
    eventlet.sleep(0.2)  # every request sent; membership hashes two passwords at a time
    stack.stop("gateway", signal.SIGTERM)
    statuses = [answer.wait().status_code for answer in answers]
    assert statuses == [200] * 40
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{stack.base_url}/health", timeout=5)
    stack.start("gateway")
    stack.wait_ready(timeout=60)
    assert requests.post(url, json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).status_code == 200
