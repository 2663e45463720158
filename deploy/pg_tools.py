"""Each service's database as the stack names it, and PostgreSQL's client tools run against it.

The URLs come from docker-compose.yml through deploy.compose_file, with the same
environment, so a backup or restore touches exactly the databases ``make up``
runs on. The tools get host, port, user and password through libpq's PG*
variables, never on their command line (where ``ps`` would show a password).
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url

from deploy.backup_archive import BackupError
from deploy.compose_file import COMPOSE_FILE, load_services
from services.registry import SERVICES

LIBPQ_QUERY_SETTINGS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "connect_timeout": "PGCONNECT_TIMEOUT"}
TOOL_TIMEOUT_SECONDS = 3600


@dataclass(frozen=True)
class ServiceDatabase:
    service: str
    url: URL

    @property
    def name(self) -> str:
        return str(self.url.database)

    @property
    def where(self) -> str:
        """Where it is, for messages: no user, no password."""
        return f"{self.name} on {self.url.host or 'localhost'}:{self.url.port or 5432}"

    def renamed(self, suffix: str) -> "ServiceDatabase":
        return ServiceDatabase(self.service, self.url.set(database=self.name + suffix))

    def engine(self, database: str | None = None) -> sa.Engine:
        url = self.url.set(drivername="postgresql+psycopg2", database=database or self.name)
        return sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})

    def libpq_env(self, base: Mapping[str, str]) -> dict[str, str]:
        env = {key: value for key, value in base.items() if not key.startswith("PG")}
        settings = {"PGHOST": self.url.host, "PGPORT": self.url.port, "PGUSER": self.url.username,
                    "PGPASSWORD": self.url.password}
        settings.update({LIBPQ_QUERY_SETTINGS[key]: value for key, value in self.url.query.items()
                         if key in LIBPQ_QUERY_SETTINGS})
        env.update({key: str(value) for key, value in settings.items() if value is not None})
        return env


def stack_databases(env: Mapping[str, str]) -> list[ServiceDatabase]:
    """Every registered service's database, from the compose file's environment as the stack resolves it."""
    environments = [service.environment for service in load_services(COMPOSE_FILE, env).values()]
    databases = []
    for entry in SERVICES:
        urls = {environment[entry.db_setting] for environment in environments if entry.db_setting in environment}
        if len(urls) != 1:
            found = "none" if not urls else "different ones"
            raise BackupError(f"docker-compose.yml gives {found} for {entry.db_setting}: cannot tell "
                              f"which database is {entry.name}'s")
        databases.append(ServiceDatabase(entry.name, make_url(urls.pop())))
    return databases


def connect(database: ServiceDatabase, engine: sa.Engine) -> Connection:
    try:
        return engine.connect()
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise BackupError(f"cannot reach {database.service}'s database {database.where}: {reason}") from None


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found on PATH: install PostgreSQL's client tools "
                          "(Debian: apt-get install postgresql-client-15)")
    return path


def tool_version(name: str) -> str:
    return subprocess.run([require_tool(name), "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()


def run_tool(database: ServiceDatabase, base_env: Mapping[str, str], name: str, *args: str) -> None:
    """Run pg_dump or pg_restore on ``database``; its stderr in the error when it fails."""
    command = [require_tool(name), "--no-password", *args]
    done = subprocess.run(command, env=database.libpq_env(base_env), capture_output=True, text=True,
                          timeout=TOOL_TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise BackupError(f"{name} failed for {database.service}'s database {database.where} "
                          f"(exit {done.returncode}):\n{done.stderr.strip()}")


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the database (``schema.table`` outside ``public``)."""
    tables = conn.execute(sa.text(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2")).all()
    quote = conn.dialect.identifier_preparer.quote
    counts = {}
    for schema, table in tables:
        label = table if schema == "public" else f"{schema}.{table}"
        counts[label] = conn.scalar(sa.text(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}"))
    return counts


def alembic_revision(conn: Connection, counts: Mapping[str, int]) -> str | None:
    if "alembic_version" not in counts:
        return None
    return conn.scalar(sa.text("SELECT version_num FROM alembic_version"))


def sessions_on(conn: Connection, database: str) -> int:
    """Other sessions connected to ``database`` (a running service would be one)."""
    return conn.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"
                               " AND pid <> pg_backend_pid()"), {"d": database})


def dump_path(directory: Path, service: str) -> Path:
    return directory / f"{service}.dump"
