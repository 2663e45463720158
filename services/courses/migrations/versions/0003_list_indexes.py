"""Indexes in the lists' keyset order: bookings by (created_at, id) overall, per course and per school;
courses by (starts_at, id) within a status and within an alliance. The school's and the alliance's
replace ix_bookings_school_urn and ix_courses_alliance_id.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_bookings_created", "bookings", ["created_at", "id"], postgresql_include=["course_id", "status"])
    op.create_index("ix_bookings_course_created", "bookings", ["course_id", "created_at", "id"])
    op.create_index("ix_bookings_school_created", "bookings", ["school_urn", "created_at", "id"])
    op.drop_index("ix_bookings_school_urn", table_name="bookings")
    op.drop_index("ix_courses_published", table_name="courses")
    op.create_index("ix_courses_published", "courses", ["status", "starts_at", "id"])
    op.create_index("ix_courses_alliance_starts", "courses", ["alliance_id", "starts_at", "id"])
    op.drop_index("ix_courses_alliance_id", table_name="courses")


def downgrade() -> None:
    op.create_index("ix_courses_alliance_id", "courses", ["alliance_id"])
    op.drop_index("ix_courses_alliance_starts", table_name="courses")
    op.drop_index("ix_courses_published", table_name="courses")
    op.create_index("ix_courses_published", "courses", ["status", "starts_at"])
    op.create_index("ix_bookings_school_urn", "bookings", ["school_urn"])
    op.drop_index("ix_bookings_school_created", table_name="bookings")
    op.drop_index("ix_bookings_course_created", table_name="bookings")
    op.drop_index("ix_bookings_created", table_name="bookings")
