"""role-play runs: the choice order drawn per run, and whether it took a critical choice

Revision ID: i12_roleplay_runs
Revises: i11_certificate_cohort
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i12_roleplay_runs'
down_revision = 'i11_certificate_cohort'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roleplay_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choice_order', sa.JSON(), nullable=True))
        # Runs played before critical choices existed took none.
        batch_op.add_column(
            sa.Column('critical', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('roleplay_runs', schema=None) as batch_op:
        batch_op.drop_column('critical')
        batch_op.drop_column('choice_order')
