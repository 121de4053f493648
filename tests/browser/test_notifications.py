"""Notifications and signed-in devices in a real browser, in Vietnamese and Chinese."""

import uuid

import pytest
from flask_babel import lazy_gettext as _l
from playwright.sync_api import expect

from portal.districts import District
from portal.extensions import db
from portal.notifications.kinds import NotificationKind, register_kind
from portal.notifications.service import notify
from tests.browser.conftest import account, axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "hangang-bicycle-31"  # noqa: S105 - test data


def make_resident(live_server, lang: str) -> str:
    email = f"resident-{uuid.uuid4().hex[:10]}@example.org"
    app = live_server.app
    register_kind(app, NotificationKind(
        name="test.news", label=_l("News"), message=_l("Your profile has been saved."),
        link=lambda n: ("accounts.profile", {}),
    ))
    with app.app_context(), app.test_request_context(f"/{lang}/"):
        user = account("Trần Thị Mai", email, password=PASSWORD, locale=lang, nationality="VN",
                       district=District.guro)
        db.session.add(user)
        db.session.flush()
        notify(user, "account.welcome")
        for _ in range(2):
            notify(user, "test.news")
        db.session.commit()
        db.session.remove()
    return email


def sign_in(page, lang: str, email: str) -> None:
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_read_notifications_and_choose_how_to_hear(new_page, live_server, lang):
    email = make_resident(live_server, lang)
    page = new_page()
    sign_in(page, lang, email)
    badge = page.locator("header .badge")
    expect(badge).to_have_text("3")

    page.get_by_role("link", name=live_server.gettext(lang, "Notifications")).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/notifications/")
    expect(page.locator("main li.unread")).to_have_count(3)
    axe_check(page)
    page.locator("main li.unread").first.get_by_role(
        "button", name=live_server.gettext(lang, "Mark as read")
    ).click()
    expect(page.locator("main li.unread")).to_have_count(2)
    expect(badge).to_have_text("2")
    page.get_by_role("button", name=live_server.gettext(lang, "Mark all as read")).click()
    expect(page.locator("main li.unread")).to_have_count(0)
    expect(badge).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name=live_server.gettext(lang, "Choose how we tell you")).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/notifications/settings")
    axe_check(page)
    page.select_option("#kind_test__news", "daily")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#kind_test__news")).to_have_value("daily")
    axe_check(page)


@pytest.mark.parametrize("lang", ["zh", "vi"])
def test_see_and_sign_out_other_devices(new_page, live_server, lang):
    email = make_resident(live_server, lang)
    phone = new_page(user_agent="Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 "
                     "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36")
    sign_in(phone, lang, email)
    laptop = new_page()
    sign_in(laptop, lang, email)
    expect(laptop).to_have_url(f"{live_server.url}/{lang}/account/")
    rows = laptop.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Chrome Mobile")).to_have_count(1)
    axe_check(laptop)
    laptop.get_by_role(
        "button", name=live_server.gettext(lang, "Sign out on every other device")
    ).click()
    expect(laptop.locator(".flash-success")).to_be_visible()
    expect(rows).to_have_count(1)
    phone.goto(f"/{lang}/account/")
    expect(phone).to_have_url(f"{live_server.url}/{lang}/login?next=/{lang}/account/")
