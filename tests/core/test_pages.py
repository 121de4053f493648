"""The pages every city service has: help, contact, privacy notice, accessibility statement."""

import email
import email.policy

import pytest

from portal.mail.service import build_email
from tests.support.i18n import translated

PAGES = ["help", "contact", "privacy", "accessibility"]
LANGS = ["en", "zh", "ja", "vi", "ko"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_every_service_page_exists_in_every_language(client, lang, page):
    response = client.get(f"/{lang}/{page}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{ {"zh": "zh-Hans"}.get(lang, lang)}">' in html


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_page_links_the_service_pages_and_says_it_is_official(client, app, lang):
    html = client.get(f"/{lang}/login").get_data(as_text=True)
    for page in PAGES:
        assert f'href="/{lang}/{page}"' in html
    assert translated(app, lang, "An official website of Seoul Metropolitan Government") in html
    assert translated(app, lang, "Seoul Metropolitan Government · Support for foreign "
                                 "residents") in html


def test_the_channels_come_from_the_configuration(client, app, monkeypatch):
    assert "tel:" not in client.get("/en/contact").get_data(as_text=True)  # none invented
    monkeypatch.setitem(app.config, "SERVICE_PHONE", "02-120")
    monkeypatch.setitem(app.config, "SERVICE_EMAIL", "global@seoul.example")
    monkeypatch.setitem(app.config, "SERVICE_HOURS", "mon-fri 09:00-18:00")
    monkeypatch.setitem(app.config, "WALK_IN_NAME", "Seoul Global Center")
    html = client.get("/ko/contact").get_data(as_text=True)
    assert 'href="tel:02-120"' in html and "global@seoul.example" in html
    assert "Seoul Global Center" in html
    assert "월요일" in html and "금요일" in html  # the days, in Korean
    english = client.get("/en/help").get_data(as_text=True)
    assert "Monday to Friday, 9:00\u202fAM–6:00\u202fPM" in english  # CLDR's narrow space


def test_the_privacy_notice_covers_what_the_law_asks(client):
    html = client.get("/en/privacy").get_data(as_text=True)
    for part in ("account", "invitations", "research", "classification", "retention",
                 "recipients", "rights", "contact"):
        assert f'id="{part}"' in html, part
    assert "Personal Information Protection Act" in html
    assert "Next Generation Leaders" in html  # what classification is and changes


def test_each_consent_links_to_its_part_of_the_notice(client):
    html = client.get("/en/register").get_data(as_text=True)
    for part in ("account", "invitations", "research"):
        assert f'href="/en/privacy#{part}"' in html
        assert f'aria-describedby="consent_{part}-hint"' in html


def test_mail_names_its_sender_in_the_recipients_language(app, create_user, outbox):
    from portal.accounts.signin import request_password_reset

    user = create_user(locale="ja")
    with app.test_request_context("/en/"):
        request_password_reset(user.email)
        [message] = outbox(user.email)
        # As a mail client reads it: the name travels as an encoded word.
        sender = email.message_from_bytes(build_email(message).as_bytes(),
                                          policy=email.policy.default)["From"]
    assert translated(app, "ja", "Seoul Foreigner Portal") in str(sender)
    assert "<noreply@portal.seoul.test>" in str(sender)


def test_the_deletion_mail_says_how_to_reach_the_city(client, login, resident, outbox, app,
                                                      monkeypatch):
    from tests.support.http import PASSWORD, submit

    monkeypatch.setitem(app.config, "SERVICE_PHONE", "02-120")
    login(resident)
    submit(client, "/en/account/delete", {"password": PASSWORD, "understood": "y"})
    [mail] = [m for m in outbox() if "deleted" in m.subject.lower()]
    assert "02-120" in mail.text
