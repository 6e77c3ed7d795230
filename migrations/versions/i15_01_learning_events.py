"""learning events: dated learner requests, for measured learning time and the evidence log

Revision ID: i15_learning_events
Revises: i17_outbox
Create Date: 2026-12-01 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15_learning_events'
down_revision = 'i17_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('activity', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("activity IN ('module', 'quiz', 'roleplay', 'course', 'nav')", name=op.f('ck_learning_events_activity_valid')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learning_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_events'))
    )
    with op.batch_alter_table('learning_events', schema=None) as batch_op:
        batch_op.create_index('ix_learning_events_user_at', ['user_id', 'at'], unique=False)
        batch_op.create_index('ix_learning_events_course_user', ['course_slug', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('learning_events', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_events_course_user')
        batch_op.drop_index('ix_learning_events_user_at')

    op.drop_table('learning_events')
