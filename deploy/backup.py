"""Back up every service's database into one file, and bring a stack back to such a file.

    python -m deploy.backup backup [--out DIR]
    python -m deploy.backup restore FILE [--into-suffix SUFFIX] [--run-dir DIR]

backup: for every service (services/registry.py) a read-only repeatable-read
transaction exports its database's snapshot, all of them back to back; then,
one database after another, the rows of every table are counted in that
snapshot and ``pg_dump --format=custom --snapshot`` dumps exactly it, so the
manifest's counts are the dump's. The file is
``<out>/alliance-<UTC YYYYmmddTHHMMSSZ>.tar`` (see deploy/backup_archive.py).

restore: checks the file (manifest, every dump's sha256) before touching
anything, refuses while the local stack runs, then for each service drops its
database, creates it empty and pg_restore's the dump into it, owned by the
user the stack connects as; then counts the rows again and fails on any
difference from the manifest. ``--into-suffix _check`` restores beside the
live databases instead (``alliance_membership_check``...), to prove a backup
without stopping anything.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Mapping

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from deploy.backup_archive import BackupError, Manifest, ServiceDump, read_archive, sha256_of, write_archive
from deploy.compose_file import REPO_ROOT
from deploy.pg_tools import (
    ServiceDatabase,
    alembic_revision,
    connect,
    dump_path,
    require_tool,
    run_tool,
    sessions_on,
    stack_databases,
    table_counts,
    tool_version,
)
from deploy.stack import Stack

DEFAULT_OUT = REPO_ROOT / "backups"


def backup(out_dir: Path, env: Mapping[str, str]) -> tuple[Path, Manifest]:
    """Dump every service's database into one new file in ``out_dir``; its path and manifest."""
    version = tool_version("pg_dump")
    databases = stack_databases(env)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = out_dir / f"alliance-{stamp}.tar"
    if target.exists():
        raise BackupError(f"{target} already exists (two backups in one second?): try again")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alliance-backup-", dir=out_dir) as work, ExitStack() as held:
        # Every snapshot first, back to back, so that they are milliseconds apart, not a dump's length.
        snapshots = {db.service: held.enter_context(_exported_snapshot(db)) for db in databases}
        dumps = {db.service: _dump(db, *snapshots[db.service], Path(work), env) for db in databases}
        manifest = Manifest(timestamp=stamp, git_commit=_git_commit(), pg_dump_version=version, dumps=dumps)
        write_archive(target, manifest, {db.service: dump_path(Path(work), db.service) for db in databases})
    return target, manifest


@contextmanager
def _exported_snapshot(database: ServiceDatabase) -> Iterator[tuple[Connection, str]]:
    """A read-only repeatable-read transaction on the database, held open, and its exported snapshot."""
    engine = database.engine()
    try:
        with connect(database, engine) as conn:
            conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                conn.execute(sa.text("SET TRANSACTION READ ONLY"))
                yield conn, conn.scalar(sa.text("SELECT pg_export_snapshot()"))
    finally:
        engine.dispose()


def _dump(database: ServiceDatabase, conn: Connection, snapshot: str, work: Path,
          env: Mapping[str, str]) -> ServiceDump:
    """Count the rows in the snapshot and pg_dump exactly that snapshot."""
    counts = table_counts(conn)
    path = dump_path(work, database.service)
    run_tool(database, env, "pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={path}",
             f"--dbname={database.name}")
    return ServiceDump(service=database.service, database=database.name, dump_file=path.name,
                       sha256=sha256_of(path), alembic_revision=alembic_revision(conn, counts), row_counts=counts)


def restore(file: Path, env: Mapping[str, str], into_suffix: str = "", run_dir: Path | None = None) -> Manifest:
    """Replace every service's database with the file's dumps and check the counts; the manifest."""
    require_tool("pg_restore")
    databases = [db.renamed(into_suffix) if into_suffix else db for db in stack_databases(env)]
    with tempfile.TemporaryDirectory(prefix="alliance-restore-") as work:
        manifest, dump_files = read_archive(file, Path(work))
        _check_services(manifest, databases)
        if not into_suffix:
            _refuse_while_running(env, run_dir)
        for database in databases:
            _check_free(database)
        for database in databases:
            _recreate(database)
            run_tool(database, env, "pg_restore", "--exit-on-error", "--single-transaction", "--no-owner",
                     "--no-acl", f"--dbname={database.name}", str(dump_files[database.service]))
    differences = [line for db in databases for line in _count_differences(db, manifest.dumps[db.service])]
    if differences:
        raise BackupError("restored databases differ from the manifest:\n  " + "\n  ".join(differences))
    return manifest


