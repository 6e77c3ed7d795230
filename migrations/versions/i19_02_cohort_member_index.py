"""cohort pages: an index on cohort_members (cohort_id, user_id, joined_at) covering what the
dashboard's summary and its pages read of each member, so they scan one index range per cohort
and no table row per member

Revision ID: i19_member_index
Revises: i19_standings
Create Date: 2026-12-01 23:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'i19_member_index'
down_revision = 'i19_standings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_cohort_members_cohort_user_joined',
        'cohort_members',
        ['cohort_id', 'user_id', 'joined_at'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_cohort_members_cohort_user_joined', table_name='cohort_members')
