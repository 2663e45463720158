"""The notifications service's tables (its own database), and its copies of membership data."""
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from services.chassis.copies import as_of_column
from services.chassis.deliveries import add_delivery_tables
from services.chassis.periodic import add_job_tables
from services.chassis.tables import add_chassis_tables, id_column, moment_column

metadata = MetaData()
add_chassis_tables(metadata)
jobs = add_job_tables(metadata)
deliveries, delivery_attempts = add_delivery_tables(metadata)

ID = UUID(as_uuid=False)
EMAIL = String(254)

# --- copies fed by membership's events (each row remembers the newest event applied) ---

users = Table(
    "users", metadata,
    Column("id", ID, primary_key=True),
    Column("email", EMAIL, nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("region_id", ID),
    Column("alliance_id", ID),
    Column("school_urn", String(6)),
    Column("active", Boolean, nullable=False),
    as_of_column(),
    Index("ix_users_school", "school_urn", postgresql_where=text("active")),
    Index("ix_users_alliance_role", "alliance_id", "role", postgresql_where=text("active")),
    Index("ix_users_region_role", "region_id", "role", postgresql_where=text("active")),
)

alliances = Table(
    "alliances", metadata,
    Column("id", ID, primary_key=True),
    Column("region_id", ID, nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    as_of_column(),
)

memberships = Table(
    "memberships", metadata,
    Column("id", ID, primary_key=True),
    Column("alliance_id", ID, nullable=False),
    Column("region_id", ID, nullable=False),
    Column("school_urn", String(6), nullable=False),
    Column("status", String(16), nullable=False),
    as_of_column(),
    Index("ix_memberships_alliance_active", "alliance_id", postgresql_where=text("status = 'active'")),
    Index("ix_memberships_region_active", "region_id", postgresql_where=text("status = 'active'")),
)

system_leaders = Table(
    "system_leaders", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", EMAIL, nullable=False),
    Column("alliance_id", ID, nullable=False),
    as_of_column(),
)

# --- the service's own data ---

preferences = Table(
    "preferences", metadata,
    Column("user_id", ID, primary_key=True),
    Column("email", String(16), nullable=False),
    moment_column("updated_at"),
    CheckConstraint("email IN ('immediate', 'daily_digest', 'off')", name="ck_preferences_email"),
)

# Newest first with ascending keyset pagination: ``rank`` counts down.
feed_rank = Sequence("notifications_rank_seq", metadata=metadata)

notifications = Table(
    "notifications", metadata,
    id_column(),
    Column("user_id", ID, nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("title", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("link", String(300)),
    moment_column("created_at"),
    moment_column("read_at", nullable=True),
    Column("rank", BigInteger, nullable=False, server_default=text("-nextval('notifications_rank_seq')")),
    UniqueConstraint("user_id", "event_id", name="uq_notifications_user_event"),
    Index("ix_notifications_feed", "user_id", "rank"),
    Index("ix_notifications_unread", "user_id", postgresql_where=text("read_at IS NULL")),
)

# One row per recipient and event: what that person is told by email, and when.
mail_items = Table(
    "mail_items", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("recipient", EMAIL, nullable=False),
    Column("name", String(200), nullable=False),
    Column("user_id", ID),
    Column("event_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("timing", String(16), nullable=False),
    Column("alliance_id", ID),
    Column("notice", JSONB, nullable=False),
    moment_column("created_at"),
    moment_column("due_at"),
    Column("message_id", ID, ForeignKey("messages.id")),
    UniqueConstraint("recipient", "event_id", name="uq_mail_items_recipient_event"),
    CheckConstraint("timing IN ('immediate', 'merged', 'digest')", name="ck_mail_items_timing"),
    Index("ix_mail_items_waiting", "timing", "recipient", "kind", postgresql_where=text("message_id IS NULL")),
)

# One email: one item sent at once, several merged, or a user's daily digest.
messages = Table(
    "messages", metadata,
    Column("id", ID, primary_key=True),  # its Message-ID: the same on every retry
    Column("recipient", EMAIL, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("items", BigInteger, nullable=False),
    Column("digest_day", Date),
    Column("delivery_id", ID, nullable=False),
    moment_column("created_at"),
    UniqueConstraint("recipient", "digest_day", name="uq_messages_one_digest_a_day"),
)

webhooks = Table(
    "webhooks", metadata,
    id_column(),
    Column("alliance_id", ID, nullable=False, index=True),
    Column("url", String(2000), nullable=False),
    Column("event_types", ARRAY(String(64)), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("created_by", ID, nullable=False),
    moment_column("created_at"),
    moment_column("failing_since", nullable=True),
    moment_column("disabled_at", nullable=True),
    Column("disabled_reason", Text),
    CheckConstraint("status IN ('active', 'disabled')", name="ck_webhooks_status"),
    Index("ix_webhooks_event_types", "event_types", postgresql_using="gin",
          postgresql_where=text("status = 'active'")),
)
