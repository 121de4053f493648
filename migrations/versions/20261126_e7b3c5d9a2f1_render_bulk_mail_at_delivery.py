"""Let the outbox hold mail rendered at delivery (kind and object), for bulk invitations

Revision ID: e7b3c5d9a2f1
Revises: 4a533c9fe17f
Create Date: 2026-11-26 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7b3c5d9a2f1'
down_revision = '4a533c9fe17f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('object_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbox_messages_object', ['kind', 'object_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_object')
        batch_op.drop_column('object_id')
        batch_op.drop_column('kind')
