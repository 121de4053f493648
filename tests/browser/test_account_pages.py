"""The resident's account pages in a real browser, checked with axe-core in two languages."""

import uuid

import pytest
from playwright.sync_api import expect

from portal.districts import District
from portal.extensions import db
from tests.browser.conftest import account, axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "namsan-cable-car-64"  # noqa: S105 - test data
PAGES = [
    ("account/profile", "Edit my profile"),
    ("account/password", "Change my password"),
    ("account/email", "Change my email address"),
    ("account/delete", "Delete my account"),
]


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_account_pages_are_accessible_and_profile_errors_keep_input(new_page, live_server, lang):
    email = f"resident-{uuid.uuid4().hex[:10]}@example.org"
    with live_server.app.app_context():
        db.session.add(account("Nguyễn Văn An", email, password=PASSWORD, locale=lang,
                               nationality="VN", district=District.guro))
        db.session.commit()
        db.session.remove()
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/account/")
    for path, heading in PAGES:
        page.goto(f"/{lang}/{path}")
        expect(page.locator("main h1")).to_have_text(live_server.gettext(lang, heading))
        axe_check(page)

    page.goto(f"/{lang}/account/profile")
    page.fill("#name", "")
    page.select_option("#district", "jongno")
    page.locator("main button[type=submit]").click()
    expect(page.locator("#name-error")).to_have_text(
        live_server.gettext(lang, "This field is required.")
    )
    expect(page.locator("#district")).to_have_value("jongno")  # what was chosen is kept
    axe_check(page)


@pytest.mark.parametrize("lang", ["ja", "vi"])
def test_the_account_page_fits_a_small_phone_with_two_devices(new_page, live_server, lang):
    """The device table scrolls in its own region at 360 px: its visually hidden texts once
    widened the whole page, which then scrolled sideways."""
    email = f"phone-{uuid.uuid4().hex[:10]}@example.org"
    with live_server.app.app_context():
        db.session.add(account("Nguyễn Văn An", email, password=PASSWORD, locale=lang))
        db.session.commit()
        db.session.remove()
    phones = [new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
              for _ in range(2)]
    for phone in phones:  # two sessions: the table gets its "sign out this device" column
        sign_in(phone, email, lang, PASSWORD)
    phone = phones[1]
    phone.goto(f"/{lang}/account/")
    expect(phone.locator(".table-scroll tbody tr")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone)
