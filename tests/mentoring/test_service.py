"""The rules of mentoring: applications, places and waiting lists, clashes, checks, hours."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from portal.columns import utcnow
from portal.errors import ValidationError
from portal.extensions import db
from portal.i18n import format_time_range
from portal.mentoring import service
from portal.mentoring.models import (
    ApplicationStatus,
    ClassSession,
    EnrolmentStatus,
    Mentor,
    PlaceStatus,
    Program,
    Weekday,
)
from portal.notifications.models import Notification
from tests.mentoring.conftest import application_values


def _notices(user, kind):
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def test_a_draft_may_be_incomplete_but_a_submitted_application_may_not(app, create_user):
    user = create_user()
    draft = service.save_application(user, submit=False,
                                     **application_values(programs=[], motivation=""))
    assert draft.status is ApplicationStatus.draft
    with pytest.raises(ValidationError) as error:
        service.save_application(user, submit=True,
                                 **application_values(programs=[], motivation=""))
    assert error.value.field == "programs"
    submitted = service.save_application(user, submit=True, **application_values())
    assert submitted.id == draft.id and submitted.status is ApplicationStatus.submitted


@pytest.mark.parametrize("ranges, message", [
    ([{"day": "monday", "start": "18:00", "end": "17:00"}], "ends before it starts"),
    ([{"day": "monday", "start": "09:00", "end": "12:00"},
      {"day": "monday", "start": "11:00", "end": "13:00"}], "overlap"),
])
def test_availability_ranges_must_make_sense(app, create_user, ranges, message):
    with pytest.raises(ValidationError, match=message):
        service.save_application(create_user(), submit=False,
                                 **application_values(availability=ranges))


def test_the_native_language_program_needs_a_taught_language_spoken_well(app, create_user):
    with pytest.raises(ValidationError, match="C1 or above"):
        service.save_application(create_user(), submit=True, **application_values(
            languages=[{"code": "vi", "level": "b1"}]))


def test_review_tells_the_applicant_and_approval_makes_a_mentor(app, create_user, staff_user):
    user = create_user(locale="zh")
    application = service.save_application(user, submit=True, **application_values())
    service.review(application, "ask", by=staff_user, message="Which districts on Sundays?")
    assert application.status is ApplicationStatus.more_information
    service.save_application(user, submit=True, **application_values())
    mentor = service.review(application, "approve", by=staff_user)
    db.session.commit()
    assert service.mentor_of(user) is mentor
    assert len(_notices(user, "mentoring.application")) == 2
    with pytest.raises(ValidationError):
        service.review(application, "decline", by=staff_user, message="no")


def test_a_decline_needs_a_reason(app, create_user, staff_user):
    application = service.save_application(create_user(), submit=True,
                                           **application_values())
    with pytest.raises(ValidationError) as error:
        service.review(application, "decline", by=staff_user, message="  ")
    assert error.value.field == "message"


def test_sessions_are_generated_weekly_in_seoul_time(app, make_class):
    mentoring_class = make_class(weeks=3)
    sessions = db.session.scalars(service.sessions_of(mentoring_class)).all()
    assert len(sessions) == 3
    first = sessions[0].starts_at.astimezone(service.SEOUL)
    assert (first.weekday(), first.time()) == (Weekday.saturday.number, time(10, 0))
    assert sessions[0].hours == 2


def test_a_full_class_puts_the_next_mentor_on_the_waiting_list_and_a_freed_place_goes_to_them(
    app, make_class, make_mentor
):
    mentoring_class = make_class(mentor_places=1)
    first, second = make_mentor(), make_mentor()
    assert service.take_place(first, mentoring_class).status is PlaceStatus.confirmed
    assert service.take_place(second, mentoring_class).status is PlaceStatus.waiting
    service.withdraw(first, mentoring_class)
    db.session.commit()
    assert service.placement_of(second, mentoring_class).status is PlaceStatus.confirmed
    assert len(_notices(second.user, "mentoring.place")) == 1


def test_withdrawing_closes_48_hours_before_the_next_session(app, make_class, make_mentor):
    mentoring_class = make_class()
    mentor = make_mentor()
    service.take_place(mentor, mentoring_class)
    first = db.session.scalars(service.sessions_of(mentoring_class)).first()
    first.starts_at = utcnow() + timedelta(hours=30)
    first.ends_at = first.starts_at + timedelta(hours=2)
    db.session.commit()
    with pytest.raises(ValidationError, match="48 hours"):
        service.withdraw(mentor, mentoring_class)


def test_a_mentor_never_holds_two_places_whose_sessions_overlap(app, make_class, make_mentor):
    mentor = make_mentor()
    service.take_place(mentor, make_class(titles={"en": "Saturday Vietnamese"}))
    overlapping = make_class(start_time=time(11, 0), end_time=time(13, 0))
    with pytest.raises(ValidationError, match="clashes with “Saturday Vietnamese”"):
        service.take_place(mentor, overlapping)
    later = make_class(start_time=time(14, 0), end_time=time(16, 0))
    assert service.take_place(mentor, later).status is PlaceStatus.confirmed


def test_a_mentor_takes_no_more_classes_than_they_chose(app, make_class, make_mentor):
    mentor = make_mentor()
    mentor.max_classes = 1
    service.take_place(mentor, make_class())
    with pytest.raises(ValidationError, match="the most you chose"):
        service.take_place(mentor, make_class(weekday=Weekday.wednesday,
                                              start_time=time(19, 0), end_time=time(21, 0)))


def test_classes_with_children_need_a_valid_safety_check(app, make_class, make_mentor):
    with_children = make_class(children=True)
    unchecked = make_mentor()
    with pytest.raises(ValidationError, match="child-safety record check is needed"):
        service.take_place(unchecked, with_children)
    expiring = make_mentor(check=True)
    expiring.check_expires = with_children.last_date - timedelta(days=1)
    with pytest.raises(ValidationError, match="expires before the class ends"):
        service.take_place(expiring, with_children)
    assert service.take_place(make_mentor(check=True), with_children)


def test_the_check_state_reads_the_same_in_python_and_in_sql(app, make_mentor):
    today = service.today_in_seoul()
    mentors = {}
    for checked, days in ((False, None), (True, -1), (True, 0), (True, 30), (True, 31),
                          (False, 100)):
        mentor = make_mentor()
        mentor.check_date = today - timedelta(days=400) if checked else None
        mentor.check_expires = today + timedelta(days=days) if days is not None else None
        mentors[mentor.id] = mentor
    db.session.flush()
    for state in ("missing", "expired", "expiring", "valid"):
        found = set(db.session.scalars(sa.select(Mentor.id).where(
            Mentor.id.in_(mentors), service.check_state_is(state, today=today))))
        assert found == {mentor_id for mentor_id, mentor in mentors.items()
                         if service.check_state(mentor, today=today) == state}, state


def test_a_mentor_must_be_approved_for_the_program(app, make_class, make_mentor):
    mentor = make_mentor(programs=["korean"])
    with pytest.raises(ValidationError, match="not been approved for this program"):
        service.take_place(mentor, make_class())


def test_suspension_releases_places_and_tells_the_class_coordinator(
    app, make_class, make_mentor, staff_user
):
    mentoring_class = make_class(mentor_places=1)
    suspended, waiting = make_mentor(), make_mentor()
    service.take_place(suspended, mentoring_class)
    service.take_place(waiting, mentoring_class)
    assert service.suspend(suspended, by=staff_user, reason="Complaint under review") == 1
    db.session.commit()
    assert service.placement_of(suspended, mentoring_class) is None
    assert service.placement_of(waiting, mentoring_class).status is PlaceStatus.confirmed
    assert _notices(staff_user, "mentoring.mentor_left")
    with pytest.raises(ValidationError, match="suspended"):
        service.take_place(suspended, make_class(weekday=Weekday.wednesday))


def test_suggestions_rank_by_fit_with_reasons(app, make_class, make_mentor):
    mentoring_class = make_class()
    good = make_mentor()
    far = make_mentor(districts=["nowon"], online=False,
                      languages=[{"code": "vi", "level": "c1"}])
    ranked = service.suggested_mentors(mentoring_class)
    assert [mentor.id for mentor, _ in ranked] == [good.id, far.id]
    best_fit = ranked[0][1]
    assert "Can reach Guro-gu" in best_fit.reasons and not best_fit.problems
    assert "Cannot reach Guro-gu" in ranked[1][1].problems


def test_moving_or_cancelling_a_session_tells_everyone_concerned(
    app, make_class, make_mentor, create_user, staff_user
):
    mentoring_class = make_class()
    mentor = make_mentor()
    service.take_place(mentor, mentoring_class)
    family = create_user()
    enrolment = service.request_enrolment(family, mentoring_class, learner_name="Minh",
                                          child=True)
    service.decide_enrolment(enrolment, confirm=True, by=staff_user)
    first, second = db.session.scalars(service.sessions_of(mentoring_class)).all()[:2]
    service.cancel_session(first, by=staff_user)
    service.move_session(second, starts_at=second.starts_at + timedelta(hours=3),
                         ends_at=second.ends_at + timedelta(hours=3), by=staff_user)
    db.session.commit()
    for person in (mentor.user, family):
        assert len(_notices(person, "mentoring.session_cancelled")) == 1
        assert len(_notices(person, "mentoring.session_moved")) == 1


def _sessions(mentoring_class) -> list[ClassSession]:
    return db.session.scalars(service.sessions_of(mentoring_class)).all()


def test_a_session_is_not_moved_onto_a_session_of_a_mentors_other_class(
    app, one_mentor_two_classes, staff_user
):
    mentor, saturday, sunday = one_mentor_two_classes
    session, theirs = _sessions(saturday)[0], _sessions(sunday)[0]
    before = session.starts_at
    starts_at, ends_at = theirs.starts_at + timedelta(hours=1), theirs.ends_at + timedelta(hours=1)
    with app.test_request_context("/en/"), pytest.raises(ValidationError) as refused:
        when = format_time_range(theirs.starts_at, theirs.ends_at)
        service.move_session(session, starts_at=starts_at, ends_at=ends_at, by=staff_user)
    assert refused.value.field == "starts_at"
    assert refused.value.message == (
        f"Lan Pham, a mentor of this class, mentors “Sunday Vietnamese” at that time ({when}). "
        "Choose another time.")
    db.session.rollback()
    db.session.refresh(session)
    assert (session.starts_at, session.moved_from) == (before, None)
    assert _notices(mentor.user, "mentoring.session_moved") == []
    # Once the other class's session is cancelled, the time is free.
    service.cancel_session(theirs, by=staff_user)
    service.move_session(session, starts_at=starts_at, ends_at=ends_at, by=staff_user)
    assert session.starts_at == starts_at and session.moved_from == before


def test_only_confirmed_mentors_of_running_classes_make_a_move_clash(
    app, make_class, make_mentor, staff_user
):
    saturday = make_class(mentor_places=1)
    sunday = make_class(weekday=Weekday.sunday)
    service.take_place(make_mentor(), saturday)
    waiting = make_mentor()
    service.take_place(waiting, sunday)
    assert service.take_place(waiting, saturday).status is PlaceStatus.waiting
    session, theirs = _sessions(saturday)[0], _sessions(sunday)[0]
    service.move_session(session, starts_at=theirs.starts_at, ends_at=theirs.ends_at,
                         by=staff_user)
    assert session.starts_at == theirs.starts_at


def test_a_session_is_not_moved_onto_another_session_of_its_class(app, make_class,
                                                                  staff_user):
    mentoring_class = make_class(weeks=3)
    first, second, third = _sessions(mentoring_class)
    with app.test_request_context("/en/"), pytest.raises(ValidationError) as refused:
        service.move_session(first, starts_at=second.starts_at + timedelta(hours=1),
                             ends_at=second.ends_at + timedelta(hours=1), by=staff_user)
    assert refused.value.field == "starts_at"
    assert "This class already has a session at that time" in refused.value.message
    # Later on its own day, overlapping the time it leaves: allowed.
    service.move_session(first, starts_at=first.starts_at + timedelta(hours=1),
                         ends_at=first.ends_at + timedelta(hours=1), by=staff_user)
    # Onto a session of the class that is cancelled: allowed.
    service.cancel_session(third, by=staff_user)
    service.move_session(second, starts_at=third.starts_at, ends_at=third.ends_at,
                         by=staff_user)
    assert second.starts_at == third.starts_at


def test_editing_the_schedule_keeps_sessions_moved_or_cancelled_by_hand(
    app, make_class, staff_user
):
    mentoring_class = make_class(weeks=4)
    sessions = db.session.scalars(service.sessions_of(mentoring_class)).all()
    service.cancel_session(sessions[0], by=staff_user)
    values = {name: getattr(mentoring_class, name) for name in (
        "program", "language", "level", "titles", "descriptions", "district", "address",
        "online", "weekday", "start_time", "end_time", "first_date", "last_date",
        "learner_capacity", "mentor_places", "children")}
    values["start_time"], values["end_time"] = time(13, 0), time(15, 0)
    service.save_class(mentoring_class, by=staff_user, **values)
    db.session.commit()
    after = db.session.scalars(service.sessions_of(mentoring_class)).all()
    assert len(after) == 4
    assert after[0].id == sessions[0].id and after[0].cancelled_at is not None
    assert after[1].starts_at.astimezone(service.SEOUL).time() == time(13, 0)


def test_class_rules_refuse_bad_input(app, make_class):
    with pytest.raises(ValidationError, match="does not teach"):
        make_class(program=Program.korean, language="vi")
    with pytest.raises(ValidationError, match="must not be before"):
        make_class(last_date=date.today())
    with pytest.raises(ValidationError, match="end after it starts"):
        make_class(start_time=time(12, 0), end_time=time(11, 0))


def test_family_places_wait_when_the_class_is_full(app, make_class, create_user, staff_user):
    mentoring_class = make_class(learner_capacity=1)
    first = service.request_enrolment(create_user(), mentoring_class, learner_name="An",
                                      child=True)
    second = service.request_enrolment(create_user(), mentoring_class, learner_name="Binh",
                                       child=True)
    service.decide_enrolment(first, confirm=True, by=staff_user)
    service.decide_enrolment(second, confirm=True, by=staff_user)
    assert (first.status, second.status) == (EnrolmentStatus.confirmed, EnrolmentStatus.waiting)
    service.cancel_enrolment(first)
    assert second.status is EnrolmentStatus.confirmed


def test_attendance_makes_volunteer_hours(app, make_class, make_mentor, staff_user):
    mentoring_class = make_class()
    mentor, absent = make_mentor(), make_mentor()
    service.take_place(mentor, mentoring_class)
    service.take_place(absent, mentoring_class)
    session = db.session.scalars(service.sessions_of(mentoring_class)).first()
    with pytest.raises(ValidationError, match="once the session has started"):
        service.record_attendance(session, mentors_present=[mentor.id], learners_present=[],
                                  by=staff_user)
    session.starts_at -= timedelta(days=15)
    session.ends_at -= timedelta(days=15)
    service.record_attendance(session, mentors_present=[mentor.id], learners_present=[],
                              by=staff_user)
    db.session.commit()
    assert service.volunteer_hours([mentor.id, absent.id]) == {mentor.id: 2.0, absent.id: 0.0}


def test_the_tick_reminds_of_tomorrows_sessions_once(app, make_class, make_mentor):
    from click.testing import CliRunner

    mentoring_class = make_class()
    mentor = make_mentor()
    service.take_place(mentor, mentoring_class)
    session = db.session.scalars(service.sessions_of(mentoring_class)).first()
    session.starts_at = utcnow() + timedelta(hours=20)
    session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    assert "sessions reminded: 1" in CliRunner().invoke(app.cli, ["mentoring", "tick"]).output
    assert "sessions reminded: 0" in CliRunner().invoke(app.cli, ["mentoring", "tick"]).output
    assert len(_notices(mentor.user, "mentoring.session_reminder")) == 1


def test_the_sessions_download_as_valid_icalendar(app, make_class, make_mentor):
    import icalendar

    from portal.mentoring.calendar import sessions_ics

    mentoring_class = make_class(weeks=2)
    mentor = make_mentor()
    service.take_place(mentor, mentoring_class)
    db.session.commit()
    with app.test_request_context("/en/"):
        body = sessions_ics(service.sessions_for_calendar(mentor.id), "en", name="Sessions")
    calendar = icalendar.Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    first = db.session.scalars(sa.select(ClassSession).order_by(ClassSession.starts_at)).first()
    assert events[0].decoded("DTSTART") == first.starts_at
    assert str(events[0]["SUMMARY"]) == "Vietnamese for children"
