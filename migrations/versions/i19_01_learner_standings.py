"""cohort pages in SQL: learner standings (each learner's figures in a course, a cache of the
progress service made stale by a generation counter) and graded answers (one row per question
of a submitted attempt, so the group insight counts with GROUP BY)

Revision ID: i19_standings
Revises: i21_erasure_requests
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i19_standings'
down_revision = 'i21_erasure_requests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learner_standings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('computed_generation', sa.Integer(), nullable=True),
    sa.Column('course_version', sa.String(length=64), nullable=True),
    sa.Column('met_count', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('total', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('percent', sa.Float(), nullable=False, server_default='0'),
    sa.Column('complete', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('last_activity', sa.DateTime(), nullable=True),
    sa.Column('quiz_average', sa.Float(), nullable=True),
    sa.Column('quiz_failed', sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column('second_chances', sa.Integer(), nullable=False, server_default='0'),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_standings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'course_slug', name=op.f('pk_learner_standings'))
    )

    op.create_table('insight_graded_answers',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('version', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_insight_graded_answers_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attempt_id', 'question_id', name=op.f('pk_insight_graded_answers'))
    )
    op.create_index('ix_insight_graded_answers_version', 'insight_graded_answers', ['attempt_id', 'version'], unique=False)

    op.create_table('insight_snapshots',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('course_version', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=120), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_insight_snapshots_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_insight_snapshots'))
    )


def downgrade():
    op.drop_table('insight_snapshots')
    op.drop_index('ix_insight_graded_answers_version', table_name='insight_graded_answers')
    op.drop_table('insight_graded_answers')
    op.drop_table('learner_standings')
