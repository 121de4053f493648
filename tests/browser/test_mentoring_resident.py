"""Mentoring in a real browser: a resident applies in Chinese, is approved, takes a place in a
class that fits them and downloads their sessions; a family asks for a place. Every page is
checked with axe and the HTML checker, in two languages."""

import uuid
from datetime import time, timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role, User
from portal.districts import District
from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import ApplicationStatus, ClassLevel, PlaceStatus, Program, Weekday
from tests.browser.conftest import account, axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "hangang-ferry-lantern-72"  # noqa: S105 - test data
TITLES = {"en": "Vietnamese stories", "zh": "越南语故事", "vi": "Truyện tiếng Việt",
          "ko": "베트남어 이야기", "ja": "ベトナム語のお話"}


def make_people_and_class(live_server, *, locale: str) -> tuple[str, int, str]:
    """A resident, a member of staff and a class of Vietnamese on Saturday mornings."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        resident = account(f"Nguyen Lan {tag}", f"lan-{tag}@example.vn", password=PASSWORD,
                           locale=locale)
        staff = account("김민준", f"mentoring-{tag}@seoul.example", password=PASSWORD,
                        locale="ko", role=Role.staff)
        db.session.add_all([resident, staff])
        db.session.flush()
        first = service.today_in_seoul() + timedelta(days=7)
        mentoring_class = service.save_class(
            None, by=staff, program=Program.native_language, language="vi",
            level=ClassLevel.beginner, titles={k: f"{v} {tag}" for k, v in TITLES.items()},
            descriptions={"en": "Songs and stories."}, district=District.guro,
            address="Guro Family Centre, 2F", online=False, weekday=Weekday.saturday,
            start_time=time(10), end_time=time(12), first_date=first,
            last_date=first + timedelta(days=27), learner_capacity=10, mentor_places=2,
            children=False)
        db.session.commit()
        result = resident.email, mentoring_class.id, tag
        db.session.remove()
        return result


def approve(live_server, email: str) -> None:
    """Staff approve the application (through the service, as the staff page would)."""
    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        staff = db.session.scalar(db.select(User).where(User.role == Role.staff))
        application = service.application_of(user)
        assert application.status is ApplicationStatus.submitted
        service.review(application, "approve", by=staff)
        db.session.commit()
        db.session.remove()


def place_of(live_server, email: str, class_id: int):
    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        mentor = service.mentor_of(user)
        placement = service.placement_of(mentor, service.get_class_or_404(class_id))
        result = placement.status if placement else None
        db.session.remove()
        return result




def test_a_resident_applies_in_chinese_takes_a_place_and_downloads_the_calendar(
    new_page, live_server, tmp_path
):
    email, class_id, tag = make_people_and_class(live_server, locale="zh")

    def t(message, lang="zh", **variables):
        return live_server.gettext(lang, message, **variables)

    page = new_page()
    sign_in(page, email, "zh", PASSWORD)
    page.goto("/en/mentoring/apply")  # the form in English first
    expect(page.locator("main h1")).to_have_text(t("Apply to mentor", "en"))
    axe_check(page)
    page.goto("/zh/mentoring/")
    expect(page.locator("main h1")).to_have_text(t("Mentoring"))
    axe_check(page)
    page.locator("main a[href='/zh/mentoring/apply']").click()
    expect(page.locator("main h1")).to_have_text(t("Apply to mentor"))
    axe_check(page)

    page.check("input[name=programs][value=native_language]")
    page.select_option("#language_0", "vi")
    page.select_option("#level_0", "native")
    page.select_option("#korean_level", "topik4")
    page.check("input[name=districts][value=guro]")
    page.check("input[name=districts][value=mapo]")
    page.select_option("#day_0", "saturday")
    page.fill("#start_0", "09:00")
    page.fill("#end_0", "13:00")
    page.fill("#motivation", "我想帮助像我一样的家庭。")
    # Sent without agreeing: the mistake is shown at its field and nothing is lost.
    page.click("button[name=action][value=send]")
    expect(page.locator("#code_accepted-error")).to_be_visible()
    expect(page.locator("#end_0")).to_have_value("13:00")
    expect(page.locator("#motivation")).to_have_value("我想帮助像我一样的家庭。")
    axe_check(page)
    page.check("#code_accepted")
    page.click("button[name=action][value=send]")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(t("Submitted"))
    axe_check(page)

    approve(live_server, email)

    page.goto("/zh/mentoring/")
    page.locator("main a[href='/zh/mentoring/classes']").first.click()
    expect(page.locator("main h1")).to_have_text(t("Classes for you"))
    axe_check(page)
    page.locator(f"main a[href='/zh/mentoring/classes/{class_id}']").click()
    expect(page.locator("main h1")).to_have_text(f"{TITLES['zh']} {tag}")
    axe_check(page)
    page.click("#take-place")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#withdraw")).to_be_visible()
    axe_check(page)
    assert place_of(live_server, email, class_id) is PlaceStatus.confirmed

    page.goto("/zh/mentoring/")
    expect(page.locator("main")).to_contain_text(f"{TITLES['zh']} {tag}")
    expect(page.locator("main")).to_contain_text(t("Place confirmed"))
    axe_check(page)
    with page.expect_download() as info:
        page.click("#sessions-ics")
    path = tmp_path / "sessions.ics"
    info.value.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert summaries == {f"{TITLES['zh']} {tag}"}
    assert len(list(calendar.walk("VEVENT"))) == 4

    # The mentor's pages in English too.
    for url in ("/en/mentoring/", "/en/mentoring/classes", f"/en/mentoring/classes/{class_id}"):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        axe_check(page)


def test_a_family_asks_for_a_place_and_cancels_it(new_page, live_server):
    email, class_id, tag = make_people_and_class(live_server, locale="vi")

    def t(message, lang="vi", **variables):
        return live_server.gettext(lang, message, **variables)

    page = new_page()
    sign_in(page, email, "vi", PASSWORD)
    for lang in ("en", "vi"):
        page.goto(f"/{lang}/mentoring/classes")
        expect(page.locator("main h1")).to_have_text(t("Classes", lang))
        axe_check(page)
    page.locator(f"main a[href='/vi/mentoring/classes/{class_id}']").click()
    axe_check(page)
    page.click("#enrol")  # no name: the mistake is shown at its field
    expect(page.locator("#enrol-learner_name-error")).to_be_visible()
    axe_check(page)
    page.fill("#enrol-learner_name", "Minh")
    page.check("#enrol-child")
    page.click("#enrol")
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/vi/mentoring/")
    row = page.locator("main table tbody tr")
    expect(row).to_contain_text("Minh")
    expect(row).to_contain_text(t("Requested"))
    axe_check(page)
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main table")).to_have_count(0)
    axe_check(page)
