"""Password reset and change, profile, data export and account deletion."""

import json
import re
import time

import itsdangerous
import sqlalchemy as sa

from portal.accounts.models import AuthSession, ConsentPurpose, User
from portal.audit import AuditLog, audit
from portal.contacts.models import Tier
from portal.extensions import db
from tests.support.http import PASSWORD, sign_in, submit
from tests.support.i18n import translated

NEW_PASSWORD = "harbour-kimchi-93"  # noqa: S105


def reset_path(outbox, email) -> str:
    mail = outbox(email)[-1]
    return re.search(r"http://localhost(/\w+/reset/\S+)", mail.text).group(1)


def test_reset_sends_a_link_in_the_users_language(client, create_user, outbox):
    user = create_user(locale="zh")
    response = submit(client, "/en/reset", {"email": user.email.upper()})
    assert response.status_code == 302
    [mail] = outbox(user.email)
    assert mail.locale == "zh"
    assert "/zh/reset/" in mail.text


def test_reset_answers_the_same_for_unknown_addresses(client, resident, outbox):
    known = submit(client, "/en/reset", {"email": resident.email}, follow_redirects=True)
    unknown = submit(client, "/en/reset", {"email": "ghost@example.org"}, follow_redirects=True)
    # Its own page, naming the address typed, the same words whether it has an account.
    assert known.request.path == unknown.request.path == "/en/reset/sent"
    known_html, unknown_html = known.get_data(as_text=True), unknown.get_data(as_text=True)
    assert f"If an account uses {resident.email}, we have sent it a link" in known_html
    assert known_html.replace(resident.email, "ghost@example.org") == unknown_html
    assert outbox("ghost@example.org") == []


def test_the_address_typed_at_sign_in_carries_over_to_the_reset_form(client, resident):
    failed = submit(client, "/en/login", {"email": resident.email, "password": "wrong-one-1"})
    link = re.search(r'href="(/en/reset\?email=[^"]+)"', failed.get_data(as_text=True)).group(1)
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{resident.email}"' in form


def test_the_check_your_email_page_names_the_address_and_sends_again(client, outbox):
    from tests.accounts.test_registration import register

    register(client, email="Lan.Nguyen@Example.VN")
    page = client.get("/en/register/done").get_data(as_text=True)
    assert "lan.nguyen@example.vn" in page
    assert 'href="/en/register"' in page  # wrong address? start again
    assert len(outbox("lan.nguyen@example.vn")) == 1
    response = submit(client, "/en/register/resend", page="/en/register/done")
    assert response.status_code == 302
    assert len(outbox("lan.nguyen@example.vn")) == 2


