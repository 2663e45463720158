"""A system leader is designated once (unique email, any case).

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_system_leaders_email_lower", "system_leaders",
                    [sa.literal_column("lower(email)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_system_leaders_email_lower", table_name="system_leaders")
