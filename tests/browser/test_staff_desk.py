"""City staff in a real browser: the staff desk, classifying a resident, the admin pages.

Every page is checked with axe-core; staff work in Korean, so the journey runs in ko and en.
"""

import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.audit import AuditLog
from portal.contacts.models import Contact, Tier
from portal.districts import District
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.browser.conftest import account, axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "gyeongbokgung-gate-21"  # noqa: S105 - test data
HTML_LANG = {"en": "en", "ko": "ko"}


def make_people(live_server):
    """An admin and a resident to classify, committed to the live server's database."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        admin = account("관리자 김서연", f"admin-{tag}@seoul.example", password=PASSWORD,
                        locale="ko", role=Role.admin)
        resident = account(f"Hoàng Thu Trang {tag}", f"trang-{tag}@example.vn",
                           password=PASSWORD, locale="vi", nationality="VN",
                           district=District.mapo)
        lone = Contact(name=f"Ahmed Hassan {tag}", email=f"ahmed-{tag}@example.eg")
        db.session.add_all([admin, resident, lone])
        db.session.commit()
        return admin.email, resident.id, resident.name, lone.name


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_classify_a_resident_and_read_the_audit_log(new_page, live_server, lang):
    admin_email, resident_id, resident_name, lone_name = make_people(live_server)
    page = new_page(locale="ko-KR")
    page.goto(f"/{lang}/login")
    page.fill("#email", admin_email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("main h1")).to_have_text(live_server.gettext(lang, "Staff desk"))
    axe_check(page)

    page.locator("main").get_by_role(
        "link", name=live_server.gettext(lang, "Accounts"), exact=True
    ).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/users")
    axe_check(page)
    page.fill("#q", resident_name.split()[-1])
    page.locator("main form[role=search] button[type=submit]").click()
    page.get_by_role("link", name=resident_name).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/users/{resident_id}")
    axe_check(page)

    page.select_option("#tier", "global_elite")
    page.select_option("#affiliation", "foreign_journalist")
    page.locator("main form.classify button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#tier")).to_have_value("global_elite")
    with live_server.app.app_context():
        contact = db.session.scalar(sa.select(Contact).where(Contact.user_id == resident_id))
        assert contact.tier is Tier.global_elite
        db.session.remove()

    # The history of the person is on their page, as a sentence with names.
    expect(page.locator("main .history li").first).to_contain_text(resident_name)
    page.goto(f"/{lang}/staff/admin/audit")
    expect(page.locator("main .history li").first).to_contain_text(
        live_server.gettext(lang, "Global Elite")
    )
    axe_check(page)
    page.goto(f"/{lang}/staff/admin/staff")
    axe_check(page)
    # Invite a colleague, who chooses their own password from the mailed link.
    tag = uuid.uuid4().hex[:8]
    page.fill("#name", f"이서준 {tag}")
    page.fill("#email", f"seojun-{tag}@seoul.example")
    page.locator("main form:not([role]) button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.get_by_role("link", name=f"이서준 {tag}").click()
    expect(page.locator("main h1")).to_have_text(f"이서준 {tag}")
    axe_check(page)
    with live_server.app.app_context():
        mail = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.recipient == f"seojun-{tag}@seoul.example")
        ).one()
        link = re.search(r"https?://\S+/welcome/\S+", mail.text).group(0)
        db.session.remove()
    newcomer = new_page()
    newcomer.goto(link.replace("/ko/", f"/{lang}/"))
    axe_check(newcomer)
    newcomer.fill("#password", PASSWORD)
    newcomer.fill("#password_again", PASSWORD)
    newcomer.locator("main form button[type=submit]").click()
    expect(newcomer).to_have_url(f"{live_server.url}/{lang}/login")
    page.goto(f"/{lang}/staff/contacts")
    axe_check(page)
    # A contact without an account opens and can be classified too.
    page.get_by_role("link", name=lone_name).click()
    expect(page.locator("main h1")).to_be_visible()
    page.select_option("#tier", "next_generation")
    page.locator("main form.classify button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main .history li").first).to_contain_text(
        live_server.gettext(lang, "Next Generation Leaders")
    )
    axe_check(page)
    with live_server.app.app_context():
        assert db.session.scalar(
            sa.select(sa.func.count()).where(AuditLog.action == "contact.classify",
                                              AuditLog.object_id == contact.id)
        ) == 1
        db.session.remove()
