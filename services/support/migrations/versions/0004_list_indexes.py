"""Referrals by opening time for each part of who sees them; deployments carry their referral's
opened_at, so an alliance's deployed-on referrals are read in the same order. The alliance's and the
school's new indexes replace ix_referrals_alliance_id and ix_referrals_school_urn.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SHARED = sa.text("shared_at IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_referrals_opened", "referrals", ["opened_at", "id"])
    op.create_index("ix_referrals_alliance_opened", "referrals", ["alliance_id", "opened_at", "id"])
    op.create_index("ix_referrals_region_opened", "referrals", ["region_id", "opened_at", "id"])
    op.create_index("ix_referrals_region_shared", "referrals", ["region_id", "opened_at", "id"], postgresql_where=SHARED)
    op.create_index("ix_referrals_school_opened", "referrals", ["school_urn", "opened_at", "id"])
    op.drop_index("ix_referrals_alliance_id", table_name="referrals")
    op.drop_index("ix_referrals_school_urn", table_name="referrals")
    op.add_column("deployments", sa.Column("referral_opened_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE deployments d SET referral_opened_at = r.opened_at FROM referrals r WHERE r.id = d.referral_id")
    op.alter_column("deployments", "referral_opened_at", nullable=False)
    op.create_index("ix_deployments_alliance_referral", "deployments",
                    ["leader_alliance_id", "referral_opened_at", "referral_id"])


def downgrade() -> None:
    op.drop_index("ix_deployments_alliance_referral", table_name="deployments")
    op.drop_column("deployments", "referral_opened_at")
    op.create_index("ix_referrals_school_urn", "referrals", ["school_urn"])
    op.create_index("ix_referrals_alliance_id", "referrals", ["alliance_id"])
    op.drop_index("ix_referrals_school_opened", table_name="referrals")
    op.drop_index("ix_referrals_region_shared", table_name="referrals", postgresql_where=SHARED)
    op.drop_index("ix_referrals_region_opened", table_name="referrals")
    op.drop_index("ix_referrals_alliance_opened", table_name="referrals")
    op.drop_index("ix_referrals_opened", table_name="referrals")
