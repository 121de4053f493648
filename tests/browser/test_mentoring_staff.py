"""Staff decide an application to mentor in a real browser: in Korean they open the list and
the application, approve it, land on the new mentor's page and record the child-safety check;
the same pages in English; every page checked with axe and the HTML checker."""

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.extensions import db
from portal.mentoring import service
from tests.browser.conftest import account, axe_check, sign_in
from tests.mentoring.conftest import application_values

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "gyeongbokgung-lantern-58"  # noqa: S105 - test data


def make_staff_and_application(live_server) -> tuple[str, str, int]:
    """A member of staff, and a resident's submitted application (through the service)."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        staff = account("김민준", f"mentoring-{tag}@seoul.example", password=PASSWORD,
                        locale="ko", role=Role.staff)
        applicant = account(f"Tran Thi Mai {tag}", f"mai-{tag}@example.org", password=PASSWORD,
                            locale="vi")
        db.session.add_all([staff, applicant])
        db.session.flush()
        application = service.save_application(applicant, submit=True, **application_values())
        db.session.commit()
        result = staff.email, applicant.name, application.id
        db.session.remove()
        return result




def test_staff_approve_an_application_and_record_the_check(new_page, live_server):
    email, name, application_id = make_staff_and_application(live_server)

    def t(message, lang="ko", **variables):
        return live_server.gettext(lang, message, **variables)

    page = new_page()
    sign_in(page, email, "ko", PASSWORD)
    page.goto("/ko/staff/mentoring/applications")
    expect(page.locator("main h1")).to_have_text(t("Mentor applications"))
    axe_check(page)
    page.get_by_role("link", name=name, exact=True).click()
    expect(page).to_have_url(
        f"{live_server.url}/ko/staff/mentoring/applications/{application_id}")
    expect(page.locator("main")).to_contain_text("Taught at a church school.")
    axe_check(page)

    # Declining needs a reason: the form comes back with the error at the message.
    page.check("#decision-1")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#message-error")).to_be_visible()
    expect(page.locator("#decision-1")).to_be_checked()
    axe_check(page)

    page.check("#decision-0")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(t("Mentor: %(name)s", name=name))
    mentor_url = page.url
    assert "/ko/staff/mentoring/mentors/" in mentor_url
    axe_check(page)

    # The check: an expiry before the date is refused, then a good one recorded.
    today = service.today_in_seoul()
    page.fill("#check-checked_on", today.isoformat())
    page.fill("#check-expires_on", (today - timedelta(days=1)).isoformat())
    page.locator("form[action$='/check'] button[type=submit]").click()
    expect(page.locator("#check-expires_on-error")).to_be_visible()
    axe_check(page)
    expires = today + timedelta(days=730)
    page.fill("#check-expires_on", expires.isoformat())
    page.locator("form[action$='/check'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_text(
        t("The child-safety check has been recorded."))
    expect(page.locator("#check-checked_on")).to_have_value(today.isoformat())
    axe_check(page)

    page.goto("/ko/staff/mentoring/mentors")
    expect(page.locator("main table")).to_contain_text(name)
    axe_check(page)

    # The same pages in English.
    page.goto("/en/staff/mentoring/applications?status=all")
    expect(page.locator("main h1")).to_have_text(t("Mentor applications", "en"))
    expect(page.locator("main table")).to_contain_text(name)
    axe_check(page)
    page.goto(f"/en/staff/mentoring/applications/{application_id}")
    expect(page.locator("main")).to_contain_text(t("Approved", "en"))
    axe_check(page)
    page.goto("/en/staff/mentoring/mentors?check=valid")
    expect(page.locator("main table")).to_contain_text(name)
    axe_check(page)
    page.goto(mentor_url.replace("/ko/", "/en/"))
    expect(page.locator("main h1")).to_have_text(t("Mentor: %(name)s", "en", name=name))
    axe_check(page)
    page.goto("/en/staff/mentoring/hours.csv?from=2026-02-30&to=")
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page)
