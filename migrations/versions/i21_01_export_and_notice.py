"""privacy: data export requests, and the privacy notice version each account accepted

Revision ID: i21_export_notice
Revises: i21_inactivity_warnings
Create Date: 2026-12-01 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i21_export_notice'
down_revision = 'i21_inactivity_warnings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_export_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ready_at', sa.DateTime(), nullable=True),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('downloaded_at', sa.DateTime(), nullable=True),
    sa.Column('archive', sa.LargeBinary(), nullable=True),
    sa.Column('archive_size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'building', 'ready', 'downloaded', 'expired', 'failed')", name=op.f('ck_data_export_requests_status_valid')),
    sa.CheckConstraint("status <> 'ready' OR token_hash IS NOT NULL", name=op.f('ck_data_export_requests_ready_has_token')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_export_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_export_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_data_export_requests_token_hash'))
    )
    with op.batch_alter_table('data_export_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_export_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_export_requests_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_notice_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('privacy_accepted_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('privacy_accepted_at')
        batch_op.drop_column('privacy_notice_version')
    with op.batch_alter_table('data_export_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_export_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_data_export_requests_status'))
    op.drop_table('data_export_requests')
