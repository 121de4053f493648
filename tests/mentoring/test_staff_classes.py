"""Staff pages of classes: the class form on Seoul's clock, sessions cancelled and moved,
mentors assigned from the suggestions, families' requests decided, attendance recorded."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.i18n import format_time_range
from portal.mentoring import service
from portal.mentoring.models import (
    ClassLevel,
    ClassSession,
    EnrolmentStatus,
    MentoringClass,
    PlaceStatus,
    Program,
    Weekday,
)
from portal.notifications.models import Notification
from tests.support.http import csrf_token, submit


def _form(**changes) -> dict:
    first = service.today_in_seoul() + timedelta(days=10)
    values = {
        "program": "native_language", "language": "vi", "level": "beginner",
        "title_en": "Vietnamese for children", "title_ko": "어린이 베트남어",
        "description_en": "Songs and stories.", "district": "guro",
        "address": "Guro Family Centre, 2F", "weekday": "saturday", "start_time": "10:00",
        "end_time": "12:00", "first_date": first.isoformat(),
        "last_date": (first + timedelta(days=27)).isoformat(), "learner_capacity": "10",
        "mentor_places": "2",
    }
    values.update(changes)
    return values


@pytest.fixture
def staff(login, staff_user):
    login(staff_user)
    return staff_user


def _notices(user, kind):
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def _flashes(html: str) -> str:
    match = re.search(r'<div class="flashes" role="status">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _sessions(mentoring_class) -> list[ClassSession]:
    return db.session.scalars(service.sessions_of(mentoring_class)).all()


def _class_page(mentoring_class) -> str:
    return f"/en/staff/mentoring/classes/{mentoring_class.id}"


# -- Who may open the pages ------------------------------------------------------------------


def test_residents_get_403(client, login, resident, make_class, make_mentor, create_user,
                           staff_user):
    mentoring_class = make_class()
    mentor = make_mentor()
    session = _sessions(mentoring_class)[0]
    enrolment = service.request_enrolment(create_user(), mentoring_class, learner_name="An",
                                          child=True)
    db.session.commit()
    base = f"/en/staff/mentoring/classes/{mentoring_class.id}"
    gets = ["/en/staff/mentoring/classes", "/en/staff/mentoring/classes?past=1",
            "/en/staff/mentoring/classes/new", base, f"{base}/edit",
            f"{base}/sessions/{session.id}"]
    posts = [f"{base}/sessions/{session.id}/cancel", f"{base}/sessions/{session.id}/move",
             f"{base}/assign/{mentor.id}", f"{base}/enrolments/{enrolment.id}",
             f"{base}/sessions/{session.id}", f"{base}/edit", "/en/staff/mentoring/classes/new"]
    login(resident)
    for url in gets:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/en/account/")
    for url in posts:
        response = client.post(url, data={"csrf_token": token, "decision": "confirm"})
        assert response.status_code == 403, url
    db.session.expire_all()
    assert db.session.get(ClassSession, session.id).cancelled_at is None
    assert service.places_of(mentoring_class) == []
    assert enrolment.status is EnrolmentStatus.requested


def test_staff_open_every_page(client, staff, make_class):
    mentoring_class = make_class()
    session = _sessions(mentoring_class)[0]
    base = f"/en/staff/mentoring/classes/{mentoring_class.id}"
    for url in ("/en/staff/mentoring/classes", "/en/staff/mentoring/classes?past=1",
                "/en/staff/mentoring/classes?program=korean", "/en/staff/mentoring/classes/new",
                base, f"{base}/edit", f"{base}/sessions/{session.id}"):
        assert client.get(url).status_code == 200, url
    assert client.get("/en/staff/mentoring/classes/999999").status_code == 404


def test_things_of_another_class_are_not_found(client, staff, make_class, make_mentor,
                                               create_user):
    mentoring_class, other = make_class(), make_class(weekday=Weekday.sunday)
    theirs = _sessions(other)[0]
    enrolment = service.request_enrolment(create_user(), other, learner_name="Binh",
                                          child=True)
    db.session.commit()
    base = _class_page(mentoring_class)
    token = csrf_token(client, base)
    assert client.get(f"{base}/sessions/{theirs.id}").status_code == 404
    for url in (f"{base}/sessions/{theirs.id}/cancel", f"{base}/sessions/{theirs.id}/move",
                f"{base}/enrolments/{enrolment.id}", f"{base}/sessions/{theirs.id}",
                f"{base}/assign/999999"):
        response = client.post(url, data={"csrf_token": token, "decision": "confirm",
                                          "day": "2030-01-05", "start": "10:00",
                                          "end": "11:00"})
        assert response.status_code == 404, url
    db.session.expire_all()
    assert db.session.get(ClassSession, theirs.id).cancelled_at is None
    assert enrolment.status is EnrolmentStatus.requested


# -- The list --------------------------------------------------------------------------------


def test_the_list_shows_places_taken_and_waiting(client, staff, make_class, make_mentor,
                                                 create_user, staff_user):
    mentoring_class = make_class(mentor_places=1, learner_capacity=1)
    make_class(program=Program.korean, language="ko",
               titles={"en": "Korean for parents"}, weekday=Weekday.wednesday,
               start_time=time(19), end_time=time(21))
    service.take_place(make_mentor(), mentoring_class)
    service.take_place(make_mentor(), mentoring_class)
    for name in ("An", "Binh"):
        enrolment = service.request_enrolment(create_user(), mentoring_class,
                                              learner_name=name, child=True)
        service.decide_enrolment(enrolment, confirm=True, by=staff_user)
    service.request_enrolment(create_user(), mentoring_class, learner_name="Chau", child=True)
    db.session.commit()
    html = client.get("/en/staff/mentoring/classes").get_data(as_text=True)
    assert "Vietnamese for children" in html and "Korean for parents" in html
    row = re.search(r"<tr>\s*<td><a[^>]*>Vietnamese for children.*?</tr>", html, re.S).group(0)
    assert row.count("1 of 1") == 2 and "Mentors: 1, learners: 1" in row
    assert "1 request to decide" in row
    assert "Vietnamese" in row and "Guro-gu" in row
    only_korean = client.get("/en/staff/mentoring/classes?program=korean").get_data(
        as_text=True)
    assert "Korean for parents" in only_korean and "Vietnamese for children" not in only_korean
    ended = client.get("/en/staff/mentoring/classes?past=1").get_data(as_text=True)
    assert "Vietnamese for children" not in ended


def test_the_list_and_the_class_page_run_a_fixed_number_of_queries(
    client, staff, make_class, make_mentor, create_user, staff_user, count_queries
):
    mentoring_class = make_class(weeks=2, mentor_places=3)

    def add_people(names):
        for name in names:
            service.take_place(make_mentor(), mentoring_class)
            enrolment = service.request_enrolment(create_user(), mentoring_class,
                                                  learner_name=name, child=True)
            service.decide_enrolment(enrolment, confirm=True, by=staff_user)
        make_mentor()  # a suggestion
        db.session.commit()

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    add_people(["An"])
    page = _class_page(mentoring_class)
    few_list, few_page = queries("/en/staff/mentoring/classes"), queries(page)
    for _ in range(3):
        make_class(weekday=Weekday.sunday)
    add_people(["Binh", "Chau", "Dung"])  # the last mentor waits
    assert queries("/en/staff/mentoring/classes") == few_list
    assert queries(page) == few_page


# -- The class form --------------------------------------------------------------------------


def test_a_class_added_in_korean_keeps_seoul_times_and_makes_its_sessions(client, staff):
    response = submit(client, "/ko/staff/mentoring/classes/new", _form(children="y"))
    assert response.status_code == 302
    mentoring_class = db.session.scalar(sa.select(MentoringClass))
    assert response.headers["Location"] == f"/ko/staff/mentoring/classes/{mentoring_class.id}"
    assert (mentoring_class.program, mentoring_class.language, mentoring_class.level) == (
        Program.native_language, "vi", ClassLevel.beginner)
    assert mentoring_class.titles == {"en": "Vietnamese for children", "ko": "어린이 베트남어"}
    assert mentoring_class.children and mentoring_class.created_by_id == staff.id
    sessions = _sessions(mentoring_class)
    assert len(sessions) == 4
    first = sessions[0].starts_at
    assert first.astimezone(service.SEOUL).time() == time(10, 0)
    assert first.astimezone(UTC).time() == time(1, 0)
    assert first.astimezone(service.SEOUL).weekday() == Weekday.saturday.number
    page = client.get(f"/ko/staff/mentoring/classes/{mentoring_class.id}").get_data(
        as_text=True)
    assert "어린이 베트남어" in page and "오전 10:00" in page
    form = client.get(f"/ko/staff/mentoring/classes/{mentoring_class.id}/edit").get_data(
        as_text=True)
    assert 'value="10:00"' in form and 'value="어린이 베트남어"' in form
    response = submit(client, f"/ko/staff/mentoring/classes/{mentoring_class.id}/edit",
                      _form(start_time="09:30", mentor_places="3"))
    assert response.status_code == 302
    db.session.expire_all()  # the sessions made again may reuse the ids of those replaced
    assert mentoring_class.mentor_places == 3 and not mentoring_class.children
    assert _sessions(mentoring_class)[0].starts_at.astimezone(service.SEOUL).time() == time(9, 30)


@pytest.mark.parametrize(("changes", "field"), [
    ({"program": "korean"}, "language"),
    ({"end_time": "09:00"}, "end_time"),
    ({"last_date": "2000-01-01"}, "last_date"),
    ({"address": ""}, "address"),
    ({"mentor_places": "0"}, "mentor_places"),
    ({"start_time": "ten"}, "start_time"),
    ({"title_en": ""}, "title_en"),
    ({"language": "xx"}, "language"),
])
def test_a_refused_class_keeps_what_was_typed(client, staff, changes, field):
    response = submit(client, "/en/staff/mentoring/classes/new", _form(**changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert 'value="어린이 베트남어"' in html and "Songs and stories." in html
    assert 'value="Guro Family Centre, 2F"' in html or field == "address"
    for name, value in changes.items():
        if value and name not in ("program", "language"):
            assert f'value="{value}"' in html, name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MentoringClass)) == 0


def test_mentor_places_cannot_fall_below_the_mentors_placed(client, staff, make_class,
                                                            make_mentor):
    mentoring_class = make_class(mentor_places=2)
    service.take_place(make_mentor(), mentoring_class)
    service.take_place(make_mentor(), mentoring_class)
    db.session.commit()
    url = f"/en/staff/mentoring/classes/{mentoring_class.id}/edit"
    response = submit(client, url, _form(mentor_places="1", title_en="Renamed"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="mentor_places-error"' in html and "2 mentors already hold a place" in html
    assert 'value="Renamed"' in html
    db.session.refresh(mentoring_class)
    assert mentoring_class.mentor_places == 2
    assert mentoring_class.titles["en"] == "Vietnamese for children"


# -- Sessions --------------------------------------------------------------------------------


def test_cancelling_and_moving_sessions_tells_the_mentors(client, staff, make_class,
                                                          make_mentor):
    mentoring_class = make_class(weeks=3)
    mentor = make_mentor()
    service.take_place(mentor, mentoring_class)
    db.session.commit()
    first, second, _third = _sessions(mentoring_class)
    base = _class_page(mentoring_class)
    response = submit(client, f"{base}/sessions/{first.id}/cancel", page=base)
    assert response.status_code == 302 and response.headers["Location"] == f"{base}#sessions"
    db.session.refresh(first)
    assert first.cancelled_at is not None
    assert len(_notices(mentor.user, "mentoring.session_cancelled")) == 1

    new_day = second.starts_at.astimezone(service.SEOUL).date() + timedelta(days=1)
    response = submit(client, f"{base}/sessions/{second.id}/move",
                      {"day": new_day.isoformat(), "start": "14:00", "end": "15:30"}, page=base)
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.starts_at == service.seoul_datetime(new_day, time(14))
    assert second.ends_at == service.seoul_datetime(new_day, time(15, 30))
    assert second.moved_from is not None
    assert len(_notices(mentor.user, "mentoring.session_moved")) == 1
    html = client.get(base).get_data(as_text=True)
    assert "Cancelled" in html and "Moved from" in html
    assert f"{base}/sessions/{first.id}/cancel" not in html  # nothing left to cancel


def _move_form(html: str, session) -> str:
    """The move form of one session's row."""
    match = re.search(rf'<tr id="session-{session.id}">(.*?)</tr>', html, re.S)
    assert match, f"no row for session {session.id}"
    return match.group(1)


