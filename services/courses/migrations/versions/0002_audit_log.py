"""the chassis' audit log of every write a caller makes

Revision ID: 0002
Revises: 0001
"""
from services.chassis.migrations import create_audit_log, drop_audit_log

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_log()


def downgrade() -> None:
    drop_audit_log()
