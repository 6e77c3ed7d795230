"""verifiable credentials (Open Badges 3.0) and their Bitstring Status List entries

Revision ID: i16_credentials
Revises: 0007
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i16_credentials'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credential_status_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_number', sa.Integer(), nullable=False),
    sa.Column('list_index', sa.Integer(), nullable=False),
    sa.Column('reserved_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('list_index >= 0', name=op.f('ck_credential_status_entries_list_index_not_negative')),
    sa.CheckConstraint('list_number >= 1', name=op.f('ck_credential_status_entries_list_number_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_status_entries')),
    sa.UniqueConstraint('list_number', 'list_index', name=op.f('uq_credential_status_entries_list_number_list_index'))
    )
    with op.batch_alter_table('credential_status_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_status_entries_list_number'), ['list_number'], unique=False)

    op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=64), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('status_entry_id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=100), nullable=False),
    sa.Column('jwt', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_credentials_certificate_id_certificates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['status_entry_id'], ['credential_status_entries.id'], name=op.f('fk_credentials_status_entry_id_credential_status_entries'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_credentials_certificate_id')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_credentials_credential_id')),
    sa.UniqueConstraint('status_entry_id', name=op.f('uq_credentials_status_entry_id'))
    )


def downgrade():
    op.drop_table('credentials')
    with op.batch_alter_table('credential_status_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_status_entries_list_number'))
    op.drop_table('credential_status_entries')
