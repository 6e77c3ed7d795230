"""mail opt-outs per user and kind; trainers' replies to role-play reflections

Revision ID: i17_preferences_replies
Revises: i15_learning_events
Create Date: 2026-12-01 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i17_preferences_replies'
down_revision = 'i15_learning_events'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_opt_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_opt_outs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_opt_outs')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_mail_opt_outs_user_id_kind'))
    )
    with op.batch_alter_table('mail_opt_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_opt_outs_user_id'), ['user_id'], unique=False)

    op.create_table('reflection_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=True),
    sa.Column('trainer_label', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['roleplay_runs.id'], name=op.f('fk_reflection_replies_run_id_roleplay_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trainer_id'], ['users.id'], name=op.f('fk_reflection_replies_trainer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reflection_replies')),
    sa.UniqueConstraint('run_id', name=op.f('uq_reflection_replies_run_id'))
    )


def downgrade():
    op.drop_table('reflection_replies')
    with op.batch_alter_table('mail_opt_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_opt_outs_user_id'))
    op.drop_table('mail_opt_outs')
