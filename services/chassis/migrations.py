"""Database creation and Alembic migrations, one migration history per service."""
import logging
from importlib import import_module
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy.engine import Connection, make_url

log = logging.getLogger(__name__)

# One advisory lock key for "migrating this database": replicas that start
# together take turns, and all but the first find nothing left to do.
MIGRATION_LOCK = 7_214_001


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist yet."""
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
            if not exists:
                try:
                    conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
                    log.info("created database %s", target.database)
                except sa.exc.ProgrammingError as exc:
                    if "already exists" not in str(exc):
                        raise
    finally:
        admin.dispose()


def _alembic_config(package: str, connection: Connection) -> Config:
    module = import_module(package)
    config = Config()
    config.set_main_option("script_location", str(Path(module.__file__).parent / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(package: str, url: str, after: Callable[[Connection], None] | None = None) -> None:
    """Run the migrations in ``<package>/migrations`` on ``url``, then ``after``.

    Safe to call from every replica at start: an advisory lock serialises them.
    """
    ensure_database(url)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            command.upgrade(_alembic_config(package, conn), "head")
            if after is not None:
                after(conn)
    finally:
        engine.dispose()


def run_alembic_env(metadata: sa.MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        from services.chassis.config import db_url
        service = Path(context.config.get_main_option("script_location")).parent.name
        engine = sa.create_engine(db_url(service))
        with engine.connect() as connection:
            _run(connection, metadata)
        return
    _run(connection, metadata)


def _run(connection: Connection, metadata: sa.MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def create_audit_log() -> None:
    """The audit log's first revision, run by every service's own migration that adds it.

    Frozen as it is: a later change to the table is a new function and new revisions.
    """
    from alembic import op
    from sqlalchemy.dialects.postgresql import JSONB
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(64), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=True),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("changes", JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action", "id"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor_id", "id"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject_id", "id"])


def drop_audit_log() -> None:
    from alembic import op
    op.drop_table("audit_log")
