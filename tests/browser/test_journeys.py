"""A resident's first visit in a real browser: register, confirm, sign in, switch language, leave.

Page text is compared with the catalogue through gettext at test time, so these tests hold
whether or not a language is translated yet; structure (``<html lang>``, addresses, ids) is
compared with fixed values.
"""

import re
import uuid
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.districts import District
from portal.extensions import db
from portal.mail.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "harbour-kite-lantern-83"  # noqa: S105 - test data
# What <html lang> must say: BCP 47, with the portal's Chinese being Simplified.
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ja": "ja", "vi": "vi", "ko": "ko"}

# (UI language, browser locale sending Accept-Language, language to switch to, a name to type)
JOURNEYS = [
    pytest.param("en", "en-GB", "ja", "Amara Okafor", id="en"),
    pytest.param("zh", "zh-CN", "en", "王小明", id="zh"),
    pytest.param("ja", "ja-JP", "zh", "山田 花子", id="ja"),
]


def unique_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.org"


def expect_page(page, live_server, lang: str, path: str, heading: str) -> None:
    """The page is ``path`` (and query), in ``lang``, with ``heading`` (an msgid) as its only h1."""
    expect(page).to_have_url(live_server.url + path)
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(live_server.gettext(lang, heading))


def submit_button(page):
    return page.locator("main button[type=submit]")


def confirmation_link(live_server, email: str) -> str:
    """The confirmation link in the one mail queued for ``email``."""
    with live_server.app.app_context():
        messages = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
        ).all()
        texts = [message.text for message in messages]
    assert len(texts) == 1, f"expected one mail to {email}, found {len(texts)}"
    links = re.findall(re.escape(live_server.url) + r"/[a-z]{2}/confirm/[^\s<>\"']+", texts[0])
    assert links, f"no confirmation link in the mail:\n{texts[0]}"
    return links[0]


def user_by_email(live_server, email: str) -> User | None:
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def fill_registration(
    page, *, name: str, email: str, lang: str, password_again: str, consent: bool
) -> None:
    page.fill("#name", name)
    page.fill("#email", email)
    page.select_option("#nationality", "VN")
    page.select_option("#locale", lang)
    page.select_option("#district", "mapo")
    page.select_option("#claimed_affiliation", "foreign_journalist")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", password_again)
    page.set_checked("#consent_account", consent)


