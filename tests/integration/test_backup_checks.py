"""deploy.backup's checks on real databases: revisions, counts, connections, reachability."""
import io
import json
import tarfile
import threading
from importlib import import_module
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from deploy.backup import backup, restore
from deploy.backup_archive import MANIFEST, BackupError
from services.chassis.migrations import ensure_database, migrate
from services.registry import SERVICES
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def databases(postgres):
    """``databases(label, membership_revision="head")``: every service's database, migrated; the env naming them."""
    def make(label: str, membership_revision: str = "head") -> dict:
        env = {}
        for entry in SERVICES:
            url = env[entry.db_setting] = postgres.database(f"{label}_{entry.name}")
            if entry.name == "membership" and membership_revision != "head":
                _upgrade_to(entry.package, url, membership_revision)
            else:
                migrate(entry.package, url)
        return env
    return make


def fresh_env(postgres, label: str) -> dict:
    return {entry.db_setting: postgres.database(f"{label}_{entry.name}") for entry in SERVICES}


def revision(url: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def test_a_dump_of_an_older_revision_is_restored_at_it_and_migrated_forward(databases, postgres, tmp_path):
    source = databases("old", membership_revision="0004")
    path, manifest = backup(tmp_path, source)
    assert manifest.dumps["membership"].alembic_revision == "0004"
    target = fresh_env(postgres, "old_restored")

    restore(path, target, run_dir=tmp_path)
    url = target["MEMBERSHIP_DB_URL"]
    assert revision(url) == "0004"
    migrate("services.membership", url)  # what `make up` does at start
    assert revision(url) == revision(databases("head")["MEMBERSHIP_DB_URL"])


def test_a_backup_taken_while_rows_are_written_holds_the_counts_of_its_dump(databases, postgres, tmp_path):
    source = databases("busy_source")
    writing, written = threading.Event(), []

    def write_inbox_rows() -> None:
        engine = sa.create_engine(source["COURSES_DB_URL"], poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            while not writing.is_set():
                conn.execute(sa.text("INSERT INTO inbox (event_id, handler) VALUES (gen_random_uuid(), 'w')"))
                conn.commit()
                written.append(1)
    writer = threading.Thread(target=write_inbox_rows)
    writer.start()
    try:
        wait_until(lambda: len(written) > 20, timeout=10)
        path, manifest = backup(tmp_path, source)
        at_dump = len(written)
    finally:
        writing.set()
        writer.join()
    assert 0 < manifest.dumps["courses"].row_counts["inbox"] < at_dump <= len(written)
    restore(path, fresh_env(postgres, "busy_source_restored"), run_dir=tmp_path)  # fails on any difference


def test_a_restored_count_that_differs_from_the_manifest_fails_the_restore(databases, postgres, tmp_path):
    path, manifest = backup(tmp_path, databases("counted"))
    outbox_rows = manifest.dumps["membership"].row_counts["outbox"]
    lying = _with_manifest(path, tmp_path / "lying.tar", lambda document: document["services"]["membership"][
        "row_counts"].update(outbox=outbox_rows + 1))

    with pytest.raises(BackupError) as refused:
        restore(lying, fresh_env(postgres, "counted_restored"), run_dir=tmp_path)
    assert f"membership.outbox: manifest {outbox_rows + 1}, restored {outbox_rows}" in str(refused.value)


def test_restore_leaves_a_database_someone_is_connected_to(databases, postgres, tmp_path):
    path, _ = backup(tmp_path, databases("busy"))
    target = fresh_env(postgres, "busy_restored")
    ensure_database(target["SUPPORT_DB_URL"])
    engine = sa.create_engine(target["SUPPORT_DB_URL"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE kept (id int)"))
        conn.commit()
        with pytest.raises(BackupError, match="has open connections"):
            restore(path, target, run_dir=tmp_path)
        assert conn.scalar(sa.text("SELECT count(*) FROM kept")) == 0


def test_an_unreachable_database_is_named(tmp_path):
    nowhere = {entry.db_setting: f"postgresql://postgres:secret-pw@127.0.0.1:1/nowhere_{entry.name}"
               for entry in SERVICES}
    expected = "cannot reach membership's database nowhere_membership on 127.0.0.1:1"
    with pytest.raises(BackupError, match=expected) as why:
        backup(tmp_path, nowhere)
    assert "secret-pw" not in str(why.value)


def _upgrade_to(package: str, url: str, revision: str) -> None:
    ensure_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        config = Config()
        migrations = Path(import_module(package).__file__).parent / "migrations"
        config.set_main_option("script_location", str(migrations))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()


def _with_manifest(source: Path, target: Path, change) -> Path:
    """A copy of the backup ``source`` whose manifest ``change`` edited; the dumps are untouched."""
    with tarfile.open(source) as original, tarfile.open(target, "w") as copy:
        for member in original.getmembers():
            body = original.extractfile(member).read()
            if member.name == MANIFEST:
                document = json.loads(body)
                change(document)
                body = json.dumps(document).encode()
                member.size = len(body)
            copy.addfile(member, io.BytesIO(body))
    return target
