"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 18:02:41.974100
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alliances',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('region_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_alliances_region_id'), 'alliances', ['region_id'], unique=False)
    op.create_table('courses',
    sa.Column('id', sa.UUID(as_uuid=False), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('region_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('programme', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('price_member_pence', sa.Integer(), nullable=False),
    sa.Column('price_non_member_pence', sa.Integer(), nullable=False),
    sa.Column('booking_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancellation_deadline_days', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=16), server_default='draft', nullable=False),
    sa.Column('confirmed_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waitlist_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('confirmed_count >= 0 AND confirmed_count <= capacity', name='ck_courses_places'),
    sa.CheckConstraint('waitlist_count >= 0', name='ck_courses_waitlist'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_courses_alliance_id'), 'courses', ['alliance_id'], unique=False)
    op.create_index('ix_courses_published', 'courses', ['status', 'starts_at'], unique=False)
    op.create_index(op.f('ix_courses_region_id'), 'courses', ['region_id'], unique=False)
    op.create_table('idempotency_keys',
    sa.Column('caller_id', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('operation', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('response', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('caller_id', 'key')
    )
    op.create_table('inbox',
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=128), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('event_id', 'handler')
    )
    op.create_table('memberships',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('region_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('school_urn', sa.String(length=6), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_memberships_school_active', 'memberships', ['school_urn', 'region_id'], unique=False, postgresql_where=sa.text("status = 'active'"))
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('envelope', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    op.create_index('ix_outbox_pending', 'outbox', ['id'], unique=False, postgresql_where=sa.text("state = 'pending'"))
    op.create_table('parked_events',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('handler', sa.String(length=128), nullable=False),
    sa.Column('envelope', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('parked_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('replayed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'handler', name='uq_parked_event_handler')
    )
    op.create_table('schools',
    sa.Column('urn', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('urn')
    )
    op.create_table('bookings',
    sa.Column('id', sa.UUID(as_uuid=False), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('course_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('school_urn', sa.String(length=6), nullable=False),
    sa.Column('participant_name', sa.String(length=200), nullable=False),
    sa.Column('participant_email', sa.String(length=254), nullable=False),
    sa.Column('participant_role', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('price_pence', sa.Integer(), nullable=False),
    sa.Column('member_price', sa.Boolean(), nullable=False),
    sa.Column('waitlist_position', sa.Integer(), nullable=True),
    sa.Column('fee_pence', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('booked_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_bookings_course', 'bookings', ['course_id', 'status', 'waitlist_position'], unique=False)
    op.create_index(op.f('ix_bookings_school_urn'), 'bookings', ['school_urn'], unique=False)
    op.create_index('uq_bookings_live_participant', 'bookings', ['course_id', sa.literal_column('lower(participant_email)')], unique=True, postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'completed')"))
    op.create_table('course_sessions',
    sa.Column('course_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.PrimaryKeyConstraint('course_id', 'index')
    )
    op.create_table('attendance',
    sa.Column('booking_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('session_index', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], ),
    sa.PrimaryKeyConstraint('booking_id', 'session_index')
    )


def downgrade() -> None:
    op.drop_table('attendance')
    op.drop_table('course_sessions')
    op.drop_index('uq_bookings_live_participant', table_name='bookings', postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'completed')"))
    op.drop_index(op.f('ix_bookings_school_urn'), table_name='bookings')
    op.drop_index('ix_bookings_course', table_name='bookings')
    op.drop_table('bookings')
    op.drop_table('schools')
    op.drop_table('parked_events')
    op.drop_index('ix_outbox_pending', table_name='outbox', postgresql_where=sa.text("state = 'pending'"))
    op.drop_table('outbox')
    op.drop_index('ix_memberships_school_active', table_name='memberships', postgresql_where=sa.text("status = 'active'"))
    op.drop_table('memberships')
    op.drop_table('inbox')
    op.drop_table('idempotency_keys')
    op.drop_index(op.f('ix_courses_region_id'), table_name='courses')
    op.drop_index('ix_courses_published', table_name='courses')
    op.drop_index(op.f('ix_courses_alliance_id'), table_name='courses')
    op.drop_table('courses')
    op.drop_index(op.f('ix_alliances_region_id'), table_name='alliances')
    op.drop_table('alliances')
