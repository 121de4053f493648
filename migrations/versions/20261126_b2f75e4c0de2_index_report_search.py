"""Index the search in reports' titles and descriptions, two-letter Chinese and Korean words too

Revision ID: b2f75e4c0de2
Revises: a1f0311c0de1
Create Date: 2026-11-26 14:00:00

Adds ``reports.search_grams`` (see portal/reports/fulltext.py) and fills it, then indexes it:
on SQLite an FTS5 table kept in step by triggers, on PostgreSQL a GIN index (no extension).
On PostgreSQL it also indexes the queue's order, so its first pages need no full sort
(portal/reports/queue.py).

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2f75e4c0de2'
down_revision = 'a1f0311c0de1'
branch_labels = None
depends_on = None

# portal.reports.fulltext as it was when this revision was written (a revision keeps its own
# copy): the grams of a report's search_text, and the objects that index them.
GRAM_CHARS = 10
_WORD = re.compile(r"[^\W_]+")
_DENSE = re.compile(
    "([\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007"
    "\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff]+)"
)

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE reports_search USING fts5(search_grams, content='reports', "
    "content_rowid='id', tokenize='ascii', detail='none', columnsize=0)",
    "CREATE TRIGGER reports_search_insert AFTER INSERT ON reports BEGIN "
    "INSERT INTO reports_search(rowid, search_grams) VALUES (new.id, new.search_grams); END",
    "CREATE TRIGGER reports_search_delete AFTER DELETE ON reports BEGIN "
    "INSERT INTO reports_search(reports_search, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); END",
    "CREATE TRIGGER reports_search_update AFTER UPDATE OF search_grams ON reports BEGIN "
    "INSERT INTO reports_search(reports_search, rowid, search_grams) "
    "VALUES ('delete', old.id, old.search_grams); "
    "INSERT INTO reports_search(rowid, search_grams) VALUES (new.id, new.search_grams); END",
)
POSTGRESQL_DDL = (
    "CREATE INDEX ix_reports_search_grams ON reports "
    "USING gin (array_to_tsvector(string_to_array(search_grams, ' ')))",
)


def _grams(folded):
    found = {}
    for word in _WORD.findall(folded or ""):
        for index, run in enumerate(_DENSE.split(word)):
            width = 2 if index % 2 else GRAM_CHARS
            for i in range(len(run) - 1):
                found[run[i:i + width]] = None
    return " ".join(found)


def _backfill(batch=1000):
    connection = op.get_bind()
    reports = sa.table('reports', sa.column('id', sa.Integer), sa.column('search_text', sa.Text),
                       sa.column('search_grams', sa.Text))
    update = reports.update().where(reports.c.id == sa.bindparam('report_id')).values(
        search_grams=sa.bindparam('grams'))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(reports.c.id, reports.c.search_text).where(reports.c.id > last)
            .order_by(reports.c.id).limit(batch)
        ).all()
        if not rows:
            return
        connection.execute(update, [{'report_id': id_, 'grams': _grams(text)}
                                    for id_, text in rows])
        last = rows[-1][0]


def upgrade():
    op.add_column('reports', sa.Column('search_grams', sa.Text(), server_default='',
                                       nullable=False))
    _backfill()
    dialect = op.get_bind().dialect.name
    for statement in {'sqlite': SQLITE_DDL, 'postgresql': POSTGRESQL_DDL}.get(dialect, ()):
        op.execute(statement)
    if dialect == 'sqlite':
        op.execute("INSERT INTO reports_search(reports_search) VALUES ('rebuild')")
    if dialect == 'postgresql':
        # The queue's first pages in order (portal/reports/queue.py, PRIORITY_INDEX).
        op.execute("CREATE INDEX ix_reports_queue_priority ON reports "
                   "(urgent DESC, tier_rank, status)")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS reports_search_{trigger}")
        op.execute("DROP TABLE IF EXISTS reports_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_reports_queue_priority")
        op.execute("DROP INDEX IF EXISTS ix_reports_search_grams")
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('search_grams')
