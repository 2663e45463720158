"""deliveries: the far end's response code, and deliveries listed by target

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
    op.add_column("deliveries", sa.Column("last_response_code", sa.Integer(), nullable=True))
    op.add_column("delivery_attempts", sa.Column("response_code", sa.Integer(), nullable=True))
    op.create_index("ix_deliveries_target", "deliveries", ["kind", "target", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_target", table_name="deliveries")
    op.drop_column("delivery_attempts", "response_code")
    op.drop_column("deliveries", "last_response_code")
