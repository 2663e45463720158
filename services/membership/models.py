"""The membership service's tables (its own database)."""
from sqlalchemy import (
    ARRAY,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from services.chassis.tables import add_chassis_tables, id_column, moment_column

metadata = MetaData()
add_chassis_tables(metadata)


regions = Table(
    "regions", metadata, id_column(),
    Column("name", String(200), nullable=False),
    Column("code", String(16), nullable=False, unique=True),
    moment_column("created_at"),
)

alliances = Table(
    "alliances", metadata, id_column(),
    Column("region_id", UUID(as_uuid=False), ForeignKey("regions.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("lead_school_urn", String(6), ForeignKey("schools.urn")),
    moment_column("created_at"),
    UniqueConstraint("region_id", "name", name="uq_alliance_region_name"),
)

schools = Table(
    "schools", metadata,
    Column("urn", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("local_authority", String(100), nullable=False),
    Column("phase", String(32), nullable=False),
    Column("school_type", String(100)),
    Column("trust", String(200)),
    Column("postcode", String(10)),
    Column("status", String(16), nullable=False, server_default="open"),
    moment_column("created_at"),
    Index("ix_schools_name_lower", func.lower(text("name"))),
)

memberships = Table(
    "memberships", metadata, id_column(),
    Column("alliance_id", UUID(as_uuid=False), ForeignKey("alliances.id"), nullable=False),
    Column("school_urn", String(6), ForeignKey("schools.urn"), nullable=False, index=True),
    Column("tier", String(32), nullable=False),
    # pending (asked by one side) -> active (accepted by the other) -> ended; or declined
    Column("status", String(16), nullable=False, server_default="active"),
    Column("requested_by", String(16), nullable=False, server_default="alliance"),
    Column("requested_by_user", String(64)),
    Column("accepted_by_user", String(64)),
    Column("accepted_at", DateTime(timezone=True)),
    Column("joined_on", Date, nullable=False, server_default=func.current_date()),
    Column("ended_on", Date),
    Column("mou_signed_on", Date),
    Column("mou_version", String(32)),
    Column("subscription_pence", Integer),
    Column("paid_until", Date),
    moment_column("created_at"),
    # An alliance's members in the list's keyset order (school_urn, id); the list's filters (status,
    # tier) are checked in the index alone.
    Index("ix_memberships_alliance_school", "alliance_id", "school_urn", "id", postgresql_include=["status", "tier"]),
    # One live (pending or active) membership of a school in an alliance, enforced by the database.
    Index("uq_membership_live", "alliance_id", "school_urn", unique=True,
          postgresql_where=text("status IN ('pending', 'active')")),
)

system_leaders = Table(
    "system_leaders", metadata, id_column(),
    Column("name", String(200), nullable=False),
    Column("email", String(254), nullable=False),
    Column("designation", String(3), nullable=False),
    Column("school_urn", String(6), ForeignKey("schools.urn"), nullable=False),
    Column("alliance_id", UUID(as_uuid=False), ForeignKey("alliances.id"), nullable=False, index=True),
    Column("specialisms", ARRAY(String(40)), nullable=False, server_default="{}"),
    Column("phases", ARRAY(String(32)), nullable=False, server_default="{}"),
    Column("days_available", Integer, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="active"),
    moment_column("created_at"),
    # A person is designated once, by their home alliance.
    Index("uq_system_leaders_email_lower", func.lower(text("email")), unique=True),
)

users = Table(
    "users", metadata, id_column(),
    Column("email", String(254), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("region_id", UUID(as_uuid=False), ForeignKey("regions.id")),
    Column("alliance_id", UUID(as_uuid=False), ForeignKey("alliances.id")),
    Column("school_urn", String(6), ForeignKey("schools.urn")),
    Column("created_by", String(64)),
    Column("deactivated_at", DateTime(timezone=True)),
    moment_column("created_at"),
    Index("uq_users_email_lower", func.lower(text("email")), unique=True),
    Index("ix_users_school", "school_urn", postgresql_where=text("school_urn IS NOT NULL")),
)

# Failed sign-ins per key ("account|client" or "client"), shared by every gateway replica.
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("key", String(400), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("first_failure_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("blocked_until", DateTime(timezone=True)),
    Index("ix_sign_in_failures_blocked_until", "blocked_until"),
)