def test_a_refused_move_is_said_on_its_form_and_changes_nothing(client, staff, make_class,
                                                                make_mentor):
    mentoring_class = make_class(weeks=2)
    session = _sessions(mentoring_class)[0]
    before = session.starts_at
    base = _class_page(mentoring_class)
    day = session.starts_at.astimezone(service.SEOUL).date().isoformat()
    for data, field, message in (
        ({"day": day, "start": "14:00", "end": "13:00"}, "end",
         "A session must end after it starts."),
        ({"day": "2001-01-01", "start": "14:00", "end": "15:00"}, "day",
         "Move the session to a time still to come."),
        ({"day": "soon", "start": "14:00", "end": "15:00"}, "day", ""),
    ):
        response = submit(client, f"{base}/sessions/{session.id}/move", data, page=base)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "<title>Error:" in html and 'class="error-summary"' in html
        row = _move_form(html, session)
        assert "<details open>" in row
        assert f'id="move-{field}-{session.id}-error"' in row and message in row
        for name, value in data.items():
            assert f'id="move-{name}-{session.id}"' in row
            assert f'value="{value}"' in row, name
    db.session.refresh(session)
    assert session.starts_at == before and session.moved_from is None
    # A session that has started cannot be cancelled.
    session.starts_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    submit(client, f"{base}/sessions/{session.id}/cancel", page=base)
    assert "has started cannot be cancelled" in _flashes(client.get(base).get_data(as_text=True))
    db.session.refresh(session)
    assert session.cancelled_at is None


