"""The suite runs once per database backend: SQLite always, PostgreSQL when reachable.

Each test runs inside a transaction that is rolled back at its end; requests made through the
test client use their own session joined to that transaction by a savepoint.
"""

import contextvars
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession

from config import TestConfig, database_url
from portal import create_app
from portal.extensions import cache, db, limiter

pytest_plugins = [
    "tests.fixtures.accounts", "tests.fixtures.contacts", "tests.fixtures.mail",
    "tests.fixtures.reports", "tests.fixtures.shared",
]

PG_URL = os.environ.get("DATABASE_URL_TEST", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_ALL = os.environ.get("PORTAL_REQUIRE_ALL_BACKENDS") == "1"


def require(reason: str):
    """Skip for a missing local service, or fail when CI promised every backend."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_ALL_BACKENDS=1)")
    pytest.skip(reason)


def postgres_reachable() -> str | None:
    """Return why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = sa.create_engine(database_url(PG_URL), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means unreachable
        return f"PostgreSQL is unreachable at {PG_URL}: {type(error).__name__}"
    return None


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session ignores ``bind`` and picks the engine; this one keeps it."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind


class IsolatedClient(FlaskClient):
    """Run each request in an empty context, as a real server would.

    Without this a request made while the test holds an application context would reuse it,
    sharing ``g`` (and the chosen locale) between requests.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request) -> str:
    if request.param == "postgresql":
        reason = postgres_reachable()
        if reason:
            require(reason)
    return request.param


class FreshDatabases:
    """Empty databases for tests that need real commits from several processes."""

    def __init__(self, backend: str, tmp: Path):
        self.backend = backend
        self.tmp = tmp
        self.created: list[str] = []

    def new(self) -> str:
        name = f"portal_{uuid.uuid4().hex[:10]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / (name + '.sqlite3')}"
        admin = sa.create_engine(database_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        url = sa.engine.make_url(database_url(PG_URL)).set(database=name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = sa.create_engine(database_url(PG_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def fresh_databases(backend, tmp_path_factory):
    databases = FreshDatabases(backend, tmp_path_factory.mktemp(f"fresh-{backend}"))
    yield databases
    databases.drop_all()


def make_app(url: str, tmp: Path, **overrides):
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=url,
        MAIL_FILE_DIR=str(tmp / "mail"),
        STORAGE_DIR=str(tmp / "storage"),
        **overrides,
    )
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture(scope="session")
def app(backend, fresh_databases, tmp_path_factory):
    """One application and schema per backend for the whole session."""
    url = fresh_databases.new()
    app = make_app(url, tmp_path_factory.mktemp(f"app-{backend}"))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run the test in a transaction rolled back at its end; nothing leaks between tests."""
    if "no_transaction" in request.keywords:
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": BoundSession,
            }
        )
        limiter.reset()
        cache.clear()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a ``with count_queries() as counter:`` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return counting
