"""The support service's tables (its own database), and its copies of membership data."""
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from services.chassis.copies import as_of_column
from services.chassis.periodic import add_job_tables
from services.chassis.tables import add_chassis_tables, id_column, moment_column

metadata = MetaData()
add_chassis_tables(metadata)
jobs = add_job_tables(metadata)

ID = UUID(as_uuid=False)

# --- copies fed by membership's events (each row remembers the newest event applied) ---

alliances = Table(
    "alliances", metadata,
    Column("id", ID, primary_key=True),
    Column("region_id", ID, nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    as_of_column(),
)

schools = Table(
    "schools", metadata,
    Column("urn", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("local_authority", String(100), nullable=False),
    Column("phase", String(32), nullable=False),
    Column("trust", String(200)),
    Column("status", String(16), nullable=False, server_default="open"),
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
    Index("ix_memberships_school_alliance", "school_urn", "alliance_id"),
)

system_leaders = Table(
    "system_leaders", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("designation", String(3), nullable=False),
    Column("school_urn", String(6), nullable=False, index=True),
    Column("trust", String(200)),
    Column("alliance_id", ID, nullable=False),
    Column("region_id", ID, nullable=False, index=True),
    Column("specialisms", ARRAY(String(40)), nullable=False, server_default="{}"),
    Column("phases", ARRAY(String(32)), nullable=False, server_default="{}"),
    Column("days_available", Integer, nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    as_of_column(),
    Index("ix_system_leaders_specialisms", "specialisms", postgresql_using="gin"),
)

# --- what the service owns -------------------------------------------------------

referrals = Table(
    "referrals", metadata, id_column(),
    Column("school_urn", String(6), nullable=False),
    Column("alliance_id", ID, nullable=False),  # the home alliance, which triages it
    Column("region_id", ID, nullable=False),
    Column("need_areas", ARRAY(String(40)), nullable=False),
    Column("priority", String(8), nullable=False),
    Column("source", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("consent_to_share", Boolean, nullable=False, server_default="false"),
    Column("consent_given_by", String(200)),
    Column("consent_recorded_by", String(64)),
    moment_column("consent_recorded_at", nullable=True),
    Column("status", String(16), nullable=False, server_default="open"),
    Column("received_on", Date, nullable=False),
    Column("match_due_on", Date, nullable=False),
    Column("opened_by", String(64), nullable=False),
    moment_column("opened_at"),
    moment_column("shared_at", nullable=True),
    moment_column("matched_at", nullable=True),
    moment_column("escalated_at", nullable=True),
    moment_column("closed_at", nullable=True),
    Column("outcome", String(16)),
    Column("impact_summary", Text),
    moment_column("updated_at"),
    Index("ix_referrals_region_status", "region_id", "status", "opened_at"),
    # The list's keyset order (opened_at, id), for each part of who sees what (visibility.py): all,
    # the home alliance's, the region's, the region's shared ones, the school's.
    Index("ix_referrals_opened", "opened_at", "id"),
    Index("ix_referrals_alliance_opened", "alliance_id", "opened_at", "id"),
    Index("ix_referrals_region_opened", "region_id", "opened_at", "id"),
    Index("ix_referrals_region_shared", "region_id", "opened_at", "id", postgresql_where=text("shared_at IS NOT NULL")),
    Index("ix_referrals_school_opened", "school_urn", "opened_at", "id"),
    Index("ix_referrals_unmatched_due", "match_due_on",
          postgresql_where=text("status IN ('open', 'shared') AND escalated_at IS NULL")),
    # Matching asks, of each candidate leader, whether their own school is under a live referral.
    Index("ix_referrals_live_school", "school_urn",
          postgresql_where=text("status IN ('open', 'shared', 'matched', 'active')")),
)

# Every change, review and assignment; a trigger in the migration refuses UPDATE and DELETE.
timeline = Table(
    "referral_timeline", metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("referral_id", ID, ForeignKey("referrals.id"), nullable=False),
    moment_column("at"),
    Column("action", String(32), nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("actor_id", String(64), nullable=False),
    Column("actor_role", String(32), nullable=False),
    Column("actor_alliance_id", ID),
    Column("detail", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Index("ix_referral_timeline_referral", "referral_id", "id"),
)

deployments = Table(
    "deployments", metadata, id_column(),
    Column("referral_id", ID, ForeignKey("referrals.id"), nullable=False, index=True),
    Column("system_leader_id", ID, nullable=False),
    Column("leader_alliance_id", ID, nullable=False),
    Column("referral_alliance_id", ID, nullable=False),
    Column("cross_alliance", Boolean, nullable=False),
    # Days held against the leader's availability in academic_year; unused ones are released at closing.
    Column("days", Integer, nullable=False),
    Column("days_used", Integer, nullable=False, server_default="0"),
    Column("academic_year", Integer, nullable=False),
    Column("status", String(16), nullable=False, server_default="active"),
    Column("assigned_by", String(64), nullable=False),
    moment_column("assigned_at"),
    # The referral's opened_at (which never changes), so that the referrals an alliance's leaders are
    # deployed on can be listed in the referrals' keyset order from ix_deployments_alliance_referral.
    Column("referral_opened_at", DateTime(timezone=True), nullable=False),
    Index("ix_deployments_leader_year", "system_leader_id", "academic_year"),
    Index("ix_deployments_alliance_referral", "leader_alliance_id", "referral_opened_at", "referral_id"),
    Index("uq_deployments_live_leader", "referral_id", "system_leader_id", unique=True,
          postgresql_where=text("status = 'active'")),
    CheckConstraint("days >= 0 AND days_used >= 0 AND days_used <= days", name="ck_deployments_days"),
)

visits = Table(
    "deployment_visits", metadata, id_column(),
    Column("deployment_id", ID, ForeignKey("deployments.id"), nullable=False, index=True),
    Column("visited_on", Date, nullable=False),
    Column("days_used", Integer, nullable=False),
    Column("note", Text),
    Column("logged_by", String(64), nullable=False),
    moment_column("logged_at"),
)

reviews = Table(
    "referral_reviews", metadata, id_column(),
    Column("referral_id", ID, ForeignKey("referrals.id"), nullable=False, index=True),
    Column("rag", String(8), nullable=False),
    Column("note", Text, nullable=False),
    Column("reviewed_by", String(64), nullable=False),
    moment_column("reviewed_at"),
)
