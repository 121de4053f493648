"""Every page a visitor or a resident can reach fits a small phone (360 px) in their language.

Residents use the portal on their phones, in languages with long words (Vietnamese) or long
unbroken lines (Japanese). The demo portal is crawled in process (tests/support/crawl.py)
for one address of each kind a person can reach, then each is opened in Chromium at 360 px:
none may scroll sideways (wide tables scroll inside their own region). Nor may what people
really type: a long email address, a link pasted into a report.
"""

import pytest
import sqlalchemy as sa

from portal.accounts.demo import DEMO_PASSWORD, RESIDENTS
from portal.accounts.models import User
from portal.extensions import db
from portal.reports import service
from portal.reports.models import Category
from tests.browser.conftest import account, sign_in
from tests.support.crawl import crawl
from tests.support.http import sign_in as sign_in_client

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


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


# What people really type: a long address, a link pasted into a report, a word with no break.
LONG_EMAIL = "nguyen.thi.thanh.huong.international.student@graduate-school.example.edu.vn"
LONG_LINK = ("https://www.example.go.kr/housing/notices/2026/11/deposit-return-guidance-for-"
             "foreign-tenants-in-seoul-metropolitan-city?lang=vi&ref=portal")


def test_long_values_people_type_do_not_widen_a_phone_page(demo, new_page):
    app = demo.app
    with app.app_context(), app.test_request_context("/vi/"):
        user = account("Nguyễn Thị Thanh Hương", LONG_EMAIL, password=DEMO_PASSWORD,
                       locale="vi")
        db.session.add(user)
        db.session.flush()
        category = db.session.scalars(sa.select(Category).order_by(Category.id)).first()
        report = service.file_report(
            reporter=db.session.get(User, user.id), category=category, district=None,
            title="Tiền cọc: " + LONG_LINK[:120],
            description=f"Tôi đã đọc hướng dẫn tại {LONG_LINK} nhưng chủ nhà vẫn từ chối.")
        db.session.commit()
        report_id = report.id
        db.session.remove()
    page = new_page(**PHONE)
    sign_in(page, LONG_EMAIL, "vi", DEMO_PASSWORD)
    too_wide = []
    for address in ("/vi/account/", "/vi/account/data", "/vi/reports/",
                    f"/vi/reports/{report_id}"):
        response = page.goto(address)
        assert response is not None and response.status == 200, address
        shown = page.inner_text("main")
        assert LONG_LINK[:120] in shown or LONG_EMAIL in shown, address
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide.append(f"{address}: {width} px")
    assert too_wide == []
