"""Let administrators switch staff accounts off

Revision ID: 6918eeb84ecc
Revises: bc54d72b99d0
Create Date: 2026-11-25 21:52:30.839883

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6918eeb84ecc'
down_revision = 'bc54d72b99d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')

