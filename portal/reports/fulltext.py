"""Index-backed search in reports' titles and descriptions, in any script, two letters and up.

The LIKE check on ``Report.search_text`` (``portal.search.contains``) decides what matches, as
before; an index only narrows the rows it looks at, so it may let a few extra rows through but
must never drop one. Both databases index the same "grams", kept in ``Report.search_grams``:

- a run of Han, kana or Hangul (or Thai, Lao, Khmer, Myanmar), scripts that do not separate
  words or glue particles onto them, gives its overlapping pairs: 월세가 → 월세 세가;
- a run of other letters and digits gives its endings of two characters or more, each cut to
  ``GRAM_CHARS``: parent → parent arent rent ent nt.

A search cut at the same places gives pieces. A piece of two characters or more is in the index
of every text that contains it: a dense piece by each of its pairs, any other piece as the
beginning of an ending (``rent`` begins the ending ``rent`` of ``parent``). One-character pieces
narrow nothing; a search made only of them ("房") is a plain LIKE scan.

SQLite holds the grams in the FTS5 table ``reports_search`` (external content, ``ascii``
tokenizer: it never splits a gram, whatever its script), kept in step by triggers;
PostgreSQL in the GIN index ``ix_reports_search_grams`` over ``array_to_tsvector``, which takes
the grams as they are (no parser, no dictionary, no extension). SQLAlchemy's metadata cannot
describe either, so ``create_all`` makes them from the listeners below and revision
b2f75e4c0de2 from its own copy; Alembic's autogenerate is told to leave them alone.

A later revision that rebuilds ``reports`` on SQLite (``batch_alter_table``) drops the
triggers with the old table: it must create them again and rebuild ``reports_search``.
"""

import re

import sqlalchemy as sa
from alembic.autogenerate import comparators
from alembic.operations import ops
from alembic.util import DispatchPriority, PriorityDispatchResult
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..search import contains, fold
from .models import Report

# Endings are cut to this many characters; a longer search piece is looked up by its start.
GRAM_CHARS = 10
# Pieces looked up per search (the longest first); the others are left to the LIKE check.
MAX_TERMS = 8

FTS_TABLE = "reports_search"
PG_INDEX = "ix_reports_search_grams"

# Letters and digits of any script: what both sides cut on (the underscore is punctuation).
_WORD = re.compile(r"[^\W_]+")
# Scripts written without spaces between words, or (Hangul) with particles glued to them.
_DENSE = re.compile(
    "([\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3005-\u3007"
    "\u3021-\u3029\u3031-\u3035\u3038-\u303c\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff]+)"
)


def _runs(folded: str):
    """(run, dense) for each run of letters and digits of one kind in ``folded``, in order."""
    for word in _WORD.findall(folded):
        for index, run in enumerate(_DENSE.split(word)):
            if run:
                yield run, index % 2 == 1


def grams(folded: str) -> str:
    """The grams of ``folded`` (a ``search_text``), space-separated, each once."""
    found: dict[str, None] = {}
    for run, dense in _runs(folded):
        if dense:
            for i in range(len(run) - 1):
                found[run[i:i + 2]] = None
        else:
            for i in range(len(run) - 1):
                found[run[i:i + GRAM_CHARS]] = None
    return " ".join(found)


def search_terms(q: str) -> list[tuple[str, bool]]:
    """(gram, is a prefix) that every text containing ``q`` has in its grams."""
    terms: dict[tuple[str, bool], None] = {}
    for run, dense in _runs(fold(q.strip())):
        if dense:
            for i in range(len(run) - 1):
                terms[(run[i:i + 2], False)] = None
        elif len(run) >= 2:
            terms[(run[:GRAM_CHARS], True)] = None
    return sorted(terms, key=lambda term: -len(term[0]))[:MAX_TERMS]


class _grams_match(FunctionElement):
    """True for the reports whose grams hold every term; each database words it its own way."""

    type = sa.Boolean()
    inherit_cache = True
    name = "grams_match"


@compiles(_grams_match)
def _no_index(element, compiler, **kw):
    return "1 = 1"  # a database without an index here: the LIKE check alone decides


