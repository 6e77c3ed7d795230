"""second chances granted by trainers: extra quiz attempts, reopened role-plays, excuses

Revision ID: i12_overrides
Revises: i12_roleplay_runs
Create Date: 2026-12-02 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_overrides'
down_revision = 'i12_roleplay_runs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('target', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_by_label', sa.String(length=254), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'extra_attempts' AND target = 'quiz') OR (kind = 'reopen_roleplay' AND target = 'roleplay') OR kind = 'excuse'", name=op.f('ck_overrides_kind_fits_target')),
    sa.CheckConstraint("kind IN ('extra_attempts', 'reopen_roleplay', 'excuse')", name=op.f('ck_overrides_kind_valid')),
    sa.CheckConstraint("target IN ('module', 'quiz', 'roleplay')", name=op.f('ck_overrides_target_valid')),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_overrides_amount_not_negative')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_overrides_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_overrides_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_overrides_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overrides'))
    )
    with op.batch_alter_table('overrides', schema=None) as batch_op:
        batch_op.create_index('ix_overrides_learner', ['user_id', 'course_slug'], unique=False)
        batch_op.create_index('one_excuse_per_requirement', ['user_id', 'course_slug', 'target', 'key'], unique=True, sqlite_where=sa.text("kind = 'excuse'"), postgresql_where=sa.text("kind = 'excuse'"))


def downgrade():
    with op.batch_alter_table('overrides', schema=None) as batch_op:
        batch_op.drop_index('one_excuse_per_requirement', sqlite_where=sa.text("kind = 'excuse'"), postgresql_where=sa.text("kind = 'excuse'"))
        batch_op.drop_index('ix_overrides_learner')

    op.drop_table('overrides')