@pytest.mark.parametrize(("lang", "browser_locale", "other", "name"), JOURNEYS)
def test_register_confirm_sign_in_switch_language_sign_out(
    new_page, live_server, axe_check, lang, browser_locale, other, name
):
    page = new_page(locale=browser_locale)
    email = unique_email(lang)

    # The bare address sends the visitor to the home page in the browser's language.
    page.goto("/")
    expect_page(page, live_server, lang, f"/{lang}/", "Seoul works with you")
    axe_check(page)

    # Register, from the header link.
    page.locator(f'header a[href="/{lang}/register"]').click()
    expect_page(page, live_server, lang, f"/{lang}/register", "Create an account")
    expect(page.locator("#locale")).to_have_value(lang)  # the page's language is proposed
    axe_check(page)
    fill_registration(
        page, name=name, email=email, lang=lang, password_again=PASSWORD, consent=True
    )
    submit_button(page).click()
    expect_page(page, live_server, lang, f"/{lang}/register/done", "Check your email")
    axe_check(page)

    user = user_by_email(live_server, email)
    assert user is not None and user.name == name and user.locale == lang
    assert (user.nationality, user.district) == ("VN", District.mapo)
    assert user.claimed_affiliation.name == "foreign_journalist"
    assert user.confirmed_at is None

    # The mail's link, in the registrant's language, shows a button that confirms.
    link = confirmation_link(live_server, email)
    assert link.startswith(f"{live_server.url}/{lang}/confirm/")
    page.goto(link)
    expect_page(page, live_server, lang, urlsplit(link).path, "Confirm your email address")
    axe_check(page)
    submit_button(page).click()
    expect_page(page, live_server, lang, f"/{lang}/login", "Sign in")
    expect(page.locator("main .flash")).to_have_text(
        live_server.gettext(lang, "Thank you: your email address is confirmed.")
    )
    assert user_by_email(live_server, email).confirmed_at is not None
    axe_check(page)

    # Sign in.
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    submit_button(page).click()
    expect_page(page, live_server, lang, f"/{lang}/account/", "My account")
    details = page.locator("main dl.details")
    expect(details).to_contain_text(name)
    expect(details).to_contain_text(email)
    # Confirmed: no "send the link again" notice.
    expect(page.locator('main form[action$="/confirm/resend"]')).to_have_count(0)
    axe_check(page)

    # The header's language switcher shows the same page in another language.
    languages = page.get_by_role("navigation", name=live_server.gettext(lang, "Languages"))
    expect(languages.locator(f'[lang="{lang}"][aria-current="true"]')).to_have_count(1)
    languages.locator(f'a[hreflang="{other}"]').click()
    expect_page(page, live_server, other, f"/{other}/account/", "My account")
    expect(details).to_contain_text(name)
    expect(details).to_contain_text(email)
    languages = page.get_by_role("navigation", name=live_server.gettext(other, "Languages"))
    expect(languages.locator(f'[lang="{other}"][aria-current="true"]')).to_have_count(1)
    expect(languages.locator(f'a[hreflang="{lang}"]')).to_have_attribute(
        "href", f"/{lang}/account/"
    )
    axe_check(page)

    # Sign out with the header's button: the account page now asks to sign in.
    sign_out = page.locator(f'header form[action="/{other}/logout"] button[type=submit]')
    expect(sign_out).to_have_text(live_server.gettext(other, "Sign out"))
    sign_out.click()
    expect_page(page, live_server, other, f"/{other}/", "Seoul works with you")
    expect(page.locator("main .flash")).to_have_text(
        live_server.gettext(other, "You are signed out.")
    )
    expect(page.locator('header form[action$="/logout"]')).to_have_count(0)
    page.goto(f"/{other}/account/")
    expect_page(page, live_server, other, f"/{other}/login?next=/{other}/account/", "Sign in")
    expect(page.locator("main .flash")).to_have_text(
        live_server.gettext(other, "Please sign in to open this page.")
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_bad_registration_shows_errors_by_the_fields_and_keeps_the_input(
    new_page, live_server, axe_check, lang
):
    # The language comes from the cookie here, not from Accept-Language.
    page = new_page(locale="ja-JP")
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page.goto("/")
    expect_page(page, live_server, lang, f"/{lang}/", "Seoul works with you")
    name = "Trần Thị Mai" if lang == "en" else "李华"
    email = unique_email(f"bad-{lang}")

    page.goto(f"/{lang}/register")
    fill_registration(
        page, name=name, email=email, lang=lang, password_again=PASSWORD + "-typo", consent=False
    )
    submit_button(page).click()

    expect_page(page, live_server, lang, f"/{lang}/register", "Create an account")
    summary = page.locator("main .error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text(live_server.gettext(lang, "There is a problem"))
    expect(summary.locator("li")).to_have_count(2)
    expected_errors = {
        "password_again": "The two passwords do not match.",
        "consent_account": "You must agree to this for us to create your account.",
    }
    for field_id, message in expected_errors.items():
        field = page.locator(f".field:has(#{field_id})")
        error = field.locator(f"#{field_id}-error")
        expect(error).to_have_text(live_server.gettext(lang, message))
        expect(page.locator(f"#{field_id}")).to_have_attribute(
            "aria-describedby", re.compile(rf"(^|\s){field_id}-error(\s|$)")
        )
    expect(page.locator("#password_again")).to_have_attribute("aria-invalid", "true")
    # Only those two fields have errors.
    expect(page.locator("main .field .error")).to_have_count(len(expected_errors))

    # What was typed is kept, except the passwords.
    expect(page.locator("#name")).to_have_value(name)
    expect(page.locator("#email")).to_have_value(email)
    expect(page.locator("#nationality")).to_have_value("VN")
    expect(page.locator("#locale")).to_have_value(lang)
    expect(page.locator("#district")).to_have_value("mapo")
    expect(page.locator("#claimed_affiliation")).to_have_value("foreign_journalist")
    # The password passed its checks and stays; its mistyped repeat is cleared.
    expect(page.locator("#password")).to_have_value(PASSWORD)
    expect(page.locator("#password_again")).to_have_value("")
    expect(page.locator("#consent_account")).not_to_be_checked()
    axe_check(page)

    # Nothing was created or sent.
    assert user_by_email(live_server, email) is None
    with live_server.app.app_context():
        sent = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.recipient == email)
        )
    assert sent == 0


def test_pages_need_nothing_the_content_security_policy_forbids(new_page, live_server):
    """With the site's CSP enforced, the public pages load without a single console error."""
    page = new_page(locale="en-US", bypass_csp=False)
    errors: list[str] = []

    def record(message):
        if message.type == "error":
            errors.append(f"{message.location['url']}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path, heading in [
        ("/en/", "Seoul works with you"),
        ("/en/register", "Create an account"),
        ("/en/login", "Sign in"),
    ]:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect_page(page, live_server, "en", path, heading)
    assert not errors, "console errors:\n" + "\n".join(errors)
