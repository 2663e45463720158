"""initial

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 20:38:31.898771
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.schema.CreateSequence(sa.Sequence("notifications_rank_seq")))
    op.create_table('alliances',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('region_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_alliances_region_id'), 'alliances', ['region_id'], unique=False)
    op.create_table('deliveries',
    sa.Column('id', sa.UUID(as_uuid=False), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=1000), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('state', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_response_code', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_deliveries_due', 'deliveries', ['next_attempt_at'], unique=False, postgresql_where=sa.text("state = 'pending'"))
    op.create_index('ix_deliveries_target', 'deliveries', ['kind', 'target', 'created_at'], unique=False)
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
    op.create_index('ix_memberships_alliance_active', 'memberships', ['alliance_id'], unique=False, postgresql_where=sa.text("status = 'active'"))
    op.create_index('ix_memberships_region_active', 'memberships', ['region_id'], unique=False, postgresql_where=sa.text("status = 'active'"))
    op.create_table('messages',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('items', sa.BigInteger(), nullable=False),
    sa.Column('digest_day', sa.Date(), nullable=True),
    sa.Column('delivery_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('recipient', 'digest_day', name='uq_messages_one_digest_a_day')
    )
    op.create_table('notifications',
    sa.Column('id', sa.UUID(as_uuid=False), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('user_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rank', sa.BigInteger(), server_default=sa.text("-nextval('notifications_rank_seq')"), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'event_id', name='uq_notifications_user_event')
    )
    op.create_index('ix_notifications_feed', 'notifications', ['user_id', 'rank'], unique=False)
    op.create_index('ix_notifications_unread', 'notifications', ['user_id'], unique=False, postgresql_where=sa.text('read_at IS NULL'))
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
    op.create_table('preferences',
    sa.Column('user_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('email', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("email IN ('immediate', 'daily_digest', 'off')", name='ck_preferences_email'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('scheduled_jobs',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('runs', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('system_leaders',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('region_id', sa.UUID(as_uuid=False), nullable=True),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=True),
    sa.Column('school_urn', sa.String(length=6), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_users_alliance_role', 'users', ['alliance_id', 'role'], unique=False, postgresql_where=sa.text('active'))
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=False)
    op.create_index('ix_users_region_role', 'users', ['region_id', 'role'], unique=False, postgresql_where=sa.text('active'))
    op.create_index('ix_users_school', 'users', ['school_urn'], unique=False, postgresql_where=sa.text('active'))
    op.create_table('webhooks',
    sa.Column('id', sa.UUID(as_uuid=False), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('event_types', postgresql.ARRAY(sa.String(length=64)), nullable=False),
    sa.Column('secret', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.Column('created_by', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('failing_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('disabled_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('active', 'disabled')", name='ck_webhooks_status'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_webhooks_alliance_id'), 'webhooks', ['alliance_id'], unique=False)
    op.create_index('ix_webhooks_event_types', 'webhooks', ['event_types'], unique=False, postgresql_using='gin', postgresql_where=sa.text("status = 'active'"))
    op.create_table('delivery_attempts',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('delivery_id', sa.UUID(as_uuid=False), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('response_code', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_delivery_attempts_delivery_id'), 'delivery_attempts', ['delivery_id'], unique=False)
    op.create_table('mail_items',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.UUID(as_uuid=False), nullable=True),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('timing', sa.String(length=16), nullable=False),
    sa.Column('alliance_id', sa.UUID(as_uuid=False), nullable=True),
    sa.Column('notice', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('message_id', sa.UUID(as_uuid=False), nullable=True),
    sa.CheckConstraint("timing IN ('immediate', 'merged', 'digest')", name='ck_mail_items_timing'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('recipient', 'event_id', name='uq_mail_items_recipient_event')
    )
    op.create_index('ix_mail_items_waiting', 'mail_items', ['timing', 'recipient', 'kind'], unique=False, postgresql_where=sa.text('message_id IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_mail_items_waiting', table_name='mail_items', postgresql_where=sa.text('message_id IS NULL'))
    op.drop_table('mail_items')
    op.drop_index(op.f('ix_delivery_attempts_delivery_id'), table_name='delivery_attempts')
    op.drop_table('delivery_attempts')
    op.drop_index('ix_webhooks_event_types', table_name='webhooks', postgresql_using='gin', postgresql_where=sa.text("status = 'active'"))
    op.drop_index(op.f('ix_webhooks_alliance_id'), table_name='webhooks')
    op.drop_table('webhooks')
    op.drop_index('ix_users_school', table_name='users', postgresql_where=sa.text('active'))
    op.drop_index('ix_users_region_role', table_name='users', postgresql_where=sa.text('active'))
    op.drop_index(op.f('ix_users_email'), table_name='users')
    op.drop_index('ix_users_alliance_role', table_name='users', postgresql_where=sa.text('active'))
    op.drop_table('users')
    op.drop_table('system_leaders')
    op.drop_table('scheduled_jobs')
    op.drop_table('preferences')
    op.drop_table('parked_events')
    op.drop_index('ix_outbox_pending', table_name='outbox', postgresql_where=sa.text("state = 'pending'"))
    op.drop_table('outbox')
    op.drop_index('ix_notifications_unread', table_name='notifications', postgresql_where=sa.text('read_at IS NULL'))
    op.drop_index('ix_notifications_feed', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('messages')
    op.drop_index('ix_memberships_region_active', table_name='memberships', postgresql_where=sa.text("status = 'active'"))
    op.drop_index('ix_memberships_alliance_active', table_name='memberships', postgresql_where=sa.text("status = 'active'"))
    op.drop_table('memberships')
    op.drop_table('inbox')
    op.drop_table('idempotency_keys')
    op.drop_index('ix_deliveries_target', table_name='deliveries')
    op.drop_index('ix_deliveries_due', table_name='deliveries', postgresql_where=sa.text("state = 'pending'"))
    op.drop_table('deliveries')
    op.drop_index(op.f('ix_alliances_region_id'), table_name='alliances')
    op.drop_table('alliances')
    op.execute(sa.schema.DropSequence(sa.Sequence("notifications_rank_seq")))
