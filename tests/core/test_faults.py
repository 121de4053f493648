"""With the database gone, pages that need it answer the portal's own 503; the rest still serve.

On SQLite the database file becomes impossible to open (its folder moves away); on PostgreSQL
the database refuses connections and the open ones are cut. When it comes back, the next
request works.
"""

import contextlib
import shutil
import uuid

import pytest
import sqlalchemy as sa

from config import database_url
from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.columns import utcnow
from portal.extensions import db
from tests.conftest import PG_URL, make_app
from tests.support.http import PASSWORD, csrf_token, sign_in
from tests.support.i18n import translated

pytestmark = pytest.mark.no_transaction


class SQLiteOutage:
    def __init__(self, tmp_path):
        self.home = tmp_path / "db"
        self.away = tmp_path / "db-away"
        self.home.mkdir()
        self.url = f"sqlite:///{self.home / 'portal.sqlite3'}"

    def cut(self, app):
        with app.app_context():
            db.engine.dispose()
        self.home.rename(self.away)

    def restore(self, app):
        self.away.rename(self.home)

    def close(self):
        shutil.rmtree(self.away, ignore_errors=True)


class PostgresOutage:
    def __init__(self, fresh_databases):
        self.url = fresh_databases.new()
        self.name = sa.engine.make_url(self.url).database
        self.admin = sa.create_engine(database_url(PG_URL), isolation_level="AUTOCOMMIT")

    def _run(self, sql: str):
        with self.admin.connect() as connection:
            connection.execute(sa.text(sql))

    def cut(self, app):
        # No new connections, and the ones the app holds in its pool are killed.
        self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false')
        self._run(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "  # noqa: S608
                  f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()")

    def restore(self, app):
        self._run(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true')

    def close(self):
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            self.restore(None)
        self.admin.dispose()


@pytest.fixture
def outage(backend, fresh_databases, tmp_path):
    outage = SQLiteOutage(tmp_path) if backend == "sqlite" else PostgresOutage(fresh_databases)
    yield outage
    outage.close()


@pytest.fixture
def outage_app(outage, tmp_path):
    app = make_app(outage.url, tmp_path)
    with app.app_context():
        db.create_all()
        db.session.add(User(name="Kim Staff", email=f"staff-{uuid.uuid4().hex[:8]}@seoul.example",
                            locale="ko", role=Role.staff, password_hash=hash_password(PASSWORD),
                            confirmed_at=utcnow()))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_pages_that_need_the_database_answer_503_and_recover(outage, outage_app):
    app = outage_app
    with app.app_context():
        email = db.session.scalar(sa.select(User.email))
    signed_in = app.test_client()
    assert sign_in(signed_in, email, lang="ko").status_code == 302
    visitor = app.test_client()
    token = csrf_token(visitor, "/ko/login")

    outage.cut(app)
    try:
        for path in ("/ko/staff/", "/ko/account/", "/ko/"):
            response = signed_in.get(path)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"].isdigit()
            html = response.get_data(as_text=True)
            assert '<html lang="ko">' in html
            assert translated(app, "ko", "The service is temporarily unavailable") in html
            assert response.headers["X-Request-ID"] in html
        # Signing in needs the database: the same page, not a crash.
        response = visitor.post("/ko/login", data={"csrf_token": token, "email": email,
                                                   "password": PASSWORD})
        assert response.status_code == 503
        assert visitor.get("/healthz").status_code == 503
        # What needs no database keeps serving: public pages for visitors, health, files.
        assert visitor.get("/livez").status_code == 200
        assert visitor.get("/ko/").status_code == 200
        assert visitor.get("/ko/login").status_code == 200
        static = visitor.get("/static/portal.css")
        assert static.status_code == 200
        static.close()
    finally:
        outage.restore(app)

    assert signed_in.get("/ko/staff/").status_code == 200
    assert visitor.get("/healthz").status_code == 200
