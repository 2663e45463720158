"""Memberships a school agrees to (pending -> active), deactivated users, sign-in limits.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("memberships", sa.Column("requested_by", sa.String(16), server_default="alliance",
                                           nullable=False))
    op.add_column("memberships", sa.Column("requested_by_user", sa.String(64), nullable=True))
    op.add_column("memberships", sa.Column("accepted_by_user", sa.String(64), nullable=True))
    op.add_column("memberships", sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("uq_membership_active", table_name="memberships")
    op.create_index("uq_membership_live", "memberships", ["alliance_id", "school_urn"], unique=True,
                    postgresql_where=sa.text("status IN ('pending', 'active')"))
    op.add_column("users", sa.Column("created_by", sa.String(64), nullable=True))
    op.add_column("users", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_users_school", "users", ["school_urn"],
                    postgresql_where=sa.text("school_urn IS NOT NULL"))
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("first_failure_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_sign_in_failures_blocked_until", "sign_in_failures", ["blocked_until"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_failures_blocked_until", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_users_school", table_name="users")
    op.drop_column("users", "deactivated_at")
    op.drop_column("users", "created_by")
    op.drop_index("uq_membership_live", table_name="memberships")
    op.create_index("uq_membership_active", "memberships", ["alliance_id", "school_urn"], unique=True,
                    postgresql_where=sa.text("status = 'active'"))
    for column in ("accepted_at", "accepted_by_user", "requested_by_user", "requested_by"):
        op.drop_column("memberships", column)