@compiles(_grams_match, "sqlite")
def _fts5_match(element, compiler, **kw):
    report_id, _, fts_query, _ = element.clauses
    search = sa.table(FTS_TABLE, sa.column("rowid"))
    matched = sa.select(search.c.rowid).where(sa.literal_column(FTS_TABLE).op("MATCH")(fts_query))
    return compiler.process(report_id.in_(matched), **kw)


@compiles(_grams_match, "postgresql")
def _gin_match(element, compiler, **kw):
    _, search_grams, _, tsquery = element.clauses
    # The index's expression, word for word (no bound space), so that the planner can use it.
    grams_vector = sa.func.array_to_tsvector(
        sa.func.string_to_array(search_grams, sa.literal_column("' '")))
    return compiler.process(grams_vector.op("@@")(sa.cast(tsquery, TSQUERY)), **kw)


def indexed(q: str) -> sa.ColumnElement[bool] | None:
    """The index's narrowing for ``q``: a superset of the reports containing it, or None when
    ``q`` has no piece to look up."""
    terms = search_terms(q)
    if not terms:
        return None
    # Grams hold letters and digits only, so they need no escaping inside the quotes.
    fts_query = " ".join(f'"{gram}"*' if prefix else f'"{gram}"' for gram, prefix in terms)
    tsquery = " & ".join(f"'{gram}':*" if prefix else f"'{gram}'" for gram, prefix in terms)
    return _grams_match(Report.id, Report.search_grams, sa.literal(fts_query, sa.Text),
                        sa.literal(tsquery, sa.Text))


def matching(q: str) -> sa.ColumnElement[bool]:
    """Reports whose title or description contains ``q`` (accents, case, ``%`` as in
    ``portal.search.contains``), found through the index when ``q`` has a piece to look up."""
    like = contains(q, Report.search_text)
    narrowing = indexed(q)
    return like if narrowing is None else sa.and_(narrowing, like)


# Registered after models.py's listeners, which have just folded search_text.
@sa.event.listens_for(Report, "before_insert")
def _grams_of_new_report(mapper, connection, report: Report) -> None:
    report.search_grams = grams(report.search_text)


@sa.event.listens_for(Report, "before_update")
def _grams_of_changed_report(mapper, connection, report: Report) -> None:
    # Only when the text changed: a status change leaves the index (and its triggers) alone.
    if sa.inspect(report).attrs.search_text.history.has_changes():
        report.search_grams = grams(report.search_text)


# The objects below, as revision b2f75e4c0de2 makes them (it keeps its own copy).
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


@sa.event.listens_for(Report.__table__, "after_create")
def _create_search_index(table, connection, **kw) -> None:
    ddl = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}.get(connection.dialect.name, ())
    for statement in ddl:
        connection.exec_driver_sql(statement)


@sa.event.listens_for(Report.__table__, "after_drop")
def _drop_search_index(table, connection, **kw) -> None:
    # The triggers and the PostgreSQL index went with the table; the FTS table stays behind.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("DROP TABLE IF EXISTS reports_search")


# Indexes the models cannot describe on both databases (an expression, a mixed order), made
# by listeners like the ones above and by revisions, which autogenerate must leave alone.
UNMODELLED_INDEXES = {PG_INDEX}


def _is_unmodelled(op) -> bool:
    if isinstance(op, ops.DropTableOp):
        return op.table_name == FTS_TABLE or op.table_name.startswith(f"{FTS_TABLE}_")
    return isinstance(op, ops.DropIndexOp) and op.index_name in UNMODELLED_INDEXES


@comparators.dispatch_for("schema", priority=DispatchPriority.LAST)
def _leave_unmodelled_objects_alone(autogen_context, upgrade_ops, schemas):
    """Keep the objects the models cannot describe out of autogenerate's differences."""
    kept = []
    for op in upgrade_ops.ops:
        if isinstance(op, ops.ModifyTableOps):
            op.ops[:] = [inner for inner in op.ops if not _is_unmodelled(inner)]
            if op.is_empty():
                continue
        elif _is_unmodelled(op):
            continue
        kept.append(op)
    upgrade_ops.ops[:] = kept
    return PriorityDispatchResult.CONTINUE
