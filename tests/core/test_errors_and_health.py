"""The site's own error pages, the 500 path, and the health checks."""

import logging

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.errors import Conflict, PermissionDenied
from portal.extensions import db
from tests.conftest import make_app
from tests.support.i18n import translated


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_404_is_the_sites_own_page_in_its_language(client, lang):
    response = client.get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'lang="{ {"en": "en", "ko": "ko", "ja": "ja"}[lang]}"' in html
    assert response.headers["X-Request-ID"] in html


def test_a_500_rolls_back_logs_and_shows_a_request_id(app, client, monkeypatch, caplog):
    def broken_home():
        db.session.add(User(name="Half", email="half@example.org", password_hash="x"))
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "pages.home", broken_home)
    with caplog.at_level(logging.ERROR):
        response = client.get("/vi/")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    html = response.get_data(as_text=True)
    assert request_id in html
    assert 'lang="vi"' in html
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)
    # Every record written during the request carries its id, for the log format.
    assert all(r.request_id == request_id for r in caplog.records if r.name.startswith("portal"))
    assert db.session.scalar(sa.select(User).where(User.email == "half@example.org")) is None


def test_a_request_id_from_a_trusted_proxy_is_kept(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    response = client.get("/en/", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] == "abc123def456"
    bad = client.get("/en/", headers={"X-Request-ID": "<script>"})
    assert bad.headers["X-Request-ID"] != "<script>"


def test_a_request_id_from_the_client_is_ignored_without_a_proxy(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    response = client.get("/en/", headers={"X-Request-ID": "abc123def456"})
    assert response.headers["X-Request-ID"] != "abc123def456"
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_too_large_upload_gets_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/en/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "<h1>" in response.get_data(as_text=True)


def test_wrong_method_gets_the_sites_405(client):
    response = client.get("/en/logout")
    assert response.status_code == 405
    assert "<h1>" in response.get_data(as_text=True)


def test_healthz_answers_200_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.no_transaction  # the rollback wrapper would lend this app its own connection
def test_healthz_answers_503_without_the_database(tmp_path):
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/none", tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_livez_touches_nothing(client, count_queries):
    with count_queries() as statements:
        assert client.get("/livez").status_code == 200
    assert statements == []


@pytest.mark.parametrize(("error", "code", "title"), [
    (PermissionDenied("no"), 403, "You do not have access to this page"),
    (Conflict("taken"), 409, "This could not be done"),
])
def test_domain_errors_become_the_sites_own_pages(app, client, monkeypatch, error, code, title):
    def refusing_home():
        db.session.add(User(name="Half", email="half@example.org", password_hash="x"))
        db.session.flush()
        raise error

    monkeypatch.setitem(app.view_functions, "pages.home", refusing_home)
    response = client.get("/ja/")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert translated(app, "ja", title) in html and translated(app, "ja", title) != title
    # A conflict rolls back whatever the request had begun.
    assert db.session.scalar(sa.select(User).where(User.email == "half@example.org")) is None


@pytest.mark.parametrize("path", ["/vi/no-such-page", "/vi/account/nothing-here"])
def test_an_error_page_speaks_the_language_of_its_address(client, path):
    response = client.get(path, headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert '<span lang="vi" aria-current="true">' in html  # the switcher marks Vietnamese
    assert 'href="/vi/"' in html  # and the way home stays in Vietnamese
    assert translated(client.application, "vi", "Page not found") in html


def test_the_address_language_wins_over_the_account_language(client, login, staff_user):
    assert staff_user.locale == "ko"
    login(staff_user)
    for response in (client.get("/en/no-such-page"), client.get("/en/logout")):
        html = response.get_data(as_text=True)
        assert '<html lang="en">' in html
        assert "Page not found" in html or "This action is not allowed here" in html


def test_an_error_page_outside_any_language_follows_the_visitor(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert translated(client.application, "ja", "Page not found") in html
