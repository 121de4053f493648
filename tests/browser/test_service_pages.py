"""Help, contact, privacy and accessibility pages in a real browser, from the footer."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PAGES = [("help", "Help"), ("contact", "Contact us"), ("privacy", "Privacy notice"),
         ("accessibility", "Accessibility")]


@pytest.mark.parametrize("lang", ["vi", "zh"])
def test_the_footer_leads_to_every_service_page(new_page, live_server, lang, monkeypatch):
    monkeypatch.setitem(live_server.app.config, "SERVICE_PHONE", "02-120")
    monkeypatch.setitem(live_server.app.config, "SERVICE_HOURS", "mon-fri 09:00-18:00")
    page = new_page()
    page.goto(f"/{lang}/")
    for path, link_text in PAGES:
        page.locator("footer").get_by_role(
            "link", name=live_server.gettext(lang, link_text), exact=True
        ).click()
        expect(page).to_have_url(f"{live_server.url}/{lang}/{path}")
        expect(page.locator("main h1")).to_be_visible()
        axe_check(page)
    page.goto(f"/{lang}/contact")
    expect(page.locator('main a[href="tel:02-120"]')).to_be_visible()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_consent_box_leads_to_its_part_of_the_notice(new_page, live_server, lang):
    page = new_page()
    page.goto(f"/{lang}/register")
    page.locator("#consent_research-hint a").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/privacy#research")
    expect(page.locator("#research")).to_be_in_viewport()
    axe_check(page)
