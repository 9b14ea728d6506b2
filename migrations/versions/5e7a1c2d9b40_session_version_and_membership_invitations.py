"""Session version per user and membership invitations

Revision ID: 5e7a1c2d9b40
Revises: 923c31953ae1
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7a1c2d9b40'
down_revision = '923c31953ae1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    op.create_table('membership_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_membership_invitation_invited_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_membership_invitation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_membership_invitation_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_invitation')),
    sa.UniqueConstraint('organisation_id', 'user_id', name=op.f('uq_membership_invitation_organisation_id'))
    )


def downgrade():
    op.drop_table('membership_invitation')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
