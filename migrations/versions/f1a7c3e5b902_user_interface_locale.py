"""User interface locale: the language a person chose for the interface (nl or fr)

Revision ID: f1a7c3e5b902
Revises: e4b9f2a61c07
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a7c3e5b902'
down_revision = 'e4b9f2a61c07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locale')
