"""role-play runs

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-26 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roleplay_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('scenario_slug', sa.String(length=80), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('current_node', sa.String(length=120), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('points_total', sa.Integer(), nullable=True),
    sa.Column('percent', sa.Float(), nullable=True),
    sa.Column('competency_points', sa.JSON(), nullable=True),
    sa.Column('reflection', sa.Text(), nullable=True),
    sa.Column('reflection_saved_at', sa.DateTime(), nullable=True),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.CheckConstraint('(finished_at IS NULL) = (outcome IS NULL)', name=op.f('ck_roleplay_runs_finished_has_outcome')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('resolved', 'partial', 'escalated')", name=op.f('ck_roleplay_runs_outcome_valid')),
    sa.CheckConstraint('percent IS NULL OR (percent >= 0 AND percent <= 100)', name=op.f('ck_roleplay_runs_percent_range')),
    sa.CheckConstraint('step >= 0', name=op.f('ck_roleplay_runs_step_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roleplay_runs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roleplay_runs'))
    )
    with op.batch_alter_table('roleplay_runs', schema=None) as batch_op:
        batch_op.create_index('ix_roleplay_runs_best', ['user_id', 'course_slug', 'scenario_slug', 'percent'], unique=False)


def downgrade():
    with op.batch_alter_table('roleplay_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_roleplay_runs_best')

    op.drop_table('roleplay_runs')
