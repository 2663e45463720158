"""Live referrals by school: matching asks it of every candidate leader's school.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIVE = sa.text("status IN ('open', 'shared', 'matched', 'active')")


def upgrade() -> None:
    op.create_index("ix_referrals_live_school", "referrals", ["school_urn"], unique=False, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index("ix_referrals_live_school", table_name="referrals", postgresql_where=LIVE)
