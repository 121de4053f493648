"""Registration, confirmation and the rules that guard them."""

import re

import pytest
import sqlalchemy as sa

from portal.accounts.guards import confirmed_required
from portal.accounts.models import Affiliation, ConsentPurpose, User
from portal.districts import District
from portal.extensions import db
from tests.support.html import field_attributes
from tests.support.http import PASSWORD, sign_in, submit
from tests.support.i18n import translated

GOOD = {
    "name": "Nguyễn Thị Lan",
    "email": "Lan.Nguyen@Example.VN",
    "nationality": "VN",
    "locale": "vi",
    "district": "geumcheon",
    "claimed_affiliation": "multicultural_family",
    "password": PASSWORD,
    "password_again": PASSWORD,
    "consent_account": "y",
    "consent_invitations": "y",
}


def register(client, lang="en", **changes):
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return submit(client, f"/{lang}/register", data)


def test_registration_creates_an_unconfirmed_resident_with_consents(client, outbox):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/register/done")
    user = db.session.scalar(sa.select(User))
    assert user.email == "lan.nguyen@example.vn"  # normalised
    assert user.name == "Nguyễn Thị Lan"
    assert user.locale == "vi" and user.nationality == "VN" and user.district is District.geumcheon
    assert user.claimed_affiliation is Affiliation.multicultural_family
    assert user.confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    purposes = {c.purpose for c in user.consents}
    assert purposes == {ConsentPurpose.account, ConsentPurpose.invitations}
    assert all(c.granted_at is not None and c.version for c in user.consents)


def test_confirmation_mail_is_in_the_residents_language_with_a_signed_link(client, outbox, app):
    register(client, locale="ja")
    [mail] = outbox("lan.nguyen@example.vn")
    assert mail.locale == "ja"
    link = re.search(r"http://localhost/ja/confirm/\S+", mail.text).group(0)
    assert link in mail.html
    assert mail.subject == translated(app, "ja", "Confirm your email address")
    assert mail.subject != "Confirm your email address"


def confirm_link(outbox, email) -> str:
    mail = outbox(email)[-1]
    return re.search(r"http://localhost(/\w+/confirm/\S+)", mail.text).group(1)


def test_following_the_link_confirms_only_after_pressing_the_button(client, outbox):
    register(client)
    path = confirm_link(outbox, "lan.nguyen@example.vn")
    page = client.get(path)
    assert page.status_code == 200
    user = db.session.scalar(sa.select(User))
    db.session.refresh(user)
    assert user.confirmed_at is None  # opening the link (or a mail scanner) confirms nothing
    response = submit(client, path)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.confirmed_at is not None


def test_a_tampered_confirmation_link_is_refused(client, outbox):
    register(client)
    path = confirm_link(outbox, "lan.nguyen@example.vn")
    response = submit(client, path[:-3] + "abc", page=path)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(User.confirmed_at)) is None


def test_an_expired_confirmation_link_is_refused(client, outbox, app, monkeypatch):
    register(client)
    path = confirm_link(outbox, "lan.nguyen@example.vn")
    monkeypatch.setitem(app.config, "CONFIRM_TOKEN_MAX_AGE", -1)
    response = submit(client, path)
    assert response.status_code == 400
    expected = translated(
        app, "vi", "This confirmation link has expired. Sign in to get a new one."
    )
    assert expected in response.get_data(as_text=True)


