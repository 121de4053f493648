"""Staff run a mentoring class in a real browser: they add it in Korean, assign a suggested
mentor, cancel a session and record the attendance of one already held; every page checked
with axe and the HTML checker, and visited in English too."""

import uuid
from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.columns import utcnow
from portal.districts import District
from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import (
    Attendance,
    ClassLevel,
    ClassSession,
    MentoringClass,
    Program,
    Weekday,
)
from tests.browser.conftest import account, axe_check, sign_in
from tests.mentoring.conftest import application_values

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "namsan-tower-lantern-52"  # noqa: S105 - test data


def _staff_and_mentor(staff_email: str, name: str, email: str):
    """In an app context: a member of staff (Korean) and an approved mentor, Vietnamese native."""
    staff = account("김민준", staff_email, password=PASSWORD, locale="ko", role=Role.staff)
    person = account(name, email, password=PASSWORD, locale="vi")
    db.session.add_all([staff, person])
    db.session.flush()
    application = service.save_application(person, submit=True, **application_values())
    return staff, service.review(application, "approve", by=staff)


def make_staff_and_mentor(live_server) -> tuple[str, int, str]:
    """A member of staff (Korean) and an approved mentor who speaks Vietnamese natively."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        staff, mentor = _staff_and_mentor(f"classes-{tag}@seoul.example", f"Nguyen Lan {tag}",
                                          f"lan-{tag}@example.org")
        db.session.commit()
        result = staff.email, mentor.id, tag
        db.session.remove()
        return result


def test_staff_add_a_class_assign_a_mentor_and_record_attendance(new_page, live_server):
    email, mentor_id, tag = make_staff_and_mentor(live_server)

    def t(message, lang="ko", **variables):
        return live_server.gettext(lang, message, **variables)

    page = new_page()
    sign_in(page, email, "ko", PASSWORD)
    page.goto("/ko/staff/mentoring/classes")
    axe_check(page)
    page.get_by_role("link", name=t("Add a class"), exact=True).click()
    expect(page.locator("main h1")).to_have_text(t("Add a class"))
    axe_check(page)

    first = service.today_in_seoul() + timedelta(days=14)
    page.select_option("#program", "native_language")
    page.select_option("#language", "vi")
    page.select_option("#level", "beginner")
    page.fill("#title_en", f"Vietnamese for children {tag}")
    page.fill("#title_ko", f"어린이 베트남어 {tag}")
    page.fill("#description_ko", "노래와 이야기")
    page.select_option("#district", "guro")
    page.fill("#address", "구로구 가족센터 2층")
    page.select_option("#weekday", "saturday")
    page.fill("#start_time", "10:00")
    page.fill("#end_time", "09:00")  # before it starts
    page.fill("#first_date", first.isoformat())
    page.fill("#last_date", (first + timedelta(days=27)).isoformat())
    page.fill("#learner_capacity", "8")
    page.fill("#mentor_places", "2")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#end_time-error")).to_be_visible()
    expect(page.locator("#title_ko")).to_have_value(f"어린이 베트남어 {tag}")
    axe_check(page)
    page.fill("#end_time", "12:00")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(f"어린이 베트남어 {tag}")
    axe_check(page)
    with live_server.app.app_context():
        mentoring_class = next(c for c in db.session.scalars(sa.select(MentoringClass))
                               if c.titles.get("en") == f"Vietnamese for children {tag}")
        class_id = mentoring_class.id
        sessions = [s.id for s in db.session.scalars(service.sessions_of(mentoring_class))]
        assert len(sessions) == 4
        db.session.remove()

    # The suggested mentor, assigned.
    suggestion = page.locator(f"#suggestion-{mentor_id}")
    expect(suggestion).to_contain_text(f"Nguyen Lan {tag}")
    page.locator(f"#assign-{mentor_id}").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Nguyen Lan {tag}")
    expect(page.locator("#mentors ~ ul").first).to_contain_text(f"Nguyen Lan {tag}")
    axe_check(page)

    # A session cancelled.
    page.locator(f"#cancel-{sessions[1]}").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#session-{sessions[1]}")).to_contain_text(t("Cancelled"))
    expect(page.locator(f"#cancel-{sessions[1]}")).to_have_count(0)
    axe_check(page)

    # The first session already held: its attendance.
    with live_server.app.app_context():
        held = db.session.get(ClassSession, sessions[0])
        held.starts_at = utcnow() - timedelta(days=1, hours=2)
        held.ends_at = held.starts_at + timedelta(hours=2)
        db.session.commit()
        db.session.remove()
    page.goto(f"/ko/staff/mentoring/classes/{class_id}")
    page.locator(f"#session-{sessions[0]} a").click()
    expect(page.locator("main h1")).to_have_text(t("Attendance"))
    axe_check(page)
    page.locator(f"#mentor-{mentor_id}").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_text(t("Attendance has been recorded."))
    expect(page.locator(f"#mentor-{mentor_id}")).to_be_checked()
    axe_check(page)
    with live_server.app.app_context():
        present = db.session.scalars(sa.select(Attendance.mentor_id).where(
            Attendance.session_id == sessions[0], Attendance.present)).all()
        assert present == [mentor_id]
        db.session.remove()

    # The same pages in English.
    for url in ("/en/staff/mentoring/classes", f"/en/staff/mentoring/classes/{class_id}",
                f"/en/staff/mentoring/classes/{class_id}/edit",
                f"/en/staff/mentoring/classes/{class_id}/sessions/{sessions[0]}"):
        page.goto(url)
        expect(page.locator("main")).to_contain_text(f"Vietnamese for children {tag}")
        axe_check(page)
    page.goto("/en/staff/mentoring/classes/new")
    expect(page.locator("main h1")).to_have_text(t("Add a class", "en"))
    axe_check(page)


def make_mentor_in_two_classes(live_server) -> tuple[str, int, int, int, str]:
    """Staff (Korean), and a mentor with a place in a Saturday and a Sunday class."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        staff, mentor = _staff_and_mentor(f"moves-{tag}@seoul.example", f"Pham Lan {tag}",
                                          f"pham-{tag}@example.org")
        first = service.today_in_seoul() + timedelta(days=7)
        classes = []
        for weekday in (Weekday.saturday, Weekday.sunday):
            classes.append(service.save_class(
                None, by=staff, program=Program.native_language, language="vi",
                level=ClassLevel.beginner, titles={"en": f"{weekday.name} Vietnamese {tag}"},
                descriptions={}, district=District.guro, address="Guro Family Centre, 2F",
                online=False, weekday=weekday, start_time=time(10, 0), end_time=time(12, 0),
                first_date=first, last_date=first + timedelta(days=20), learner_capacity=10,
                mentor_places=2, children=False))
            db.session.flush()
            service.take_place(mentor, classes[-1])
        saturday, sunday = classes
        session = db.session.scalars(service.sessions_of(saturday)).first()
        theirs = db.session.scalars(service.sessions_of(sunday)).first()
        db.session.commit()
        result = (staff.email, saturday.id, session.id,
                  theirs.starts_at.astimezone(service.SEOUL).date().isoformat(),
                  mentor.user.name)
        db.session.remove()
        return result


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_move_onto_a_mentors_other_class_is_refused_with_what_was_typed(
    new_page, live_server, lang
):
    email, class_id, session_id, clash_day, name = make_mentor_in_two_classes(live_server)
    page = new_page()
    sign_in(page, email, lang, PASSWORD)
    page.goto(f"/{lang}/staff/mentoring/classes/{class_id}")
    row = page.locator(f"#session-{session_id}")
    row.locator("summary").click()
    page.fill(f"#move-day-{session_id}", clash_day)
    page.fill(f"#move-start-{session_id}", "11:00")
    page.fill(f"#move-end-{session_id}", "13:00")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.locator("form", has=page.locator(f"#move-day-{session_id}")).locator(
            "button[type=submit]").click()
    assert answer.value.status == 400
    # The refusal says why, next to the day; what was typed is still there.
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(f"#move-day-{session_id}-error")).to_contain_text(name)
    expect(page.locator(f"#move-day-{session_id}")).to_have_value(clash_day)
    expect(page.locator(f"#move-start-{session_id}")).to_have_value("11:00")
    expect(page.locator(f"#move-end-{session_id}")).to_have_value("13:00")
    axe_check(page)
