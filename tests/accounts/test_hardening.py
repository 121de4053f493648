"""What probing a running copy found: throttles, hostile names, links, sessions, passwords.

Each test here failed on the foundation as it landed.
"""

import logging
import time

import pytest
import sqlalchemy as sa

from portal.accounts.models import AuthSession, User
from portal.audit import AuditLog
from portal.extensions import db
from tests.accounts.test_registration import GOOD, register
from tests.support.http import PASSWORD, csrf_token, sign_in, submit

NEW_PASSWORD = "harbour-kimchi-93"  # noqa: S105


class Clock:
    """Moves ``time.time`` forward for the throttles and the idle clock."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(time, "time", lambda: real() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


# Ways of typing maria.santos@example.ph that all normalise to it.
SPELLINGS = [
    "maria.santos@example.ｐｈ",  # full-width letters
    "maria.santos@example。ph",  # an ideographic full stop
    "MARIA.SANTOS@EXAMPLE.PH",
    "ｍａｒｉａ.santos@example.ph",
    " maria.santos@example.ph ",
    "Maria.Santos@Example.Ph",
]


@pytest.fixture
def maria(create_user):
    return create_user(email="maria.santos@example.ph", name="Maria Santos")


def test_sign_in_failures_count_against_the_normalised_address(app, client, maria):
    free = app.config["SIGNIN_THROTTLE"]["free"]
    for spelling in SPELLINGS[: free + 1]:
        assert sign_in(client, spelling, "wrong-password-1").status_code == 200
    # Every spelling counted for the one account: now it must wait, in any spelling.
    assert sign_in(client, SPELLINGS[-1], PASSWORD).status_code == 429


def test_a_full_width_address_signs_in(client, maria):
    assert sign_in(client, "ｍａｒｉａ.santos＠example.ph", PASSWORD).status_code == 302


def test_reset_requests_count_against_the_normalised_address(app, client, maria):
    limit = int(app.config["RESET_LIMIT_PER_ACCOUNT"].split()[0])
    for spelling in SPELLINGS[:limit]:
        assert submit(client, "/en/reset", {"email": spelling}).status_code == 302
    assert submit(client, "/en/reset", {"email": SPELLINGS[limit]}).status_code == 429


def test_wrong_passwords_slow_the_owner_down_for_seconds_not_an_hour(app, client, maria,
                                                                      monkeypatch):
    clock = Clock(monkeypatch)
    # Only the per-account throttle is measured here; the per-address limit has its own test.
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "1000 per minute")
    settings = app.config["SIGNIN_THROTTLE"]
    waits = []
    for _ in range(25):
        response = sign_in(client, maria.email, "wrong-password-1")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            clock.advance(waits[-1])
    # An attacker with 25 guesses got a growing wait, never more than the cap...
    assert waits and max(waits) <= settings["cap"]
    assert waits == sorted(waits)
    # ...and the owner is in once the current wait is over.
    clock.advance(settings["cap"])
    assert sign_in(client, maria.email, PASSWORD).status_code == 302


def test_the_wait_is_told_in_the_page_language_with_the_form_kept(app, client, maria):
    for _ in range(app.config["SIGNIN_THROTTLE"]["free"] + 1):
        sign_in(client, maria.email, "wrong-password-1", lang="ja")
    response = sign_in(client, maria.email, PASSWORD, lang="ja")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert 'value="maria.santos@example.ph"' in html
    assert "秒" in html  # "in N seconds", in Japanese


CURRENT_PASSWORD_FORMS = [
    ("/en/account/password", "current_password",
     {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}),
    ("/en/account/email", "password", {"new_email": "elsewhere@example.org"}),
    ("/en/account/delete", "password", {"understood": "y"}),
]


@pytest.mark.parametrize(("url", "field", "rest"), CURRENT_PASSWORD_FORMS)
def test_current_password_checks_are_throttled_per_user(app, client, login, resident,
                                                        create_user, monkeypatch, url, field,
                                                        rest):
    # Only the password throttle is measured here, not the limit on address-change mails.
    monkeypatch.setitem(app.config, "EMAIL_CHANGE_LIMIT_PER_USER", "100 per hour")
    login(resident)
    free = app.config["PASSWORD_CHECK_THROTTLE"]["free"]
    statuses = [submit(client, url, {field: f"guess-number-{n}", **rest}).status_code
                for n in range(free + 1)]
    assert statuses == [200] * (free + 1)
    # The next try waits, even with the right password; nothing was changed.
    response = submit(client, url, {field: PASSWORD, **rest})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    db.session.refresh(resident)
    assert resident.deleted_at is None
    # Another person is not slowed by these failures.
    other = create_user()
    other_client = app.test_client()
    sign_in(other_client, other.email)
    assert submit(other_client, url, {field: "wrong-guess-1", **rest}).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "Misaki\r\nYour residence permit is suspended",
        "Misaki\nVerify at http://evil.example",
        "Misaki\u202egnp.exe",  # right-to-left override
        "Mi\u200bsaki",  # zero-width space
        "Mi\x00saki",
        "Misaki\u2028Sato",  # line separator
    ],
)
def test_names_with_control_or_format_characters_are_refused(client, outbox, name):
    response = register(client, name=name)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="name-error"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert outbox() == []


@pytest.mark.parametrize("name", ["Nguyễn Thị Lan", "佐藤 美咲", "김서연", "Zoë O'Brien-Ávila",
                                  "محمد", "आशा"])
def test_names_in_any_script_are_accepted(client, name):
    assert register(client, name=name).status_code == 302


def test_mail_to_an_unconfirmed_address_greets_nobody_by_name(client, outbox):
    register(client, name="Your permit is suspended, verify at evil dot example")
    [mail] = outbox("lan.nguyen@example.vn")
    assert "permit" not in mail.text and "permit" not in mail.html


def test_the_owner_of_a_taken_address_is_greeted_only_once_confirmed(client, outbox,
                                                                     create_user):
    create_user(email="lan.nguyen@example.vn", name="Typed By A Stranger", confirmed=False)
    register(client)
    [warning] = outbox("lan.nguyen@example.vn")
    assert "Typed By A Stranger" not in warning.text


def test_a_reset_link_dies_when_the_address_changes(client, login, resident, outbox):
    submit(client, "/en/reset", {"email": resident.email})
    old_mail = outbox(resident.email)[-1]
    reset_path = old_mail.text.split("http://localhost", 1)[1].split()[0]
    login(resident)
    submit(client, "/en/account/email",
           {"new_email": "new-home@example.org", "password": PASSWORD})
    change = outbox("new-home@example.org")[-1]
    change_path = change.text.split("http://localhost", 1)[1].split()[0]
    assert submit(client, change_path).status_code == 302
    client.post("/en/logout", data={"csrf_token": csrf_token(client, "/en/account/")})
    # The link in the old mailbox no longer opens anything.
    assert client.get(reset_path).status_code == 400


@pytest.mark.parametrize(("password", "ok"), [
    ("kimchi-river", True),  # 12 characters
    ("kimchi-rive", False),  # 11
    ("k" * 64 + "-harbour-" + "x" * 55, True),  # 128
    ("k" * 64 + "-harbour-" + "x" * 56, False),  # 129
])
def test_passwords_are_12_to_128_characters(client, password, ok):
    response = register(client, password=password, password_again=password)
    assert (response.status_code == 302) is ok
    if not ok:
        assert 'id="password-error"' in response.get_data(as_text=True)


def test_security_events_are_logged_with_user_and_address(client, resident, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        sign_in(client, resident.email, "wrong-password-1")
        sign_in(client, resident.email)
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert any(line.startswith("event=signin.failed ") and f"user={resident.id}" in line
               and "ip=127.0.0.1" in line for line in lines)
    assert any(line.startswith("event=signin.succeeded ") and f"user={resident.id}" in line
               for line in lines)
    assert all(resident.email not in line and PASSWORD not in line for line in lines)


def test_staff_sign_ins_and_refused_staff_pages_reach_the_audit_log(client, login, resident,
                                                                     staff_user):
    sign_in(client, staff_user.email, "wrong-password-1")
    login(staff_user)
    client.post("/en/logout", data={"csrf_token": csrf_token(client, "/en/staff/")})
    login(resident)
    assert client.get("/en/staff/users").status_code == 403
    actions = db.session.execute(
        sa.select(AuditLog.action, AuditLog.actor_id).order_by(AuditLog.id)
    ).all()
    assert ("signin.failed", staff_user.id) in actions
    assert ("signin.succeeded", staff_user.id) in actions
    assert ("staff.access_refused", resident.id) in actions
    # A resident's own sign-in is logged, not audited.
    assert ("signin.succeeded", resident.id) not in actions


def test_resident_sessions_end_after_the_idle_timeout(app, client, login, resident,
                                                      monkeypatch):
    clock = Clock(monkeypatch)
    login(resident)
    idle = app.config["IDLE_TIMEOUT"].total_seconds()
    clock.advance(idle - 120)
    assert client.get("/en/account/").status_code == 200  # and the clock starts again
    clock.advance(idle - 120)
    assert client.get("/en/account/").status_code == 200
    clock.advance(idle + 1)
    response = client.get("/en/account/")
    assert response.status_code == 302
    assert "/en/login" in response.headers["Location"]


def test_remembered_sessions_do_not_idle_out(app, client, login, resident, monkeypatch):
    clock = Clock(monkeypatch)
    login(resident, remember="y")
    clock.advance(app.config["IDLE_TIMEOUT"].total_seconds() * 2)
    assert client.get("/en/account/").status_code == 200


def test_the_account_page_lists_sessions_and_signs_out_the_others(app, client, login,
                                                                  resident):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
    )
    sign_in(phone, resident.email)
    login(resident)
    html = client.get("/en/account/").get_data(as_text=True)
    assert "Mobile Safari on iOS" in html
    assert "(this device)" in html
    response = submit(client, "/en/account/sessions/others", page="/en/account/")
    assert response.status_code == 302
    assert phone.get("/en/account/").status_code == 302  # signed out
    assert client.get("/en/account/").status_code == 200  # still signed in here
    alive = db.session.scalar(
        sa.select(sa.func.count()).where(AuthSession.user_id == resident.id,
                                         AuthSession.revoked_at.is_(None))
    )
    assert alive == 1


def test_the_device_list_heads_its_dates_as_dates(client, login, resident):
    # "Signed in" is also the audit log's name of the event; the column holds a time.
    login(resident)
    html = client.get("/ko/account/").get_data(as_text=True)
    assert '<th scope="col">로그인 일시</th>' in html


def test_one_device_can_be_signed_out_but_not_someone_elses(app, client, login, resident,
                                                            create_user):
    laptop = app.test_client()
    sign_in(laptop, resident.email)
    stranger = create_user()
    sign_in(app.test_client(), stranger.email)
    login(resident)
    theirs = db.session.scalar(sa.select(AuthSession.id).where(AuthSession.user_id ==
                                                                stranger.id))
    assert submit(client, f"/en/account/sessions/{theirs}/end",
                  page="/en/account/").status_code == 404
    mine = db.session.scalars(
        sa.select(AuthSession.id).where(AuthSession.user_id == resident.id)
        .order_by(AuthSession.id)
    ).first()
    assert submit(client, f"/en/account/sessions/{mine}/end",
                  page="/en/account/").status_code == 302
    assert laptop.get("/en/account/").status_code == 302


def test_registration_keeps_every_field_when_only_the_name_is_refused(client):
    response = register(client, name="Lan\nNguyen")
    html = response.get_data(as_text=True)
    assert f'value="{GOOD["email"]}"' in html


def test_only_registrations_that_pass_their_checks_count_against_the_limit(app, client,
                                                                         monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT_PER_IP", "2 per hour")
    for _ in range(5):  # refused forms do not count
        assert register(client, name="").status_code == 200
    for n in range(2):
        assert register(client, email=f"person{n}@example.org").status_code == 302
    response = register(client, lang="ko", email="third@example.org")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 3000 < wait <= 3600  # the hour's window, not "a few minutes"
    html = response.get_data(as_text=True)
    assert 'value="third@example.org"' in html and 'value="Nguyễn Thị Lan"' in html
    assert "분" in html  # the real wait, in minutes, in Korean


def test_the_sign_in_limit_keeps_the_form_with_the_wait(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_IP", "2 per minute")
    for n in range(2):
        sign_in(client, f"user{n}@example.org", "wrong-password-1")
    response = sign_in(client, "someone@example.org", "wrong-password-1", lang="vi")
    assert response.status_code == 429
    assert 'value="someone@example.org"' in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
