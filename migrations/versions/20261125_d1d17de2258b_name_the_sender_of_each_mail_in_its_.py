"""Name the sender of each mail in its recipient's language

Revision ID: d1d17de2258b
Revises: 6918eeb84ecc
Create Date: 2026-11-25 21:55:49.250148

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1d17de2258b'
down_revision = '6918eeb84ecc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sender_name', sa.String(length=120), nullable=True))



def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('sender_name')