def test_a_move_onto_a_mentors_other_class_names_the_class_the_mentor_and_the_time(
    app, client, staff, one_mentor_two_classes
):
    mentor, saturday, sunday = one_mentor_two_classes
    session, theirs = _sessions(saturday)[0], _sessions(sunday)[0]
    before = session.starts_at
    day = theirs.starts_at.astimezone(service.SEOUL).date().isoformat()
    base = _class_page(saturday)
    data = {"day": day, "start": "11:00", "end": "13:00"}
    response = submit(client, f"{base}/sessions/{session.id}/move", data, page=base)
    assert response.status_code == 400
    with app.test_request_context("/en/"):
        when = format_time_range(theirs.starts_at, theirs.ends_at)
    row = _move_form(response.get_data(as_text=True), session)
    assert f'id="move-day-{session.id}-error"' in row
    assert (f"Lan Pham, a mentor of this class, mentors “Sunday Vietnamese” at that time "
            f"({when}). Choose another time.") in row
    assert f'value="{day}"' in row and 'value="11:00"' in row and 'value="13:00"' in row
    db.session.refresh(session)
    assert (session.starts_at, session.moved_from) == (before, None)
    assert _notices(mentor.user, "mentoring.session_moved") == []
    # Two hours later the mentor is free: the session moves.
    data.update(start="13:00", end="15:00")
    response = submit(client, f"{base}/sessions/{session.id}/move", data, page=base)
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.starts_at == service.seoul_datetime(theirs.starts_at.astimezone(
        service.SEOUL).date(), time(13))


