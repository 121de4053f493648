"""Staff run an event in a real browser: they add it in Korean, build an audience, send the
invitations, follow the answers and check guests in at the door on a phone; every page checked
with axe and the HTML checker, and the list and the door page in English too."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.columns import utcnow
from portal.contacts.models import Contact, ContactTag, Tier
from portal.events import service
from portal.events.models import Answer, AnswerChannel, Event, Invitation, Place
from portal.extensions import db
from tests.browser.conftest import account, axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "deoksugung-stonewall-31"  # noqa: S105 - test data
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
SEOUL = ZoneInfo("Asia/Seoul")


def make_staff_and_guests(live_server) -> tuple[str, str, list[str]]:
    """A member of staff, three Global Leaders and one Global Elite sharing a tag."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        staff = account("이서윤", f"events-{tag}@seoul.example", password=PASSWORD, locale="ko",
                        role=Role.staff)
        leaders = [Contact(name=f"{name} {tag}", email=f"{name.lower()}-{tag}@example.org",
                           tier=Tier.global_leaders, locale=locale, organisation="Embassy")
                   for name, locale in (("Amara", "en"), ("Bui", "vi"), ("Chiba", "ja"))]
        elite = Contact(name=f"Dmitri {tag}", email=f"dmitri-{tag}@example.org",
                        tier=Tier.global_elite, locale="en")
        db.session.add_all([staff, *leaders, elite])
        db.session.flush()
        db.session.add_all([ContactTag(contact_id=c.id, tag=tag) for c in [*leaders, elite]])
        db.session.commit()
        result = staff.email, tag, [c.name for c in leaders]
        db.session.remove()
        return result




def test_staff_invite_an_audience_and_check_guests_in(new_page, live_server):
    email, tag, leaders = make_staff_and_guests(live_server)

    def t(message, lang="ko", **variables):
        return live_server.gettext(lang, message, **variables)

    page = new_page()
    sign_in(page, email, "ko", PASSWORD)
    page.goto("/ko/staff/events")
    axe_check(page)
    page.get_by_role("link", name=t("Add an event"), exact=True).click()
    expect(page.locator("main h1")).to_have_text(t("Add an event"))
    axe_check(page)

    # The event, on Seoul's clock.
    starts = (utcnow() + timedelta(days=40)).astimezone(SEOUL).replace(hour=19, minute=0, second=0,
                                                                     microsecond=0)
    page.select_option("#kind", "policy_forum")
    page.fill("#title_en", f"Global Forum {tag}")
    page.fill("#title_ko", f"글로벌 포럼 {tag}")
    page.fill("#starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#ends_at", (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#venue", "서울시청 다목적홀")
    page.fill("#capacity", "50")
    page.fill("#reserved_global_leaders", "100")  # more than the event holds
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#title_ko")).to_have_value(f"글로벌 포럼 {tag}")
    axe_check(page)
    page.fill("#reserved_global_leaders", "10")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(f"글로벌 포럼 {tag}")
    axe_check(page)
    with live_server.app.app_context():
        event = next(e for e in db.session.scalars(sa.select(Event))
                     if e.titles.get("en") == f"Global Forum {tag}")
        event_id = event.id
        assert event.starts_at == starts.astimezone(event.starts_at.tzinfo)
        db.session.remove()

    # The audience: Global Leaders with the tag.
    page.get_by_role("link", name=t("Invite guests"), exact=True).click()
    axe_check(page)
    page.get_by_label(t("Global Leaders"), exact=True).check()
    page.fill("#tag", tag)
    page.get_by_role("button", name=t("Show who this is")).click()
    expect(page.locator("#audience-size")).to_have_text("3")
    expect(page.locator("#audience-new")).to_have_text("3")
    for name in leaders:
        expect(page.locator("main table")).to_contain_text(name)
    expect(page.locator("main table")).not_to_contain_text(f"Dmitri {tag}")
    axe_check(page)
    page.fill("#name", f"Leaders {tag}")
    page.get_by_role("button", name=t("Save the audience")).click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#audience-size")).to_have_text("3")
    page.locator("form[data-progress] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/ko/staff/events/{event_id}")
    expect(page.locator(".flash-success")).to_be_visible()
    invited = page.locator(".stats li").filter(has_text=t("Invited")).first
    expect(invited.locator("dd")).to_have_text("3")
    unanswered = page.locator(".stats li").filter(has_text=t("No answer yet"))
    expect(unanswered.locator("dd")).to_have_text("3")
    axe_check(page)
    # The page the guests see, which staff open though they are not invited.
    page.get_by_role("link", name=t("Page guests see"), exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/ko/events/{event_id}")
    expect(page.locator("main .notice")).to_have_text(t(
        "Only those invited can open this page. You see it as staff; each guest also finds "
        "here their answer and, once confirmed, their check-in code."))
    axe_check(page)
    page.go_back()

    # One guest answered by phone.
    page.get_by_role("link", name=t("Guest list"), exact=True).click()
    axe_check(page)
    row = page.locator("main tbody tr").filter(has_text=leaders[0])
    row.locator("summary").click()
    row.locator("select[name=answer]").select_option("yes")
    row.locator("select[name=via]").select_option("phone")
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    axe_check(page)
    with live_server.app.app_context():
        invitations = {i.contact.name: i for i in db.session.scalars(
            sa.select(Invitation).where(Invitation.event_id == event_id))}
        assert invitations[leaders[0]].place is Place.confirmed
        # A second guest confirmed through their own link, with a code for the door.
        second = invitations[leaders[1]]
        service.answer(second, Answer.yes, via=AnswerChannel.link)
        db.session.commit()
        code = second.checkin_code
        db.session.remove()

    # At the door, on a phone.
    phone = new_page(**PHONE)
    sign_in(phone, email, "ko", PASSWORD)
    phone.goto(f"/ko/staff/events/{event_id}/checkin")
    expect(phone.locator("#code")).to_be_focused()
    axe_check(phone)
    guest = phone.locator("main tbody tr").filter(has_text=leaders[0])
    guest.get_by_role("button").click()
    expect(phone.locator(".flash-success")).to_contain_text(leaders[0])
    expect(phone.locator("#arrived")).to_contain_text("1")
    phone.fill("#code", code.lower())
    phone.locator("main form button[type=submit]").first.click()
    expect(phone.locator(".flash-success")).to_contain_text(leaders[1])
    # The same code again is flagged, not counted.
    phone.goto(f"/ko/staff/events/{event_id}/checkin?code={code}")
    expect(phone.locator("#code")).to_have_value(code)
    phone.locator("main form button[type=submit]").first.click()
    expect(phone.locator(".flash-warning")).to_contain_text(leaders[1])
    axe_check(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the door page scrolls sideways on a phone ({width}px)"
    with live_server.app.app_context():
        counts = service.event_counts(db.session.get(Event, event_id))
        assert (counts.checked_in, counts.yes) == (2, 2)
        db.session.remove()

    # The same pages in English.
    page.goto("/en/staff/events")
    expect(page.locator("main")).to_contain_text(f"Global Forum {tag}")
    axe_check(page)
    page.goto(f"/en/events/{event_id}")
    expect(page.locator("main .notice")).to_contain_text("Only those invited can open this page.")
    axe_check(page)
    page.goto(f"/en/staff/events/{event_id}/checkin")
    expect(page.locator("#arrived")).to_contain_text(
        t("%(arrived)s of %(confirmed)s confirmed guests have arrived.", "en", arrived="2",
          confirmed="2"))
    axe_check(page)
