"""Tables the chassis keeps in every service's own database."""
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID


def id_column() -> Column:
    """A UUID primary key ``id`` that the database fills in."""
    return Column("id", UUID(as_uuid=False), primary_key=True, server_default=text("gen_random_uuid()"))


def moment_column(name: str, nullable: bool = False) -> Column:
    """A time with its zone; one that may not be empty defaults to now."""
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=None if nullable else func.now())


def add_chassis_tables(metadata: MetaData) -> None:
    """Add the outbox, inbox, parked events, idempotency keys and audit log to ``metadata``."""
    Table(
        "outbox", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("state", String(16), nullable=False, server_default="pending"),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("last_error", Text),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("ix_outbox_pending", "id", postgresql_where=text("state = 'pending'")),
    )
    Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("handler", String(128), primary_key=True),
        Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    Table(
        "parked_events", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(36), nullable=False),
        Column("handler", String(128), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("replayed_at", DateTime(timezone=True)),
        UniqueConstraint("event_id", "handler", name="uq_parked_event_handler"),
    )
    Table(
        "idempotency_keys", metadata,
        Column("caller_id", String(64), primary_key=True),
        Column("key", String(255), primary_key=True),
        Column("operation", String(64), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("response", JSONB),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    # One row per write a caller made (services/chassis/audit.py); ``id`` is the keyset, newest first.
    Table(
        "audit_log", metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("actor_id", String(64), nullable=False),
        Column("actor_role", String(32), nullable=False),
        Column("action", String(64), nullable=False),
        Column("subject_type", String(64), nullable=False),
        Column("subject_id", String(64)),
        Column("request_id", String(128)),
        Column("changes", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Index("ix_audit_log_action", "action", "id"),
        Index("ix_audit_log_actor", "actor_id", "id"),
        Index("ix_audit_log_subject", "subject_id", "id"),
    )


CHASSIS = MetaData()
add_chassis_tables(CHASSIS)
