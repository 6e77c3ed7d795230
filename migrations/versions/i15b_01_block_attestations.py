"""block attestations: a frozen, verifiable partial validation of one competency block

Revision ID: i15b_block_attestations
Revises: i17_preferences_replies
Create Date: 2026-12-01 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15b_block_attestations'
down_revision = 'i17_preferences_replies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('block_attestations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('block_id', sa.String(length=32), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_key', sa.String(length=160), nullable=True),
    sa.Column('holder_name', sa.String(length=160), nullable=False),
    sa.Column('course_title', sa.String(length=300), nullable=False),
    sa.Column('block_title', sa.String(length=300), nullable=False),
    sa.Column('rncp', sa.String(length=40), nullable=True),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('score_percent', sa.Float(), nullable=True),
    sa.Column('attained_on', sa.Date(), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('signatory', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('valid', 'revoked')", name=op.f('ck_block_attestations_status_valid')),
    sa.CheckConstraint("(status = 'valid' AND current_key IS NOT NULL) OR (status <> 'valid' AND current_key IS NULL)", name=op.f('ck_block_attestations_current_key_when_valid')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_block_attestations_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_block_attestations_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_block_attestations')),
    sa.UniqueConstraint('code', name=op.f('uq_block_attestations_code')),
    sa.UniqueConstraint('current_key', name=op.f('uq_block_attestations_current_key'))
    )
    with op.batch_alter_table('block_attestations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_block_attestations_course_slug'), ['course_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_block_attestations_pdf_sha256'), ['pdf_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_block_attestations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('block_attestations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_block_attestations_user_id'))
        batch_op.drop_index(batch_op.f('ix_block_attestations_pdf_sha256'))
        batch_op.drop_index(batch_op.f('ix_block_attestations_course_slug'))
    op.drop_table('block_attestations')