def _check_services(manifest: Manifest, databases: list[ServiceDatabase]) -> None:
    expected = [db.service for db in databases]
    if set(manifest.dumps) != set(expected):
        raise BackupError(f"the backup holds {sorted(manifest.dumps)}, this stack has {expected}: "
                          "restore needs every service's dump, from one backup")


def _refuse_while_running(env: Mapping[str, str], run_dir: Path | None) -> None:
    stack = Stack(env, run_dir=run_dir) if run_dir else Stack(env)
    running = stack.running()
    if running:
        raise BackupError(f"the stack is running ({', '.join(running)}): run `make down` first, then "
                          "restore, then `make up`")


def _check_free(database: ServiceDatabase) -> None:
    """Reachable, and nobody connected to the database restore is about to drop."""
    engine = database.engine("postgres")
    try:
        with connect(database, engine) as conn:
            if sessions_on(conn, database.name):
                raise BackupError(f"{database.where} has open connections (a stack not started by "
                                  "`make up`, or a psql?): stop them, then restore")
    finally:
        engine.dispose()


def _recreate(database: ServiceDatabase) -> None:
    engine = database.engine("postgres").execution_options(isolation_level="AUTOCOMMIT")
    quoted = engine.dialect.identifier_preparer.quote(database.name)
    try:
        with connect(database, engine) as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {quoted}"))
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    except sa.exc.DBAPIError as exc:
        raise BackupError(f"cannot recreate {database.where}: {str(exc.orig).strip()}") from None
    finally:
        engine.dispose()


def _count_differences(database: ServiceDatabase, dump: ServiceDump) -> list[str]:
    engine = database.engine()
    try:
        with connect(database, engine) as conn:
            counts = table_counts(conn)
            revision = alembic_revision(conn, counts)
    finally:
        engine.dispose()
    lines = [f"{database.service}.{table}: manifest {dump.row_counts.get(table)}, restored {counts.get(table)}"
             for table in sorted(set(dump.row_counts) | set(counts))
             if dump.row_counts.get(table) != counts.get(table)]
    if revision != dump.alembic_revision:
        lines.append(f"{database.service}: alembic revision {revision}, manifest {dump.alembic_revision}")
    return lines


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    except OSError:  # no git: a copy of the code without its history
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _print_counts(manifest: Manifest) -> None:
    for name, dump in manifest.dumps.items():
        print(f"  {name} ({dump.database}, revision {dump.alembic_revision}):")
        for table, count in dump.row_counts.items():
            print(f"    {table:32} {count}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.backup", description=__doc__.split("\n\n")[0])
    actions = parser.add_subparsers(dest="action", required=True)
    make = actions.add_parser("backup", help="dump every service's database into one file")
    make.add_argument("--out", type=Path, default=DEFAULT_OUT, help="directory (default backups/)")
    back = actions.add_parser("restore", help="bring every service's database back to a backup file")
    back.add_argument("file", type=Path)
    back.add_argument("--into-suffix", default="", help="restore into <database><suffix>, leaving the live ones")
    back.add_argument("--run-dir", type=Path, default=None, help="the stack's run directory (default .run)")
    args = parser.parse_args(argv)
    try:
        if args.action == "backup":
            path, manifest = backup(args.out, os.environ)
            print(f"backup written to {path}")
            _print_counts(manifest)
        else:
            manifest = restore(args.file, os.environ, args.into_suffix, args.run_dir)
            print(f"restored {args.file}: counts match (backup of {manifest.timestamp})")
    except (BackupError, subprocess.TimeoutExpired) as error:
        print(f"deploy.backup {args.action}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
