"""Remember the browser of each session

Revision ID: 48029e5cbd9b
Revises: 29fda4cc77ca
Create Date: 2026-11-25 20:29:41.948745

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '48029e5cbd9b'
down_revision = '29fda4cc77ca'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_agent', sa.String(length=255), nullable=True))



def downgrade():
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('user_agent')

