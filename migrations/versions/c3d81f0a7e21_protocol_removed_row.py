"""The group row a draft save removed, kept for undo

Revision ID: c3d81f0a7e21
Revises: 5e7a1c2d9b40
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d81f0a7e21'
down_revision = '5e7a1c2d9b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('protocol', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_row', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('protocol', schema=None) as batch_op:
        batch_op.drop_column('removed_row')
