"""Security headers, CSRF, cookies, no inline script."""

from pathlib import Path

import pytest

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.columns import utcnow
from portal.extensions import db
from tests.support.http import CSRF_RE, PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_security_headers(client):
    response = client.get("/en/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_style_attributes():
    for path in TEMPLATES.rglob("*.html"):
        if "mail" in path.parts:
            continue  # mail is read in mail clients, not under the site's CSP
        text = path.read_text()
        assert "<script>" not in text and "<script " not in text.replace('<script src', ''), path
        assert " style=" not in text and " onclick=" not in text, path


def test_no_asset_is_fetched_from_another_site(client):
    html = client.get("/en/").get_data(as_text=True)
    assert "http://" not in html.replace('http://localhost', '')
    assert "https://" not in html


def test_personal_pages_are_not_cached(client, login, resident):
    login(resident)
    assert client.get("/en/account/").headers["Cache-Control"] == "no-store"


def test_production_config_refuses_to_start_without_a_secret(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from portal import create_app

        create_app(ProductionConfig)


@pytest.mark.no_transaction
def test_production_cookies_are_host_only_secure_and_http_only(monkeypatch, fresh_databases,
                                                               tmp_path):
    from config import ProductionConfig
    from portal import create_app

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "production-test-key")
    app = create_app(
        ProductionConfig, SQLALCHEMY_DATABASE_URI=fresh_databases.new(), MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(tmp_path / "mail"), RATELIMIT_STORAGE_URI="memory://",
    )
    with app.app_context():
        db.create_all()
        db.session.add(User(name="Prod", email="prod@example.org", locale="en",
                            password_hash=hash_password(PASSWORD), confirmed_at=utcnow()))
        db.session.commit()
    try:
        client = app.test_client()
        page = client.get("https://localhost/en/login")
        token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
        response = client.post(
            "https://localhost/en/login",
            data={"csrf_token": token, "email": "prod@example.org", "password": PASSWORD,
                  "remember": "y"},
            # Over HTTPS the CSRF check also wants the form to come from this site.
            headers={"Referer": "https://localhost/en/login"},
        )
        assert response.status_code == 302
        cookies = {
            header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")
        }
        assert set(cookies) >= {"__Host-session", "__Host-remember"}
        for header in (cookies["__Host-session"], cookies["__Host-remember"]):
            attributes = [part.strip().lower() for part in header.split(";")[1:]]
            assert "secure" in attributes and "httponly" in attributes
            assert "path=/" in attributes
            assert not any(attribute.startswith("domain=") for attribute in attributes)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


def test_static_files_do_not_look_up_the_session(client, login, resident, count_queries):
    login(resident)
    with count_queries() as statements:
        response = client.get("/static/portal.css")
        response.close()
    assert response.status_code == 200
    assert statements == []


def test_static_links_name_their_content_and_are_cached_a_year(app, client, tmp_path):
    import re

    from portal.assets import digest

    html = client.get("/en/").get_data(as_text=True)
    link = re.search(r'href="(/static/portal\.css\?v=(\w+))"', html)
    assert link and link.group(2) == digest("portal.css")
    named = client.get(link.group(1))
    assert named.status_code == 200
    assert named.cache_control.max_age == 365 * 24 * 3600 and named.cache_control.immutable
    assert named.cache_control.public and not named.cache_control.no_cache
    assert named.headers["X-Content-Type-Options"] == "nosniff"  # the security headers stay
    named.close()
    # Without the digest, or with an older file's, the browser asks again (ETag).
    for url in ("/static/portal.css", "/static/portal.css?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cache_control.immutable and response.cache_control.max_age is None
        response.close()
    # A changed file has another digest: the old link is no longer cached a year.
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.css").write_text("p { color: red; }")
    app.static_folder = str(static)
    try:
        with app.test_request_context("/en/"):
            before = digest("a.css")
            (static / "a.css").write_text("p { color: blue; }")
            after = digest("a.css")
            assert before != after and digest("../portal.css") is None
        stale = client.get(f"/static/a.css?v={before}")
        stale.close()
        assert stale.status_code == 200 and not stale.cache_control.immutable
        current = client.get(f"/static/a.css?v={after}")
        current.close()
        assert current.cache_control.immutable
    finally:
        app.static_folder = "static"


def test_the_proxy_count_decides_whose_address_is_used(tmp_path):
    from tests.conftest import make_app

    app = make_app("sqlite://", tmp_path, TRUSTED_PROXIES=1)
    seen = {}

    @app.get("/probe-remote-addr")
    def probe():
        from flask import request

        seen["addr"] = request.remote_addr
        return "ok"

    app.test_client().get("/probe-remote-addr", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == "203.0.113.9"


def test_the_session_serializer_is_made_once_and_follows_key_changes(app, monkeypatch):
    """The cookie's serializer is kept between requests, and made anew when the keys change:
    a cookie signed with a retired key works only while the key is among the fallbacks."""
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    cookie = first.dumps({"k": "v"})
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key")
    monkeypatch.setattr(app, "secret_key", "a-new-key")
    rotated = interface.get_signing_serializer(app)
    assert rotated is not first
    with pytest.raises(Exception, match="Signature"):
        rotated.loads(cookie)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [first.secret_key.decode()])
    assert interface.get_signing_serializer(app).loads(cookie) == {"k": "v"}


def test_a_security_header_a_response_sets_itself_is_kept(app, monkeypatch):
    """The defaults only fill in what a response left out, once each, HSTS when configured."""
    from flask import Response

    monkeypatch.setitem(app.config, "HSTS", True)
    with app.test_request_context("/en/"):
        response = Response("x", headers={"x-frame-options": "SAMEORIGIN"})
        response = app.process_response(response)
    headers = response.headers
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
