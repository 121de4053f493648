"""Forms that help, in a real browser: the error summary, a refused form in another language,
full-width addresses, and the resident's pages on a phone."""

import uuid

import pytest
from playwright.sync_api import expect

from portal.districts import District
from portal.extensions import db
from tests.browser.conftest import account, axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "cheonggyecheon-stream-8"  # noqa: S105 - test data
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_every_mistake_is_summarised_and_focused(new_page, live_server, lang):
    page = new_page()
    page.goto(f"/{lang}/register")
    page.fill("#email", "liwei@")
    page.fill("#password", "short")
    page.fill("#password_again", "short")
    page.locator("main form button[type=submit]").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # read first by a screen reader
    expect(page).to_have_title(f"{live_server.gettext(lang, 'Error:')} "
                               f"{live_server.gettext(lang, 'Create an account')} · "
                               f"{live_server.gettext(lang, 'Seoul Foreigner Portal')}")
    links = summary.locator("a")
    assert links.count() >= 5  # name, email, password, nationality, district, consent
    axe_check(page)
    summary.locator('a[href="#email"]').click()
    expect(page.locator("#email")).to_be_focused()
    expect(page.locator("#email")).to_have_value("liwei@")  # what was typed is kept


@pytest.mark.parametrize(("lang", "other"), [("vi", "ja"), ("zh", "en")])
def test_the_switcher_on_a_refused_form_keeps_the_form(new_page, live_server, lang, other):
    page = new_page()
    page.goto(f"/{lang}/register")
    page.fill("#name", "Nguyễn Văn Bình")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator(f'header a[lang="{other}"]').click()
    expect(page).to_have_url(f"{live_server.url}/{other}/register")
    expect(page.locator("main h1")).to_have_text(
        live_server.gettext(other, "Create an account")
    )
    axe_check(page)


@pytest.mark.parametrize("lang", ["zh", "ja"])
def test_a_full_width_address_registers(new_page, live_server, lang):
    tag = uuid.uuid4().hex[:6]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in f"liwei{tag}") + "＠example。cn"
    page = new_page()
    page.goto(f"/{lang}/register")
    page.fill("#name", "李伟")
    page.fill("#email", full_width)
    page.select_option("#nationality", "CN")
    page.select_option("#district", "guro")
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.check("#consent_account")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/register/done")
    expect(page.locator("main")).to_contain_text(f"liwei{tag}@example.cn")
    axe_check(page)


def make_resident(live_server, lang: str) -> str:
    email = f"phone-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        db.session.add(account("Nguyễn Thị Hoa", email, password=PASSWORD, locale=lang,
                               nationality="VN", district=District.guro))
        db.session.commit()
        db.session.remove()
    return email


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_on_a_phone_the_main_actions_are_in_reach(new_page, live_server, lang):
    page = new_page(**PHONE)
    page.goto(f"/{lang}/")
    button = page.locator("main .actions a.button")
    expect(button).to_be_visible()
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 844  # no scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing too wide

    page.goto(f"/{lang}/login")
    page.fill("#email", make_resident(live_server, lang))
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/account/")
    for link in page.locator("main .tappable a").all():
        assert link.bounding_box()["height"] >= 44, link.inner_text()
    danger = page.locator("main .danger-zone a")
    assert danger.bounding_box()["y"] > page.locator("main .tappable").bounding_box()["y"] + 100
    axe_check(page)

    page.locator("main .tappable a").nth(3).click()  # see all my data
    expect(page).to_have_url(f"{live_server.url}/{lang}/account/data")
    expect(page.locator("main h1")).to_have_text(live_server.gettext(lang, "Your data"))
    axe_check(page)


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_a_forgotten_password_carries_the_address_to_its_own_page(new_page, live_server, lang):
    email = make_resident(live_server, lang)
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", "not-my-password-1")
    page.locator("main form button[type=submit]").click()
    page.locator('main a[href*="/reset?email="]').click()
    expect(page.locator("#email")).to_have_value(email)  # typed once, carried over
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/reset/sent")
    expect(page.locator("main")).to_contain_text(email)
    axe_check(page)
