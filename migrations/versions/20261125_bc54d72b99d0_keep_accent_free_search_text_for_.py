"""Keep accent-free search text for accounts and contacts

Revision ID: bc54d72b99d0
Revises: 48674b5148ad
Create Date: 2026-11-25 22:10:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bc54d72b99d0'
down_revision = '48674b5148ad'
branch_labels = None
depends_on = None

# portal.search.fold as it was when this revision was written (a revision keeps its own copy).
_KEPT_MARKS = frozenset("\u3099\u309a")
_BASE_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ı": "i", "ß": "ss",
                               "æ": "ae", "œ": "oe", "þ": "th"})


def _fold(text):
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KEPT_MARKS)
    return unicodedata.normalize("NFC", plain).translate(_BASE_LETTERS)


def _backfill(table, columns, limit):
    connection = op.get_bind()
    rows = connection.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
    for row in rows:
        text = " ".join(value for value in row[1:] if value)
        connection.execute(
            table.update().where(table.c.id == row[0]).values(search_text=_fold(text)[:limit])
        )


def upgrade():
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=700), server_default='', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=500), server_default='', nullable=False))

    contacts = sa.table('contacts', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('email', sa.String), sa.column('organisation', sa.String),
                        sa.column('search_text', sa.String))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('email', sa.String), sa.column('search_text', sa.String))
    _backfill(contacts, ("name", "email", "organisation"), 700)
    _backfill(users, ("name", "email"), 500)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('search_text')
