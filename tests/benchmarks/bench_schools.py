"""Throughput and latency of GET /api/v1/schools/{urn} and POST /api/v1/schools.

Starts its own stack (from docker-compose.yml's commands) on fresh databases
and a fresh vhost, drives it with concurrent keep-alive clients from this
process, prints the figures, and stops the stack.

    make bench        # or: .venv/bin/python -m tests.benchmarks.bench_schools --clients 20 --seconds 15
"""
import argparse
import itertools
import os
import random
import secrets
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from deploy.stack import Stack
from tests.benchmarks.measure import peak_memory_mib, run_load

ADMIN_EMAIL = "bench@alliance.test"
ADMIN_PASSWORD = "bench-admin-password"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(base_url: str, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    urns = [f"{700000 + n}" for n in range(count)]
    with requests.Session() as http:
        for urn in urns:
            answer = http.post(f"{base_url}/api/v1/schools", headers=headers, json={
                "urn": urn, "name": f"Seed School {urn}", "local_authority": "Leicestershire",
                "phase": "primary"})
            answer.raise_for_status()
    return urns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=10, help="MAX_WORKERS of each service")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    server = os.environ.get("MEMBERSHIP_DB_URL", "postgresql://postgres@127.0.0.1:5432/alliance_membership")
    database = f"alliance_bench_{run}_membership"
    vhost = f"alliance_bench_{run}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True)
    env = {
        "AMQP_URI": f"amqp://guest:guest@127.0.0.1:5672/{vhost}", "GATEWAY_PORT": str(free_port()),
        "MEMBERSHIP_DB_URL": make_url(server).set(database=database).render_as_string(hide_password=False),
        "JWT_SECRET": secrets.token_urlsafe(32), "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD, "LOG_LEVEL": "WARNING", "MAX_WORKERS": str(args.workers),
    }
    stack = Stack(env, run_dir=Path(tempfile.mkdtemp(prefix="bench-")))
    stack.up(timeout=120)
    try:
        base = stack.base_url
        token = requests.post(f"{base}/api/v1/auth/token",
                              json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()["access_token"]
        urns = seed(base, token, 500)
        print(f"stack up at {base}; {len(urns)} schools seeded; {args.clients} clients, "
              f"{args.seconds:.0f}s per phase, MAX_WORKERS={args.workers}, {os.cpu_count()} cores")

        run_load(base, token, "warm-up", args.clients, 3, lambda c, n: ("GET", f"/api/v1/schools/{random.choice(urns)}", None))
        reads = run_load(base, token, "GET  /api/v1/schools/{urn}", args.clients, args.seconds,
                         lambda c, n: ("GET", f"/api/v1/schools/{random.choice(urns)}", None))
        fresh = itertools.count(800000)
        writes = run_load(base, token, "POST /api/v1/schools", args.clients, args.seconds,
                          lambda c, n: ("POST", "/api/v1/schools", {
                              "urn": str(next(fresh)), "name": "Bench School", "local_authority": "Leicester",
                              "phase": "secondary"}))
        print(reads.report())
        print(writes.report())
        for name, pid in sorted(stack.running().items()):
            print(f"peak memory {name}: {peak_memory_mib(pid):.0f} MiB")
    finally:
        stack.down()
        admin = sa.create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False)


if __name__ == "__main__":
    main()
