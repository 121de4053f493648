"""Every page a visitor or a resident can reach fits a small phone (360 px) in their language.

Residents use the portal on their phones, in languages with long words (Vietnamese) or long
unbroken lines (Japanese). The demo portal is crawled in process (tests/support/crawl.py)
for one address of each kind a person can reach, then each is opened in Chromium at 360 px:
none may scroll sideways (wide tables scroll inside their own region).
"""

import pytest

from portal.accounts.demo import DEMO_PASSWORD, RESIDENTS
from portal.demo import seed
from portal.extensions import db
from tests.browser.conftest import sign_in
from tests.support.crawl import crawl
from tests.support.http import sign_in as sign_in_client

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def demo(live_server):
    with live_server.app.app_context():
        seed()
        db.session.remove()
    return live_server


def _addresses(app, email: str | None, lang: str) -> list[str]:
    """One address of each kind of page the person reaches in ``lang``."""
    client = app.test_client()
    if email:
        assert sign_in_client(client, email, DEMO_PASSWORD, lang=lang).status_code == 302
    pages, _faults = crawl(client, [f"/{lang}/", f"/{lang}/account/", f"/{lang}/notifications/"],
                           within=f"/{lang}/")
    return pages


@pytest.mark.parametrize("email, lang", [
    pytest.param(None, "vi", id="visitor-vi"),
    pytest.param(RESIDENTS[0][1], "ja", id="resident-ja"),
    pytest.param(RESIDENTS[0][1], "vi", id="resident-vi"),
])
def test_every_page_fits_a_360_px_phone(demo, new_page, email, lang):
    addresses = _addresses(demo.app, email, lang)
    assert len(addresses) > (10 if email is None else 20), addresses
    page = new_page(**PHONE)
    if email:
        sign_in(page, email, lang, DEMO_PASSWORD)
    too_wide = []
    for address in addresses:
        response = page.goto(address)
        assert response is not None and response.status < 400, address
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide.append(f"{address}: {width} px")
    assert too_wide == []
