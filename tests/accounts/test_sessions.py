"""Signing in and out, server-side sessions, remember-me, idle staff, rate limits."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import AuthSession, Role
from portal.accounts.sessions import SEEN_KEY
from portal.extensions import db
from tests.support.http import PASSWORD, sign_in, submit


def test_sign_in_and_out(client, resident):
    response = sign_in(client, resident.email)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/")
    assert client.get("/en/account/").status_code == 200
    response = submit(client, "/en/logout", page="/en/account/")
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 302


def test_logout_only_accepts_post(client, resident):
    sign_in(client, resident.email)
    assert client.get("/en/logout").status_code == 405
    assert client.get("/en/account/").status_code == 200


def test_email_is_matched_case_insensitively(client, create_user):
    create_user(email="mixed@example.org")
    assert sign_in(client, "  MIXED@Example.org ").status_code == 302


@pytest.mark.parametrize("email", ["nobody@example.org", "resident"])
def test_wrong_credentials_get_one_message_whether_or_not_the_account_exists(
    client, resident, email
):
    email = resident.email if email == "resident" else email
    response = sign_in(client, email, "wrong-password-123")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The email address or password is not correct." in html
    assert 'value="' + email + '"' in html  # the address typed is kept
    assert "wrong-password-123" not in html


def test_a_copied_session_cookie_stops_working_after_sign_out(app, client, resident):
    sign_in(client, resident.email)
    stolen = client.get_cookie("session").value
    submit(client, "/en/logout", page="/en/account/")
    thief = app.test_client()
    thief.set_cookie("session", stolen, domain="localhost")
    response = thief.get("/en/account/")
    assert response.status_code == 302
    assert "/en/login" in response.headers["Location"]
    revoked = db.session.scalar(sa.select(AuthSession))
    assert revoked.revoked_at is not None


def test_the_session_is_renewed_at_sign_in(client, resident):
    client.get("/en/login")
    before = client.get_cookie("session").value
    sign_in(client, resident.email)
    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "_user_id" in session and session["_user_id"] != str(resident.id)


def test_session_cookie_flags(client, resident):
    response = sign_in(client, resident.email)
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_remember_me_lasts_thirty_days_at_most(client, resident):
    response = sign_in(client, resident.email, remember="y")
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert cookie and "HttpOnly" in cookie[0]
    row = db.session.scalar(sa.select(AuthSession))
    assert row.remember is True
    lifetime = row.expires_at - row.created_at
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_remember_me_restores_the_session_after_the_browser_closes(app, client, resident):
    sign_in(client, resident.email, remember="y")
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember, domain="localhost")
    assert fresh.get("/en/account/").status_code == 200


def test_an_expired_session_is_refused(client, resident):
    sign_in(client, resident.email)
    row = db.session.scalar(sa.select(AuthSession))
    row.expires_at = row.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/en/account/").status_code == 302


def test_staff_sessions_end_after_thirty_idle_minutes(client, staff_user):
    sign_in(client, staff_user.email)
    assert client.get("/en/staff/").status_code == 200
    with client.session_transaction() as session:
        session[SEEN_KEY] = int(time.time()) - 29 * 60
    assert client.get("/en/staff/").status_code == 200  # still within the limit, and refreshed
    with client.session_transaction() as session:
        session[SEEN_KEY] = int(time.time()) - 31 * 60
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert "/en/login" in response.headers["Location"]


def test_staff_cannot_be_remembered(client, staff_user):
    response = sign_in(client, staff_user.email, remember="y")
    assert not [c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c]
    assert db.session.scalar(sa.select(AuthSession.remember)) is False


def test_residents_are_not_signed_out_for_idling(client, resident):
    sign_in(client, resident.email)
    with client.session_transaction() as session:
        session[SEEN_KEY] = int(time.time()) - 5 * 3600
    assert client.get("/en/account/").status_code == 200


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/en/account/profile", "/en/account/profile"),
        ("https://evil.example/phish", "/en/account/"),
        ("//evil.example/phish", "/en/account/"),
        ("/\\evil.example", "/en/account/"),
        ("javascript:alert(1)", "/en/account/"),
    ],
)
def test_next_only_redirects_within_the_site(client, resident, next_url, expected):
    response = submit(
        client,
        f"/en/login?next={next_url}",
        {"email": resident.email, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_visitors_are_sent_to_sign_in_and_back(client, resident):
    response = client.get("/ja/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ja/login?next=/ja/account/profile"
    response = submit(
        client,
        "/ja/login?next=/ja/account/profile",
        {"email": resident.email, "password": PASSWORD, "next": "/ja/account/profile"},
    )
    assert response.headers["Location"] == "/ja/account/profile"


def test_staff_land_on_the_staff_desk(client, staff_user):
    response = sign_in(client, staff_user.email)
    assert response.headers["Location"].endswith("/en/staff/")


def test_repeated_wrong_passwords_slow_the_account_down(app, client, resident):
    free = app.config["SIGNIN_THROTTLE"]["free"]
    for _ in range(free):
        assert sign_in(client, resident.email, "wrong-password-1").status_code == 200
    # The next failure makes the following attempt wait, even with the right password...
    assert sign_in(client, resident.email, "wrong-password-1").status_code == 200
    response = sign_in(client, resident.email, PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    # ...and the form stays on screen with the address typed.
    assert f'value="{resident.email}"' in response.get_data(as_text=True)
    # Another account from the same address is not slowed by this one's failures.
    other = sign_in(client, "someone-else@example.org", "wrong-password-1")
    assert other.status_code == 200


def test_sign_in_is_rate_limited_per_ip(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "3 per minute")
    for n in range(3):
        assert sign_in(client, f"user{n}@example.org", "wrong-password-1").status_code == 200
    assert sign_in(client, "user9@example.org", "wrong-password-1").status_code == 429


def test_rate_limited_page_is_the_sites_own_and_translated(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "1 per minute")
    sign_in(client, "a@example.org", "wrong-password-1", lang="ko")
    response = sign_in(client, "a@example.org", "wrong-password-1", lang="ko")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert '<html lang="ko">' in html
    assert "Retry-After" in response.headers or "X-RateLimit-Reset" in response.headers


def test_deleted_accounts_cannot_sign_in(client, create_user):
    user = create_user()
    user.deleted_at = user.created_at
    db.session.commit()
    assert sign_in(client, user.email).status_code == 200


def test_roles_are_stored_by_name(create_user):
    create_user(role=Role.admin)
    assert db.session.scalar(sa.text("SELECT role FROM users")) == "admin"


def test_the_session_list_reads_rows_and_sees_changes_not_yet_flushed(app, create_user):
    """active_sessions reads plain rows past the ORM (database.read), after an autoflush."""
    from portal.accounts.sessions import active_sessions, is_current
    from portal.columns import utcnow

    user = create_user()
    now = utcnow()
    db.session.add_all([
        AuthSession(token_hash="a" * 64, user=user, created_at=now - timedelta(hours=2),
                    expires_at=now + timedelta(hours=1), user_agent="Firefox"),
        AuthSession(token_hash="b" * 64, user=user, created_at=now - timedelta(hours=1),
                    expires_at=now + timedelta(hours=1)),
        AuthSession(token_hash="c" * 64, user=user, expires_at=now - timedelta(seconds=1)),
        AuthSession(token_hash="d" * 64, user=user, expires_at=now + timedelta(hours=1),
                    revoked_at=now),
    ])
    with app.test_request_context():
        rows = active_sessions(user)  # the rows above are still pending: flushed first
    assert [row.token_hash for row in rows] == ["b" * 64, "a" * 64]
    assert rows[1].user_agent == "Firefox" and rows[1].created_at.tzinfo is not None
    user.session_token = "x"
    assert not is_current(user, rows[0])
