"""An alliance's members in the list's keyset order (school_urn, id), with the list's filters (status, tier).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_memberships_alliance_school", "memberships", ["alliance_id", "school_urn", "id"],
                    postgresql_include=["status", "tier"])


def downgrade() -> None:
    op.drop_index("ix_memberships_alliance_school", table_name="memberships")
