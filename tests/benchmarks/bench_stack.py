"""A stack of its own for a benchmark: fresh databases, vhost and mail sink, removed afterwards."""
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from deploy.stack import Stack
from services.registry import SERVICES

ADMIN_EMAIL = "bench@alliance.test"
ADMIN_PASSWORD = "bench-admin-password"
# Benchmarks drive one user (the admin) with many clients: a per-user rate limit out of their reach,
# still on every request's path, so what they measure includes it.
UNREACHED_RATE_LIMIT = {"RATE_LIMIT_PER_SECOND": "100000", "RATE_LIMIT_BURST": "100000"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def bench_stack(workers: int, replicas: dict | None = None, settings: dict[str, str] | None = None,
                broker_port: int = 5672) -> Iterator[tuple[Stack, str]]:
    """Yield the running stack (with ``settings`` added to its environment) and the admin's token; tear
    everything down after. ``broker_port``: where the services reach RabbitMQ (a proxy's port, say)."""
    run = uuid.uuid4().hex[:8]
    server = make_url(os.environ.get("MEMBERSHIP_DB_URL",
                                     "postgresql://postgres@127.0.0.1:5432/alliance_membership"))
    vhost = f"alliance_bench_{run}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
    databases = {s.db_setting: f"alliance_bench_{run}_{s.name}" for s in SERVICES}
    run_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{broker_port}/{vhost}", "GATEWAY_PORT": str(_free_port()),
        "JWT_SECRET": secrets.token_urlsafe(32), "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD, "LOG_LEVEL": "WARNING", "MAX_WORKERS": str(workers),
        "SMTP_HOST": "", "SMTP_PORT": str(_free_port()), "MAIL_SINK_HTTP_PORT": str(_free_port()),
        "MAIL_SINK_DIR": str(run_dir / "mail"), **UNREACHED_RATE_LIMIT,
        **{setting: server.set(database=d).render_as_string(hide_password=False)
           for setting, d in databases.items()},
        **(settings or {}),
    }
    stack = Stack(env, run_dir=run_dir, replicas=replicas)
    stack.up(timeout=120)
    try:
        token = requests.post(f"{stack.base_url}/api/v1/auth/token",
                              json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["access_token"]
        yield stack, token
    finally:
        stack.down()
        admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in databases.values():
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)
        shutil.rmtree(run_dir / "mail", ignore_errors=True)
