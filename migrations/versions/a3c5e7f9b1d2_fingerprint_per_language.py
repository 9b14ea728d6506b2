"""Document fingerprints per language: an approved version's files exist in Dutch and in French

Revision ID: a3c5e7f9b1d2
Revises: f1a7c3e5b902
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = 'f1a7c3e5b902'
branch_labels = None
depends_on = None


def upgrade():
    # Fingerprints recorded so far were made of the Dutch files.
    with op.batch_alter_table('document_fingerprint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lang', sa.String(length=2), server_default='nl', nullable=False))
        batch_op.drop_constraint('uq_document_fingerprint_version_id', type_='unique')
        batch_op.create_unique_constraint('uq_document_fingerprint_version_id', ['version_id', 'format', 'lang'])


def downgrade():
    with op.batch_alter_table('document_fingerprint', schema=None) as batch_op:
        batch_op.drop_constraint('uq_document_fingerprint_version_id', type_='unique')
    op.execute("DELETE FROM document_fingerprint WHERE lang <> 'nl'")
    with op.batch_alter_table('document_fingerprint', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_document_fingerprint_version_id', ['version_id', 'format'])
        batch_op.drop_column('lang')
