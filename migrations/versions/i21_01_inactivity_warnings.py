"""retention: when an inactive learner was warned by mail before their account is erased

Revision ID: i21_inactivity_warnings
Revises: i15b_surveys
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i21_inactivity_warnings'
down_revision = 'i15b_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inactivity_warnings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('warned_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inactivity_warnings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_inactivity_warnings'))
    )


def downgrade():
    op.drop_table('inactivity_warnings')
