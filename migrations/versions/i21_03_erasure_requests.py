"""account erasure requests (issue 21): pending, scheduled after the grace period, done

Revision ID: i21_erasure_requests
Revises: i21_export_notice
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i21_erasure_requests'
down_revision = 'i21_export_notice'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erasure_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('keep_certificates', sa.Boolean(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('scheduled_for', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('erased_at', sa.DateTime(), nullable=True),
    sa.Column('requested_by', sa.String(length=16), nullable=False),
    sa.Column('funder_digest', sa.String(length=64), nullable=True),
    sa.Column('funder_keep_until', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'scheduled', 'cancelled', 'done')", name=op.f('ck_erasure_requests_status_valid')),
    sa.CheckConstraint("status <> 'scheduled' OR scheduled_for IS NOT NULL", name=op.f('ck_erasure_requests_scheduled_dated')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_erasure_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_erasure_requests_token_hash'))
    )
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_requests_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_requests_scheduled_for'), ['scheduled_for'], unique=False)
        batch_op.create_index(batch_op.f('ix_erasure_requests_funder_digest'), ['funder_digest'], unique=False)
        batch_op.create_index('one_open_erasure_request', ['user_id'], unique=True, sqlite_where=sa.text("status IN ('pending', 'scheduled')"), postgresql_where=sa.text("status IN ('pending', 'scheduled')"))


def downgrade():
    with op.batch_alter_table('erasure_requests', schema=None) as batch_op:
        batch_op.drop_index('one_open_erasure_request', sqlite_where=sa.text("status IN ('pending', 'scheduled')"), postgresql_where=sa.text("status IN ('pending', 'scheduled')"))
        batch_op.drop_index(batch_op.f('ix_erasure_requests_funder_digest'))
        batch_op.drop_index(batch_op.f('ix_erasure_requests_scheduled_for'))
        batch_op.drop_index(batch_op.f('ix_erasure_requests_user_id'))
    op.drop_table('erasure_requests')
