"""Security headers, CSRF, cookies, no inline script."""

from pathlib import Path

import pytest

from tests.support.http import PASSWORD

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


@pytest.mark.parametrize("url", ["/en/login", "/en/register", "/en/reset"])
def test_forms_without_a_csrf_token_are_refused(client, url, resident):
    response = client.post(url, data={"email": resident.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "<h1>" in response.get_data(as_text=True)


def test_personal_pages_are_not_cached(client, login, resident):
    login(resident)
    assert client.get("/en/account/").headers["Cache-Control"] == "no-store"


def test_production_config_refuses_to_start_without_a_secret(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from portal import create_app

        create_app(ProductionConfig)


def test_production_cookies_are_secure(monkeypatch):
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.HSTS is True


def test_static_files_do_not_look_up_the_session(client, login, resident, count_queries):
    login(resident)
    with count_queries() as statements:
        response = client.get("/static/portal.css")
        response.close()
    assert response.status_code == 200
    assert statements == []


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