def test_a_taken_address_gets_the_same_answer_and_a_warning_mail(client, outbox, create_user):
    create_user(email="lan.nguyen@example.vn", locale="zh")
    response = register(client, email="LAN.NGUYEN@example.vn")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/register/done")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    [mail] = outbox("lan.nguyen@example.vn")
    assert mail.locale == "zh"  # the owner's language, not the page's
    assert "/zh/reset" in mail.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"password": "short", "password_again": "short"}, "password"),
        ({"password": "password123", "password_again": "password123"}, "password"),
        ({"password_again": "something-else-entirely"}, "password_again"),
        ({"consent_account": None}, "consent_account"),
        ({"nationality": "XX"}, "nationality"),
        ({"district": "atlantis"}, "district"),
        ({"locale": "fr"}, "locale"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_keeping_what_was_typed(client, changes, field):
    response = register(client, **changes)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    control = field_attributes(html, field)
    # The control itself points at its error, so a screen reader reads it with the field.
    assert f"{field}-error" in (control.get("aria-describedby") or "").split()
    if control.get("type") != "checkbox":
        assert control.get("aria-invalid") == "true"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    if field != "name":
        assert 'value="Nguyễn Thị Lan"' in html
    if field != "email":
        assert 'value="Lan.Nguyen@Example.VN"' in html
    if field != "nationality":
        assert '<option selected value="VN">' in html
    if field != "district":
        assert '<option selected value="geumcheon">' in html
    if field == "password":
        assert f'value="{changes["password"]}"' not in html  # a refused password goes
    elif field == "password_again":
        assert html.count(f'value="{PASSWORD}"') == 1  # the good one stays, its repeat goes
    else:
        # A new password that passed its checks stays filled in, both times...
        assert html.count(f'value="{PASSWORD}"') == 2
        # ...and the answer is kept out of every cache.
        assert response.headers["Cache-Control"] == "no-store"


def test_errors_are_in_the_pages_language(client, app):
    response = register(client, lang="ko", password="short", password_again="short")
    html = response.get_data(as_text=True)
    expected = translated(app, "ko", "Use at least %(count)d characters.", count=12)
    assert expected != "Use at least 12 characters."
    assert expected in html
    assert '<html lang="ko">' in html


def test_two_registrations_with_one_address_differing_in_case_make_one_account(client):
    register(client, email="same@example.org")
    register(client, email="SAME@EXAMPLE.ORG")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_registration_form_offers_countries_in_the_ui_language(client):
    zh = client.get("/zh/register").get_data(as_text=True)
    ja = client.get("/ja/register").get_data(as_text=True)
    assert '<option value="VN">越南</option>' in zh
    assert '<option value="VN">ベトナム</option>' in ja


def call_guarded_view(app, user):
    """Call a view behind ``confirmed_required`` as ``user``, as every submitting page will be."""
    from flask import g
    from flask_login import login_user

    view = confirmed_required(lambda: "submitted")
    with app.test_request_context("/en/probe", method="POST"):
        g.lang = "en"
        user.session_token = "probe"
        login_user(user)
        return view()


def test_an_unconfirmed_account_can_sign_in_but_not_submit(client, app, create_user):
    user = create_user(confirmed=False)
    assert sign_in(client, user.email).status_code == 302
    assert client.get("/en/account/").status_code == 200
    response = call_guarded_view(app, user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/")


def test_a_confirmed_account_can_submit(app, create_user):
    assert call_guarded_view(app, create_user(confirmed=True)) == "submitted"


def test_resending_the_confirmation_queues_a_new_mail(client, create_user, outbox):
    user = create_user(confirmed=False, locale="vi")
    sign_in(client, user.email)
    response = submit(client, "/en/confirm/resend", page="/en/account/")
    assert response.status_code == 302
    [mail] = outbox(user.email)
    assert "/vi/confirm/" in mail.text


def test_every_mistake_is_shown_at_once_in_a_summary(client, app):
    response = register(client, lang="zh", name="", email="liwei@", password="short",
                        password_again="short", consent_account=None, district="atlantis")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    assert title.startswith(translated(app, "zh", "Error:"))
    # The summary takes the focus when the page loads, so it is read first.
    assert '<div class="error-summary" tabindex="-1" autofocus' in html
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for field in ("name", "email", "password", "district", "consent_account"):
        assert f'href="#{field}"' in summary, field
        assert f'id="{field}-error"' in html
    consent = field_attributes(html, "consent_account")
    assert consent.get("aria-invalid") == "true" and "required" in consent


def test_a_full_width_address_registers_in_its_plain_form(client):
    assert register(client, email="ｌａｎ．ｎｇｕｙｅｎ＠example.vn").status_code == 302
    assert db.session.scalar(sa.select(User.email)) == "lan.nguyen@example.vn"


def test_every_email_field_shows_an_example(client):
    for url in ("/en/register", "/en/login", "/en/reset"):
        html = client.get(url).get_data(as_text=True)
        assert "name@example.com" in html, url
