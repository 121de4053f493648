"""The main journeys work with JavaScript switched off, as DESIGN.md's quality bar asks.

Some residents browse with scripts blocked (older phones, reader modes, hardened browsers).
The demo portal is used in a browser context with JavaScript disabled: a resident files a
report with a photo and answers an invitation, and a member of staff acknowledges the report.
axe-core cannot run without scripts, so each page goes through the HTML checker only (the
same pages are checked with axe by the other browser tests).
"""

import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from portal.accounts.demo import DEMO_PASSWORD, STAFF_EMAIL
from portal.accounts.models import User
from portal.contacts.models import Contact
from portal.events.models import Invitation
from portal.extensions import db
from portal.reports.models import Category
from tests.browser.conftest import html_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

NO_SCRIPTS = {"java_script_enabled": False}


def _invited_resident(app) -> tuple[str, str, int, int]:
    """A demo resident with an unanswered invitation (email, UI language, invitation id),
    and a report category."""
    with app.app_context():
        row = db.session.execute(
            sa.select(User.email, User.locale, Invitation.id)
            .join(Contact, Contact.user_id == User.id)
            .join(Invitation, Invitation.contact_id == Contact.id)
            .where(Invitation.answer.is_(None))
            .order_by(User.locale == "en", Invitation.id)  # one in another language first
        ).first()
        category_id = db.session.scalars(sa.select(Category.id).order_by(Category.id)).first()
        db.session.remove()
    assert row is not None, "the demo data has no unanswered invitation of a resident"
    return row.email, row.locale, row.id, category_id


def test_a_resident_and_staff_get_through_without_javascript(demo, new_page, tmp_path):
    email, lang, invitation_id, category_id = _invited_resident(demo.app)
    assert lang != "en", "the demo data should have a non-English resident with an invitation"
    resident = new_page(**NO_SCRIPTS)
    assert resident.evaluate("() => 1") == 1  # Playwright itself still reads the page
    sign_in(resident, email, lang, DEMO_PASSWORD)

    # A report with a photo: the form, its upload and the page it lands on.
    photo = tmp_path / "stairs.jpg"
    Image.new("RGB", (320, 200), (40, 90, 160)).save(photo, "JPEG")
    resident.goto(f"/{lang}/reports/new")
    html_check(resident)
    resident.select_option("#category", str(category_id))
    resident.select_option("#area", "mapo")
    resident.fill("#title", "Broken stairs light at the community centre")
    resident.fill("#description", "The light on the stairs has been broken for two weeks.")
    resident.set_input_files("#photos", photo)
    resident.locator("main form[enctype] button[type=submit]").click()
    expect(resident).to_have_url(re.compile(rf"/{lang}/reports/\d+$"))
    report_id = int(resident.url.rsplit("/", 1)[1])
    expect(resident.locator("main .flash-success")).to_be_visible()
    photo_img = resident.locator("main ul.photos img").first
    resident.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=photo_img.element_handle())
    html_check(resident)

    # An invitation answered from the inbox.
    resident.goto(f"/{lang}/invitations/")
    article = resident.locator(f"#invitation-{invitation_id}")
    article.locator("input[type=radio][value=yes]").check()
    article.locator("form:not(.inline) button[type=submit]").click()
    expect(resident.locator("main .flash-success")).to_be_visible()
    html_check(resident)
    with demo.app.app_context():
        answer = db.session.get(Invitation, invitation_id).answer
        db.session.remove()
    assert answer is not None and answer.name == "yes"

    # Staff acknowledge the report at a Korean desk.
    staff = new_page(**NO_SCRIPTS)
    sign_in(staff, STAFF_EMAIL, "ko", DEMO_PASSWORD)
    staff.goto("/ko/staff/reports?team=")
    staff.locator("main table.queue").locator(f"a[href$='/{report_id}']").click()
    expect(staff).to_have_url(re.compile(rf"/ko/staff/reports/{report_id}$"))
    staff.locator("main button[name=action][value=acknowledge]").click()
    expect(staff.locator("main .flash-success")).to_be_visible()
    html_check(staff)
    resident.goto(f"/{lang}/reports/{report_id}")
    expect(resident.locator("main .timeline .event-status").last).to_contain_text(
        demo.gettext(lang, "Status: %(status)s", status=demo.gettext(lang, "Acknowledged")))
