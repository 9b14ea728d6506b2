"""Document fingerprints: what an approved version's files hold, so verify need not render them again

Revision ID: e4b9f2a61c07
Revises: c3d81f0a7e21
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b9f2a61c07'
down_revision = 'c3d81f0a7e21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_fingerprint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['protocol_version.id'], name=op.f('fk_document_fingerprint_version_id_protocol_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_fingerprint')),
    sa.UniqueConstraint('version_id', 'format', name=op.f('uq_document_fingerprint_version_id'))
    )
    with op.batch_alter_table('document_fingerprint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_fingerprint_content_sha256'), ['content_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_fingerprint_file_sha256'), ['file_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('document_fingerprint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_fingerprint_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_document_fingerprint_content_sha256'))

    op.drop_table('document_fingerprint')