def test_a_reset_link_works_once(client, resident, outbox):
    submit(client, "/en/reset", {"email": resident.email})
    path = reset_path(outbox, resident.email)
    response = submit(client, path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    assert sign_in(client, resident.email, NEW_PASSWORD).status_code == 302
    again = client.get(path)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_a_reset_signs_out_every_session(app, client, resident, outbox):
    other_device = app.test_client()
    sign_in(other_device, resident.email)
    submit(client, "/en/reset", {"email": resident.email})
    submit(client, reset_path(outbox, resident.email),
           {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert other_device.get("/en/account/").status_code == 302


def test_an_expired_reset_link_says_it_expired(client, resident, outbox, app, monkeypatch):
    submit(client, "/en/reset", {"email": resident.email})
    path = reset_path(outbox, resident.email)
    # An hour and a minute later, by the signer's clock:
    later = time.time() + app.config["RESET_TOKEN_MAX_AGE"] + 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.get(path)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This reset link has expired. Ask for a new one." in html
    assert "already been used or is not valid" not in html


def test_a_tampered_reset_link_says_it_is_not_valid(client, resident, outbox):
    submit(client, "/en/reset", {"email": resident.email})
    response = client.get(reset_path(outbox, resident.email)[:-4] + "AAAA")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This reset link has already been used or is not valid." in html
    assert "has expired" not in html


def test_reset_refuses_a_weak_password_and_keeps_the_link(client, resident, outbox):
    submit(client, "/en/reset", {"email": resident.email})
    path = reset_path(outbox, resident.email)
    response = submit(client, path, {"password": "qwerty", "password_again": "qwerty"})
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_reset_requests_are_rate_limited_per_account(client, resident, app):
    limit = int(app.config["RESET_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(limit):
        assert submit(client, "/en/reset", {"email": resident.email}).status_code == 302
    assert submit(client, "/en/reset", {"email": resident.email}).status_code == 429


def test_change_password_keeps_this_session_and_ends_the_others(app, client, login, resident,
                                                                  outbox):
    other_device = app.test_client()
    sign_in(other_device, resident.email)
    login(resident)
    response = submit(
        client,
        "/en/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
         "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 200
    assert other_device.get("/en/account/").status_code == 302
    assert any("password" in m.subject.lower() for m in outbox(resident.email))


def test_change_password_checks_the_current_one(client, login, resident):
    login(resident)
    response = submit(
        client,
        "/en/account/password",
        {"current_password": "not-my-password", "new_password": NEW_PASSWORD,
         "new_password_again": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="current_password-error"' in response.get_data(as_text=True)


def test_profile_edit_saves_language_and_consents(client, login, resident):
    login(resident)
    page = client.get("/en/account/profile").get_data(as_text=True)
    assert '<option selected value="VN">' in page
    response = submit(
        client,
        "/en/account/profile",
        {"name": "New Name", "locale": "ja", "nationality": "JP", "district": "jongno",
         "claimed_affiliation": "foreign_student", "consent_research": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/ja/account/"
    db.session.refresh(resident)
    assert (resident.name, resident.locale, resident.nationality) == ("New Name", "ja", "JP")
    active = {c.purpose for c in resident.consents if c.withdrawn_at is None}
    assert active == {ConsentPurpose.account, ConsentPurpose.research}


def test_profile_refuses_korean_as_a_residents_language(client, login, resident):
    login(resident)
    response = submit(
        client, "/en/account/profile",
        {"name": "X", "locale": "ko", "nationality": "VN", "district": "mapo"},
    )
    assert response.status_code == 200
    assert 'id="locale-error"' in response.get_data(as_text=True)


def test_export_gives_all_personal_data_as_json(client, login, resident, create_contact):
    create_contact(user=resident, tier=Tier.global_elite)
    login(resident)
    response = client.get("/en/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == resident.email
    assert data["account"]["nationality"] == "VN"
    assert data["consents"][0]["purpose"] == "account"
    assert data["contact"]["tier"] == "global_elite"


def test_delete_erases_personal_data_and_keeps_what_others_rely_on(client, login, resident,
                                                                   create_contact):
    contact = create_contact(user=resident, email="directory@example.org")
    audit("test.action", actor=resident, obj_type="user", obj_id=resident.id)
    db.session.commit()
    login(resident)
    response = submit(client, "/en/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 302
    user = db.session.get(User, resident.id)
    db.session.refresh(user)
    assert user.deleted_at is not None
    assert user.name == "" and user.nationality is None and user.district is None
    assert user.email.endswith("@invalid")
    assert user.consents == []
    # The audit trail still points at the (now anonymous) account.
    assert db.session.scalar(sa.select(AuditLog.actor_id)) == user.id
    db.session.refresh(contact)
    assert contact.user_id is None
    assert client.get("/en/account/").status_code == 302
    assert sign_in(client, resident.email).status_code == 200
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuthSession.revoked_at.is_(None))
    ) == 0


def test_delete_needs_the_password(client, login, resident):
    login(resident)
    response = submit(client, "/en/account/delete", {"password": "wrong-one-99", "understood": "y"})
    assert response.status_code == 200
    db.session.refresh(resident)
    assert resident.deleted_at is None


def test_the_address_of_a_deleted_account_can_register_again(client, login, resident):
    email = resident.email
    login(resident)
    submit(client, "/en/account/delete", {"password": PASSWORD, "understood": "y"})
    response = submit(
        client, "/en/register",
        {"name": "Back Again", "email": email, "nationality": "VN", "locale": "en",
         "district": "mapo", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
         "consent_account": "y"},
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == email)).name == "Back Again"


def test_staff_may_leave_nationality_and_district_empty_and_choose_korean(client, login,
                                                                         staff_user):
    login(staff_user)
    response = submit(
        client, "/ko/account/profile",
        {"name": "박지훈", "locale": "ko", "nationality": "", "district": ""},
    )
    assert response.status_code == 302
    db.session.refresh(staff_user)
    assert (staff_user.locale, staff_user.nationality, staff_user.district) == ("ko", None, None)


def test_delete_forgets_mail_to_the_person_and_says_goodbye_without_a_name(
    client, login, create_user, outbox, app
):
    user = create_user(locale="ja", name="佐藤 美咲")
    email = user.email
    submit(client, "/en/reset", {"email": email})  # a mail that names the person
    assert len(outbox(email)) == 1
    login(user)
    submit(client, "/en/account/delete", {"password": PASSWORD, "understood": "y"})
    [farewell] = outbox(email)
    assert farewell.locale == "ja"
    assert farewell.subject == translated(app, "ja", "Your account has been deleted")
    assert "佐藤" not in farewell.text and "佐藤" not in farewell.html


def test_prune_sessions_deletes_only_ended_ones(app, client, resident):
    from datetime import timedelta

    from click.testing import CliRunner

    from portal.columns import utcnow

    sign_in(client, resident.email)
    sign_in(app.test_client(), resident.email)
    old, live = db.session.scalars(sa.select(AuthSession).order_by(AuthSession.id)).all()
    old.expires_at = utcnow() - timedelta(days=8)
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["users", "prune-sessions", "--days", "7"])
    assert "deleted 1 ended session(s)" in result.output
    assert db.session.scalars(sa.select(AuthSession.id)).all() == [live.id]


def test_the_data_page_reads_in_the_persons_language(client, login, create_user, create_contact):
    from portal.districts import District

    user = create_user(locale="vi", nationality="JP", district=District.mapo)
    create_contact(user=user, tier=Tier.next_generation, organisation="Yonsei")
    login(user)
    html = client.get("/vi/account/data").get_data(as_text=True)
    app = client.application
    for text in ("Your account", "What you agreed to", "Tier", "Next Generation Leaders"):
        assert translated(app, "vi", text) in html, text
    assert "Nhật Bản" in html  # Japan, in Vietnamese
    assert translated(app, "vi", "Mapo-gu") in html
    assert "Yonsei" in html
    assert 'href="/vi/account/export"' in html
    assert "next_generation" not in html and "mapo<" not in html  # labels, not codes
