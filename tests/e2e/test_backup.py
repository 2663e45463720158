"""`make backup` / `make restore`: every service's database into one file, and a stack back on it.

A stack with rows in every table that matters (outbox and inbox included) is
backed up while it runs and after it stops; the second backup is restored into
fresh databases, whose row counts must equal the source's table by table, and
a stack started on them serves a booking made before the backup.
"""
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from deploy.compose_file import REPO_ROOT
from deploy.pg_tools import table_counts
from deploy.stack import Stack
from services.registry import SERVICES
from tests.e2e.api import Api
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, free_port, stack_env
from tests.e2e.courses_world import eventually, published_course
from tests.e2e.referral_world import a_referral_with_a_leader_to_match
from tests.waiting import wait_until

pytestmark = pytest.mark.e2e
CONSUMERS = ("courses", "support", "notifications")  # services with event handlers


def run_backup(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deploy.backup", *map(str, args)], cwd=REPO_ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


def counts(env: dict) -> dict[str, dict[str, int]]:
    found = {}
    for service in SERVICES:
        engine = sa.create_engine(env[service.db_setting], poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            found[service.name] = table_counts(conn)
        engine.dispose()
    return found


def written(result: subprocess.CompletedProcess) -> Path:
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.splitlines()[0].removeprefix("backup written to "))


@pytest.fixture
def source(broker, postgres, tmp_path):
    env = stack_env(broker, postgres, "backup", tmp_path / "mail")
    stack = Stack(env, run_dir=tmp_path / "source")
    stack.up(timeout=120)
    yield stack, env
    stack.down()


def test_a_backup_restored_into_fresh_databases_brings_a_stack_back(source, broker, postgres, tmp_path):
    stack, env = source
    admin = Api(stack.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD)
    booking = _a_booking_and_a_referral(admin)
    wait_until(lambda: all(counts(env)[name]["inbox"] for name in CONSUMERS), timeout=20, interval=0.5)

    online = written(run_backup("backup", "--out", tmp_path / "backups", env=env))
    while_running = run_backup("restore", online, "--run-dir", stack.run_dir, env=env)
    assert while_running.returncode == 1 and "make down" in while_running.stderr
    assert admin.get(f"/api/v1/bookings/{booking['id']}").status_code == 200  # nothing was touched
    stack.down()

    offline = written(run_backup("backup", "--out", tmp_path / "backups", env=env))
    assert offline != online
    before = counts(env)
    assert all(before[name]["outbox"] for name in ("membership", "courses", "support"))
    fresh = {s.db_setting: postgres.database(f"backup_restored_{s.name}") for s in SERVICES}
    restored_env = {**env, **fresh}

    corrupt = tmp_path / "corrupt.tar"
    corrupt.write_bytes(_flip_a_byte_of_a_dump(offline))
    refused = run_backup("restore", corrupt, env=restored_env)
    assert refused.returncode == 1 and "courses.dump: sha256" in refused.stderr, refused.stderr

    restored = run_backup("restore", offline, "--run-dir", tmp_path / "restored", env=restored_env)
    assert restored.returncode == 0, restored.stderr
    assert f"restored {offline}: counts match" in restored.stdout
    assert counts(restored_env) == before

    restored_env.update(AMQP_URI=broker.separate_uri("backup_restored"), GATEWAY_PORT=str(free_port()))
    again = Stack(restored_env, run_dir=tmp_path / "restored")
    again.up(timeout=120)
    try:
        back = Api(again.base_url).login(ADMIN_EMAIL, ADMIN_PASSWORD).get(f"/api/v1/bookings/{booking['id']}")
        assert back.status_code == 200 and back.json() == booking
    finally:
        again.down()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    missing = run_backup("restore", tmp_path / "none.tar", env={})
    assert missing.returncode == 1 and "no backup file" in missing.stderr
    (tmp_path / "junk.tar").write_bytes(b"not a tar at all" * 100)
    junk = run_backup("restore", tmp_path / "junk.tar", env={})
    assert junk.returncode == 1 and "not a readable backup" in junk.stderr


def _flip_a_byte_of_a_dump(backup: Path) -> bytes:
    with tarfile.open(backup) as archive:
        member = archive.getmember("courses.dump")
    data = backup.read_bytes()
    at = member.offset_data + member.size // 2
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


def _a_booking_and_a_referral(admin: Api) -> dict:
    alliance, _, _ = a_referral_with_a_leader_to_match(admin, "Backups", ("970001", "970002"))
    course = published_course(admin, alliance["id"])
    return eventually(lambda: (lambda a: a.status_code == 201 and a.json())(admin.post(
        f"/api/v1/courses/{course['id']}/bookings",
        {"school_urn": "970001", "participant": {"name": "Pat Example", "email": "pat@backup.test"}})), 20)
