"""end-of-course survey: answers without identity, and the record that a learner answered

Revision ID: i15b_surveys
Revises: i15b_block_attestations
Create Date: 2026-12-01 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15b_surveys'
down_revision = 'i15b_block_attestations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_survey_responses_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_course_slug'), ['course_slug'], unique=False)

    op.create_table('survey_participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_participations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_participations')),
    sa.UniqueConstraint('user_id', 'course_slug', name=op.f('uq_survey_participations_user_id_course_slug'))
    )
    with op.batch_alter_table('survey_participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_participations_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_participations_user_id'))
    op.drop_table('survey_participations')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_course_slug'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_cohort_id'))
    op.drop_table('survey_responses')