# -- Mentors ---------------------------------------------------------------------------------


def test_staff_assign_a_suggested_mentor(client, staff, make_class, make_mentor):
    mentoring_class = make_class()
    mentor = make_mentor()
    base = _class_page(mentoring_class)
    html = client.get(base).get_data(as_text=True)
    assert f'id="suggestion-{mentor.id}"' in html
    assert "Vietnamese: Native speaker" in html and "Free at the class’s time" in html
    response = submit(client, f"{base}/assign/{mentor.id}", page=base)
    assert response.status_code == 302
    placement = service.placement_of(mentor, mentoring_class)
    assert placement.status is PlaceStatus.confirmed and placement.assigned_by_id == staff.id
    assert len(_notices(mentor.user, "mentoring.place")) == 1
    html = client.get(base).get_data(as_text=True)
    assert f'id="suggestion-{mentor.id}"' not in html
    assert f"/staff/mentoring/mentors/{mentor.id}" in html
    # Assigned twice: refused in words.
    submit(client, f"{base}/assign/{mentor.id}", page=base)
    assert "already has a place" in _flashes(client.get(base).get_data(as_text=True))


def test_assigning_to_a_full_class_is_refused_with_a_message(client, staff, make_class,
                                                             make_mentor):
    mentoring_class = make_class(mentor_places=1)
    service.take_place(make_mentor(), mentoring_class)
    late = make_mentor()
    db.session.commit()
    base = _class_page(mentoring_class)
    html = client.get(base).get_data(as_text=True)
    assert "Every mentor place of this class is taken." in html
    assert f'id="assign-{late.id}"' not in html
    response = submit(client, f"{base}/assign/{late.id}", page=base)
    assert response.status_code == 302
    flashes = _flashes(client.get(base).get_data(as_text=True))
    assert "was not assigned" in flashes and "Every mentor place" in flashes
    assert service.placement_of(late, mentoring_class) is None


