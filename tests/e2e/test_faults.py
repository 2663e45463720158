"""When a service stops answering, or is absent, the gateway says so: 504 and 503, never a hang."""
import os
import signal

import pytest
from kombu import Connection

from deploy.stack import Stack
from tests.e2e.api import Api
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, stack_env
from tests.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def fragile_stack(broker, postgres, tmp_path):
    env = stack_env(broker, postgres, "faults", RPC_TIMEOUT_SECONDS="2")
    running = Stack(env, run_dir=tmp_path)
    running.up(timeout=120)
    yield running, env["AMQP_URI"]
    running.down()


def test_a_stopped_service_gives_504_then_an_absent_one_503(fragile_stack):
    stack, amqp_uri = fragile_stack
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert admin.get("/api/v1/regions").status_code == 200

    os.kill(stack.running()["membership"], signal.SIGKILL)
    wait_until(lambda: "membership" not in stack.running(), timeout=10)

    ready = admin.get("/ready")
    assert ready.status_code == 503 and ready.json()["down"] == ["membership"]
    late = admin.get("/api/v1/regions")
    assert late.status_code == 504
    assert late.json()["title"] == "Service did not answer in time"

    with Connection(amqp_uri) as conn:  # the service was never deployed here
        conn.default_channel.queue_delete("rpc-membership")
    absent = admin.get("/api/v1/regions")
    assert absent.status_code == 503 and "membership" in absent.json()["detail"]
    assert admin.get("/health").status_code == 200
