"""The courses service's tables (its own database), and its copies of membership data."""
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from services.chassis.copies import as_of_column
from services.chassis.tables import add_chassis_tables, id_column, moment_column

metadata = MetaData()
add_chassis_tables(metadata)

ID = UUID(as_uuid=False)

# --- copies fed by membership's events (each row remembers the newest event applied) ---

alliances = Table(
    "alliances", metadata,
    Column("id", ID, primary_key=True),
    Column("region_id", ID, nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(32), nullable=False),
    as_of_column(),
)

schools = Table(
    "schools", metadata,
    Column("urn", String(6), primary_key=True),
    Column("name", String(200), nullable=False),
    as_of_column(),
)

memberships = Table(
    "memberships", metadata,
    Column("id", ID, primary_key=True),
    Column("alliance_id", ID, nullable=False),
    Column("region_id", ID, nullable=False),
    Column("school_urn", String(6), nullable=False),
    Column("status", String(16), nullable=False),
    as_of_column(),
    Index("ix_memberships_school_active", "school_urn", "region_id",
          postgresql_where=text("status = 'active'")),
)

# --- what the service owns -------------------------------------------------------

courses = Table(
    "courses", metadata, id_column(),
    Column("alliance_id", ID, nullable=False),
    Column("region_id", ID, nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("programme", String(32), nullable=False),
    Column("area", String(40), nullable=False),
    Column("description", Text),
    Column("visibility", String(16), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("price_member_pence", Integer, nullable=False),
    Column("price_non_member_pence", Integer, nullable=False),
    moment_column("booking_closes_at", nullable=True),
    Column("cancellation_deadline_days", Integer, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="draft"),
    Column("confirmed_count", Integer, nullable=False, server_default="0"),
    Column("waitlist_count", Integer, nullable=False, server_default="0"),
    moment_column("starts_at"),
    moment_column("created_at"),
    moment_column("updated_at"),
    # The catalogue's keyset order (starts_at, id) within a status, and within an alliance (its own
    # courses in every status, as the web app's course management lists them).
    Index("ix_courses_published", "status", "starts_at", "id"),
    Index("ix_courses_alliance_starts", "alliance_id", "starts_at", "id"),
    # The database itself refuses an overbooked course, whatever the code does.
    CheckConstraint("confirmed_count >= 0 AND confirmed_count <= capacity", name="ck_courses_places"),
    CheckConstraint("waitlist_count >= 0", name="ck_courses_waitlist"),
)

course_sessions = Table(
    "course_sessions", metadata,
    Column("course_id", ID, ForeignKey("courses.id"), primary_key=True),
    Column("index", Integer, primary_key=True),
    moment_column("starts_at"),
    moment_column("ends_at"),
    Column("venue", String(200)),
)

bookings = Table(
    "bookings", metadata, id_column(),
    Column("course_id", ID, ForeignKey("courses.id"), nullable=False),
    Column("school_urn", String(6), nullable=False),
    Column("participant_name", String(200), nullable=False),
    Column("participant_email", String(254), nullable=False),
    Column("participant_role", String(100)),
    Column("status", String(16), nullable=False),
    Column("price_pence", Integer, nullable=False),
    Column("member_price", Boolean, nullable=False),
    Column("waitlist_position", Integer),
    Column("fee_pence", Integer),
    Column("cancel_reason", String(500)),
    Column("booked_by", String(64), nullable=False),
    moment_column("created_at"),
    moment_column("cancelled_at", nullable=True),
    moment_column("completed_at", nullable=True),
    Index("ix_bookings_course", "course_id", "status", "waitlist_position"),
    # The lists' keyset order (created_at, id): every booking, a course's, a school's. With the course
    # and status in it, a scoped list finds its page's keys in the index alone (bookings.list_bookings).
    Index("ix_bookings_created", "created_at", "id", postgresql_include=["course_id", "status"]),
    Index("ix_bookings_course_created", "course_id", "created_at", "id"),
    Index("ix_bookings_school_created", "school_urn", "created_at", "id"),
    # A participant holds at most one live booking per course.
    Index("uq_bookings_live_participant", "course_id", func.lower(text("participant_email")),
          unique=True, postgresql_where=text("status IN ('confirmed', 'waitlisted', 'completed')")),
)

attendance = Table(
    "attendance", metadata,
    Column("booking_id", ID, ForeignKey("bookings.id"), primary_key=True),
    Column("session_index", Integer, primary_key=True),
    moment_column("recorded_at"),
)
