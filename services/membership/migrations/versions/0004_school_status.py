"""Schools are open or closed (as Get Information About Schools has them).

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("schools", sa.Column("status", sa.String(16), server_default="open", nullable=False))


def downgrade() -> None:
    op.drop_column("schools", "status")
