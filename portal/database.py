"""Engine set-up: SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE``.

Python's sqlite3 module starts transactions lazily and as DEFERRED; a deferred transaction that
later writes fails at once with "database is locked" when another process wrote meanwhile. So
the driver's own transaction handling is switched off and every transaction that may write
(anything but a GET/HEAD request, or a block inside ``writing()``) starts with
``BEGIN IMMEDIATE``, which waits for the write lock up to the busy timeout instead. Pages read
with GET never write, except through ``writing()``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.sql import Executable

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing: ContextVar[bool] = ContextVar("writing", default=False)


def may_write() -> bool:
    """True unless this is a read-only request outside a ``writing()`` block."""
    if _writing.get():
        return True
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


@contextmanager
def writing() -> Iterator[None]:
    """Let transactions begun inside this block write, even while serving a GET."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def read(statement: Executable, params: dict | None = None) -> CursorResult:
    """Run a Core query in the session's transaction, past the ORM's statement layer.

    For rows and figures a page only shows, never objects it changes (no identity map): the
    ORM session adds about 50 µs to each statement (its compile state and result wrapping),
    more than SQLite takes to answer an indexed query. Pending changes are flushed first, as
    the session's autoflush would before a query.
    """
    from .extensions import db

    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


def configure_engine(engine: Engine, *, busy_timeout: int) -> None:
    if engine.dialect.name != "sqlite":
        return
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Straight to the driver: this runs for every transaction, and SQLAlchemy's own
        # statement machinery costs far more than SQLite's BEGIN itself.
        connection.connection.driver_connection.execute(
            "BEGIN IMMEDIATE" if may_write() else "BEGIN"
        )
