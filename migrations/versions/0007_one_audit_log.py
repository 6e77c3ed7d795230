"""one audit log for every feature (certificate history moves into it)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('course_slug', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_audit_events_certificate_id_certificates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_audit_events_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_audit_events_subject_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_subject_user_id'), ['subject_user_id'], unique=False)

    # The certificate history so far, with its actions renamed into the shared vocabulary.
    op.execute(
        "INSERT INTO audit_events (at, actor_id, actor_label, action, subject_user_id,"
        " certificate_id, course_slug, detail)"
        " SELECT l.at, l.actor_id, l.actor_label, 'certificate.' || l.action, c.user_id,"
        " l.certificate_id, c.course_slug, l.detail"
        " FROM certificate_audit_log l JOIN certificates c ON c.id = l.certificate_id"
        " ORDER BY l.id"
    )
    with op.batch_alter_table('certificate_audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_audit_log_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_audit_log_at'))
    op.drop_table('certificate_audit_log')


def downgrade():
    op.create_table('certificate_audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.CheckConstraint("action IN ('issue', 'revoke', 'reissue')", name=op.f('ck_certificate_audit_log_action_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_certificate_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_audit_log_certificate_id_certificates'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_audit_log'))
    )
    with op.batch_alter_table('certificate_audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_audit_log_certificate_id'), ['certificate_id'], unique=False)
    op.execute(
        "INSERT INTO certificate_audit_log (at, actor_id, actor_label, action, certificate_id,"
        " detail)"
        " SELECT at, actor_id, actor_label, substr(action, 13), certificate_id, detail"
        " FROM audit_events WHERE action IN"
        " ('certificate.issue', 'certificate.revoke', 'certificate.reissue') ORDER BY id"
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))
    op.drop_table('audit_events')