# -- Families --------------------------------------------------------------------------------


def test_staff_confirm_and_decline_family_requests(client, staff, make_class, create_user):
    mentoring_class = make_class(learner_capacity=1)
    families = [create_user(), create_user(), create_user()]
    first, second, third = (
        service.request_enrolment(family, mentoring_class, learner_name=name, child=True)
        for family, name in zip(families, ("An", "Binh", "Chau"), strict=True))
    db.session.commit()
    base = _class_page(mentoring_class)
    url = f"{base}/enrolments/"
    assert submit(client, f"{url}{first.id}", {"decision": "confirm"},
                  page=base).status_code == 302
    submit(client, f"{url}{second.id}", {"decision": "confirm"}, page=base)
    html = client.get(base).get_data(as_text=True)
    assert "Binh is on the waiting list" in _flashes(html)
    submit(client, f"{url}{third.id}", {"decision": "decline"}, page=base)
    submit(client, f"{url}{first.id}", {"decision": "maybe"}, page=base)
    assert "Choose to confirm or to decline" in _flashes(client.get(base).get_data(as_text=True))
    db.session.expire_all()
    assert (first.status, second.status, third.status) == (
        EnrolmentStatus.confirmed, EnrolmentStatus.waiting, EnrolmentStatus.declined)
    assert len(_notices(families[1], "mentoring.enrolment")) == 1
    # A confirmed place declined: the first waiting gets it.
    submit(client, f"{url}{first.id}", {"decision": "decline"}, page=base)
    db.session.expire_all()
    assert (first.status, second.status) == (EnrolmentStatus.declined,
                                             EnrolmentStatus.confirmed)


# -- Attendance ------------------------------------------------------------------------------


def test_attendance_is_recorded_and_shown(client, staff, make_class, make_mentor, create_user,
                                          staff_user):
    mentoring_class = make_class()
    came, away = make_mentor(), make_mentor()
    service.take_place(came, mentoring_class)
    service.take_place(away, mentoring_class)
    learner = service.request_enrolment(create_user(), mentoring_class, learner_name="An",
                                        child=True)
    service.decide_enrolment(learner, confirm=True, by=staff_user)
    db.session.commit()
    session = _sessions(mentoring_class)[0]
    url = f"{_class_page(mentoring_class)}/sessions/{session.id}"
    html = client.get(url).get_data(as_text=True)
    assert "once the session has started" in html and 'name="mentor"' not in html
    response = submit(client, url, {"mentor": [str(came.id)], "learner": [str(learner.id)]},
                      page=_class_page(mentoring_class))
    assert response.status_code == 400
    assert "once the session has started" in response.get_data(as_text=True)

    session.starts_at -= timedelta(days=15)
    session.ends_at -= timedelta(days=15)
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert f'id="mentor-{came.id}"' in html and f'id="learner-{learner.id}"' in html
    assert "checked" not in html
    response = submit(client, url, {"mentor": [str(came.id)], "learner": [str(learner.id)]})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert service.attendance_of(session) == {"mentors": {came.id}, "learners": {learner.id}}
    assert service.volunteer_hours([came.id, away.id]) == {came.id: 2.0, away.id: 0.0}
    html = client.get(url).get_data(as_text=True)
    assert re.search(rf'id="mentor-{came.id}" name="mentor" value="{came.id}" checked', html)
    assert not re.search(rf'id="mentor-{away.id}"[^>]*checked', html)

    # A cancelled session takes no attendance.
    later = _sessions(mentoring_class)[1]
    service.cancel_session(later, by=staff_user)
    db.session.commit()
    later_url = f"{_class_page(mentoring_class)}/sessions/{later.id}"
    assert "This session is cancelled." in client.get(later_url).get_data(as_text=True)


def test_the_dashboard_counts_running_classes_and_keeps_the_panel_a_minute(
        client, login, staff_user, make_class):
    from portal.extensions import cache

    def panel(lang):
        html = client.get(f"/{lang}/staff/").get_data(as_text=True)
        return html.split('id="mentoring-heading"')[1].split("</section>")[0]

    make_class()
    login(staff_user)
    assert "Classes running</dt><dd>1</dd>" in panel("en")
    make_class()
    assert "Classes running</dt><dd>1</dd>" in panel("en")  # the same for all staff, a minute
    assert 'href="/ko/staff/mentoring/classes"' in panel("ko")
    cache.clear()
    assert "Classes running</dt><dd>2</dd>" in panel("en")
