"""The whole stack, started from docker-compose.yml's commands, and a small world in it."""
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.stack import Stack
from services.registry import SERVICES
from tests.e2e.api import Api, school
from tests.mailbox import Mailbox

ADMIN_EMAIL = "admin@e2e.test"
ADMIN_PASSWORD = "e2e-admin-password-1"
PASSWORD = "a-long-enough-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Tests drive one user (mostly the admin) far faster than a person or script would, and the booking
# rush sends 200 requests at once: a rate limit out of their reach, still on every request's path.
UNREACHED_RATE_LIMIT = {"RATE_LIMIT_PER_SECOND": "100000", "RATE_LIMIT_BURST": "100000"}


def stack_env(broker, postgres, label: str, mail_dir: Path, **extra: str) -> dict:
    """Settings for a stack of its own: databases, a vhost and a mail sink (ports, and mail_dir for
    its files) no other test shares; rate limits out of the tests' reach unless ``extra`` sets them."""
    env = {
        "AMQP_URI": broker.separate_uri(label), "GATEWAY_PORT": str(free_port()),
        "JWT_SECRET": secrets.token_urlsafe(32), "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD, "LOG_LEVEL": "WARNING",
        "SMTP_HOST": "", "SMTP_PORT": str(free_port()), "MAIL_SINK_HTTP_PORT": str(free_port()),
        "MAIL_SINK_DIR": str(mail_dir), **UNREACHED_RATE_LIMIT, **extra,
    }
    for service in SERVICES:
        env[service.db_setting] = postgres.database(f"{label}_{service.name}")
    return env


# Notifications paced for tests: windows of seconds, not minutes; webhooks may target this machine;
# overdue referrals escalated (and their coordinators told) within seconds.
FAST_NOTIFICATIONS = {
    "WEBHOOK_ALLOW_PRIVATE": "1", "NOTIFY_MERGE_WINDOW_SECONDS": "3", "NOTIFY_BATCH_SECONDS": "1",
    "NOTIFY_DIGEST_POLL_SECONDS": "2", "EMAIL_FIRST_RETRY_SECONDS": "1", "WEBHOOK_FIRST_RETRY_SECONDS": "0.5",
    "WEBHOOK_TIMEOUT_SECONDS": "3", "SUPPORT_ESCALATION_SECONDS": "2",
}


@pytest.fixture(scope="session")
def stack_settings(broker, postgres, tmp_path_factory) -> dict:
    return stack_env(broker, postgres, "e2e", tmp_path_factory.mktemp("mail"), **FAST_NOTIFICATIONS)


@pytest.fixture(scope="session")
def stack(stack_settings, tmp_path_factory):
    running = Stack(stack_settings, run_dir=tmp_path_factory.mktemp("stack"))
    running.up(timeout=120)
    yield running
    running.down()


@pytest.fixture
def stack_events(stack_settings):
    """A subscriber on the stack's own vhost."""
    from tests.events import EventSubscriber
    subscriber = EventSubscriber(stack_settings["AMQP_URI"])
    yield subscriber
    subscriber.close()


@pytest.fixture(scope="session")
def mailbox(stack) -> Mailbox:
    """The stack's mail sink: what the services have sent."""
    return Mailbox(stack.url("mailsink"))


@pytest.fixture(scope="session")
def anonymous(stack) -> Api:
    return Api(stack.base_url)


@pytest.fixture(scope="session")
def admin(anonymous) -> Api:
    return anonymous.login(ADMIN_EMAIL, ADMIN_PASSWORD)


@dataclass
class World:
    """Two regions; alliances A1 and A2 in region 1, A3 in region 2; a user of every role."""
    region1: dict
    region2: dict
    a1: dict
    a2: dict
    a3: dict
    coordinator: Api
    coordinator2: Api
    a1_admin: Api
    a1_staff: Api
    a2_admin: Api
    school_user: Api


@pytest.fixture(scope="session")
def world(admin, anonymous) -> World:
    region1 = admin.created("/api/v1/regions", {"name": "East Midlands, South Yorkshire and Humber",
                                                "code": "EMSYH"})
    region2 = admin.created("/api/v1/regions", {"name": "North West", "code": "NW"})
    admin.created("/api/v1/schools", school("110001", "Rushey Mead Academy", "Leicester", "secondary"))
    admin.created("/api/v1/schools", school("110002", "Forest Way School", phase="special"))
    a1 = admin.created("/api/v1/alliances", {"name": "Affinity", "region_id": region1["id"],
                                             "kind": "teaching_school_alliance"})
    a2 = admin.created("/api/v1/alliances", {"name": "Leicester Teaching School (LeTS)",
                                             "region_id": region1["id"], "kind": "teaching_school_hub",
                                             "lead_school_urn": "110001"})
    a3 = admin.created("/api/v1/alliances", {"name": "Mersey Hub", "region_id": region2["id"],
                                             "kind": "teaching_school_hub"})
    admin.created(f"/api/v1/alliances/{a1['id']}/members", {"school_urn": "110002", "tier": "lead"})

    def user(email: str, role: str, **scope: str) -> Api:
        admin.created("/api/v1/users", {"email": email, "name": email.split("@")[0], "role": role,
                                        "password": PASSWORD, **scope})
        return anonymous.login(email, PASSWORD)

    return World(
        region1=region1, region2=region2, a1=a1, a2=a2, a3=a3,
        coordinator=user("coord@emsyh.test", "regional_coordinator", region_id=region1["id"]),
        coordinator2=user("coord@nw.test", "regional_coordinator", region_id=region2["id"]),
        a1_admin=user("admin@affinity.test", "alliance_admin", alliance_id=a1["id"]),
        a1_staff=user("staff@affinity.test", "alliance_staff", alliance_id=a1["id"]),
        a2_admin=user("admin@lets.test", "alliance_admin", alliance_id=a2["id"]),
        school_user=user("office@forestway.test", "school_user", school_urn="110002"),
    )


@pytest.fixture(scope="session")
def tenants(admin, anonymous, stack_settings):
    """Callers of every kind around alliance A (tests/e2e/authorisation_world.py)."""
    from tests.e2e.authorisation_world import build
    return build(admin, anonymous, stack_settings["JWT_SECRET"])
