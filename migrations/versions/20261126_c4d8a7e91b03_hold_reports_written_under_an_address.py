"""Hold a report written under another account's address until its owner confirms it

Revision ID: c4d8a7e91b03
Revises: b2f75e4c0de2
Create Date: 2026-11-26 02:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8a7e91b03'
down_revision = 'b2f75e4c0de2'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not batch_alter_table: on SQLite a batch rebuild of `reports` would
    # drop the triggers that keep the search index in step (see portal/reports/fulltext.py).
    op.add_column('reports', sa.Column('held', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a plain column in place, keeping the table and its triggers.
        op.execute('ALTER TABLE reports DROP COLUMN held')
    else:
        op.drop_column('reports', 'held')
