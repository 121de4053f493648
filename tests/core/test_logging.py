"""Logs carry what an operator needs and no secrets: no bound values, no mailed tokens."""

import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from portal.accounts.models import User
from portal.extensions import db
from portal.logredact import redact
from portal.security import security_event

ROOT = Path(__file__).resolve().parents[2]


def test_a_failed_statement_logs_no_bound_values(app, client, create_user, monkeypatch,
                                                 caplog):
    taken = create_user(email="taken@example.org")
    secret_hash = "$argon2id$v=19$m=65536,t=3,p=4$SECRETSALT$SECRETHASHVALUE"

    def duplicate_insert():
        db.session.add(User(name="Secret Name", email=taken.email, password_hash=secret_hash))
        db.session.flush()  # violates the unique address: an IntegrityError

    monkeypatch.setitem(app.view_functions, "pages.home", duplicate_insert)
    with caplog.at_level(logging.DEBUG):
        response = client.get("/en/")
    assert response.status_code == 500
    logged = caplog.text  # as the log handler writes it, tracebacks included
    assert "IntegrityError" in logged  # the failure itself is logged...
    for secret in (secret_hash, "Secret Name", taken.email):
        assert secret not in logged  # ...without the values it was given


def test_security_events_are_one_line_each_whatever_was_typed(caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        security_event("signin.failed", user_id=None, note="a\nevent=forged user=1")
    [record] = [r for r in caplog.records if r.name == "portal.security"]
    line = record.getMessage()
    assert "\n" not in line
    assert line.startswith("event=signin.failed user=- ")
    assert 'note="a\\nevent=forged user=1"' in line


@pytest.mark.parametrize(("line", "expected"), [
    ("GET /en/reset/eyJ1IjoxLCJlIjoiYUBiLmMifQ.Z0abcd.AbCdEfGhIjKlMnOpQrStUvWx HTTP/1.1",
     "GET /en/reset/[redacted] HTTP/1.1"),
    ("POST /vi/confirm/eyJ1IjoxfQ.Zz.abcdefghijklmnopqrstuvwxyz HTTP/1.1",
     "POST /vi/confirm/[redacted] HTTP/1.1"),
    ("GET /ja/account/email/eyJ1Ijo1LCJlIjoieEB5LnoifQ.aGVsbG8.c2lnbmF0dXJl HTTP/1.1",
     "GET /ja/account/email/[redacted] HTTP/1.1"),
    ("GET /en/staff/users/12?page=2 HTTP/1.1", "GET /en/staff/users/12?page=2 HTTP/1.1"),
    ("GET /static/portal.css HTTP/1.1", "GET /static/portal.css HTTP/1.1"),
    ("GET /open311/v2/requests.json?status=open&api_key=o311_abc HTTP/1.1",
     "GET /open311/v2/requests.json?status=open&api_key=[redacted] HTTP/1.1"),
])
def test_tokens_are_redacted_from_request_lines(line, expected):
    assert redact(line) == expected


@pytest.mark.slow
@pytest.mark.no_transaction
def test_gunicorn_access_log_holds_no_mailed_tokens(fresh_databases, tmp_path):
    """Serve through the deployment's gunicorn settings and read the real access log."""
    from tests.fixtures.mail import free_port

    port = free_port()
    env = {
        **os.environ,
        "PORTAL_INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": fresh_databases.new(),
        "SECRET_KEY": "access-log-test",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    log_path = tmp_path / "access.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
             "portal:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        token = "eyJ1IjoxLCJlIjoiYUBiLmMiLCJwIjoiYWJjIn0.Z0abcd.AbCdEfGhIjKlMnOpQrStUvWx"
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/livez", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        for path in (f"/en/reset/{token}", f"/en/confirm/{token}"):
            try:
                urllib.request.urlopen(url + path, timeout=5)  # noqa: S310 - loopback
            except urllib.error.HTTPError as error:
                assert error.code in (400, 500)  # no schema here: the answer does not matter
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    text = log_path.read_text()
    assert re.search(r'"GET /en/reset/\[redacted\] HTTP/1.1" \d{3}', text), text
    assert re.search(r'"GET /en/confirm/\[redacted\] HTTP/1.1" \d{3}', text), text
    assert token not in text
