"""System leaders are active or inactive (no longer taking on support), as their home alliance says.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("system_leaders", sa.Column("status", sa.String(16), server_default="active", nullable=False))


def downgrade() -> None:
    op.drop_column("system_leaders", "status")
