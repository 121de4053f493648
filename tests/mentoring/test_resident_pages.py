"""Residents' mentoring pages: the application, places for mentors, families' requests,
calendars; who may see what; bounded queries."""

from datetime import time

import icalendar
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import (
    ApplicationStatus,
    Enrolment,
    EnrolmentStatus,
    MentorApplication,
    PlaceStatus,
)
from portal.mentoring.tokens import calendar_token
from tests.support.http import sign_in, submit

LANGS = ("en", "zh", "ja", "vi", "ko")


def _form(**changes) -> dict:
    """A complete application as the browser posts it."""
    data = {
        "programs": ["korean", "native_language"],
        "language_0": "vi", "level_0": "native", "language_1": "ko", "level_1": "c1",
        "korean_level": "topik6", "districts": ["guro", "mapo"], "online": "y",
        "day_0": "saturday", "start_0": "09:00", "end_0": "18:00",
        "day_1": "wednesday", "start_1": "18:00", "end_1": "22:00",
        "experience": "Taught at a church school.",
        "motivation": "I want to help families like mine.", "code_accepted": "y",
        "action": "send",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _application(user) -> MentorApplication | None:
    db.session.expire_all()
    return service.application_of(user)


def test_a_draft_is_saved_incomplete_then_sent(app, client, login, resident):
    login(resident)
    assert client.get("/en/mentoring/").status_code == 200
    response = submit(client, "/en/mentoring/apply",
                      _form(programs=None, motivation="", code_accepted=None, action="draft"))
    assert response.status_code == 302
    draft = _application(resident)
    assert draft.status is ApplicationStatus.draft and draft.programs == []
    assert draft.availability[1] == {"day": "wednesday", "start": "18:00", "end": "22:00"}
    page = client.get("/en/mentoring/apply").get_data(as_text=True)
    assert 'value="22:00"' in page and "Taught at a church school." in page
    home = client.get("/en/mentoring/").get_data(as_text=True)
    assert "/en/mentoring/apply" in home and "Continue my application" in home
    response = submit(client, "/en/mentoring/apply", _form())
    assert response.status_code == 302 and response.location.endswith("/en/mentoring/")
    sent = _application(resident)
    assert sent.id == draft.id and sent.status is ApplicationStatus.submitted
    assert sent.languages == [{"code": "vi", "level": "native"}, {"code": "ko", "level": "c1"}]
    assert "waiting for a decision" in client.get("/en/mentoring/").get_data(as_text=True)
    # Sent: no longer editable.
    assert client.get("/en/mentoring/apply").status_code == 302
    response = client.post("/en/mentoring/apply", data=_form(motivation="Changed"))
    assert _application(resident).motivation == "I want to help families like mine."


def test_more_information_requested_shows_the_question_and_reopens_the_form(
    app, client, login, resident, staff_user
):
    login(resident)
    submit(client, "/en/mentoring/apply", _form())
    service.review(_application(resident), "ask", by=staff_user,
                   message="Which districts on Sundays?")
    db.session.commit()
    assert "Which districts on Sundays?" in client.get("/en/mentoring/").get_data(as_text=True)
    page = client.get("/en/mentoring/apply")
    assert page.status_code == 200 and "Which districts on Sundays?" in page.get_data(as_text=True)
    assert submit(client, "/en/mentoring/apply", _form()).status_code == 302
    assert _application(resident).status is ApplicationStatus.submitted


def test_a_declined_applicant_sees_the_reason_and_may_apply_again(
    app, client, login, resident, staff_user
):
    login(resident)
    submit(client, "/en/mentoring/apply", _form())
    service.review(_application(resident), "decline", by=staff_user, message="No places now.")
    db.session.commit()
    home = client.get("/en/mentoring/").get_data(as_text=True)
    assert "No places now." in home and "Apply again" in home
    assert submit(client, "/en/mentoring/apply", _form()).status_code == 302
    assert _application(resident).status is ApplicationStatus.submitted


@pytest.mark.parametrize("changes, field, message, kept", [
    ({"day_2": "monday", "start_2": "09:00", "end_2": "12:00",
      "day_3": "monday", "start_3": "11:00", "end_3": "13:00"},
     'id="availability-error"', "overlap", ['value="11:00"', 'value="13:00"']),
    ({"start_1": "20:00", "end_1": "19:00"}, 'id="end_1-error"', "later than the start",
     ['value="20:00"', 'value="19:00"']),
    ({"code_accepted": None}, 'id="code_accepted-error"', "code of conduct",
     ['value="22:00"', "Taught at a church school."]),
    ({"day_4": "", "start_4": "10:00", "end_4": "11:00"}, 'id="day_4-error"', "Choose a day",
     ['value="10:00"']),
    ({"language_2": "th"}, 'id="level_2-error"', "how well", ['<option selected value="th">']),
])
def test_mistakes_are_shown_at_their_field_and_nothing_typed_is_lost(
    app, client, login, resident, changes, field, message, kept
):
    login(resident)
    response = submit(client, "/en/mentoring/apply", _form(**changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field in html and message in html and "There is a problem" in html
    for text in kept:
        assert text in html
    assert _application(resident) is None


def test_a_person_sees_and_cancels_only_their_own_requests(
    app, client, login, resident, create_user, make_class
):
    mentoring_class = make_class()
    other = create_user()
    theirs = service.request_enrolment(other, mentoring_class, learner_name="Minh", child=True)
    db.session.commit()
    login(resident)
    assert "Minh" not in client.get("/en/mentoring/").get_data(as_text=True)
    assert "Minh" not in client.get(
        f"/en/mentoring/classes/{mentoring_class.id}").get_data(as_text=True)
    response = submit(client, f"/en/mentoring/enrolments/{theirs.id}/cancel",
                      page="/en/mentoring/")
    assert response.status_code == 404
    assert db.session.get(Enrolment, theirs.id) is not None
    assert submit(client, "/en/mentoring/enrolments/999999/cancel",
                  page="/en/mentoring/").status_code == 404


def test_families_ask_for_a_place_and_cancel_it(app, client, login, resident, make_class):
    mentoring_class = make_class()
    login(resident)
    url = f"/en/mentoring/classes/{mentoring_class.id}"
    response = submit(client, f"{url}/enrol", {"enrol-learner_name": " "}, page=url)
    assert response.status_code == 400
    assert 'id="enrol-learner_name-error"' in response.get_data(as_text=True)
    response = submit(client, f"{url}/enrol",
                      {"enrol-learner_name": "Minh", "enrol-child": "y"}, page=url)
    assert response.status_code == 302
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == resident.id))
    assert (enrolment.learner_name, enrolment.child, enrolment.status) == (
        "Minh", True, EnrolmentStatus.requested)
    again = submit(client, f"{url}/enrol", {"enrol-learner_name": "Minh"}, page=url)
    assert again.status_code == 400 and "already asked" in again.get_data(as_text=True)
    home = client.get("/en/mentoring/").get_data(as_text=True)
    assert "Minh" in home and "Requested" in home
    enrolment_id = enrolment.id
    response = submit(client, f"/en/mentoring/enrolments/{enrolment_id}/cancel",
                      page="/en/mentoring/")
    assert response.status_code == 302
    db.session.expunge_all()
    assert db.session.get(Enrolment, enrolment_id) is None


def test_only_approved_mentors_take_places(app, client, login, resident, make_class):
    mentoring_class = make_class()
    login(resident)
    url = f"/en/mentoring/classes/{mentoring_class.id}"
    submit(client, "/en/mentoring/apply", _form())  # sent, not yet approved
    response = submit(client, f"{url}/place", page=url, follow_redirects=True)
    assert "Only approved mentors can take places" in response.get_data(as_text=True)
    assert service.places_of(mentoring_class) == []
    assert submit(client, f"{url}/withdraw", page=url).status_code == 404


def test_unconfirmed_people_cannot_apply(app, client, login, create_user):
    login(create_user(confirmed=False))
    assert client.get("/en/mentoring/apply").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MentorApplication)) == 0


def test_a_mentor_takes_a_place_joins_the_waiting_list_and_withdraws(
    app, client, login, make_mentor, make_class
):
    mentoring_class = make_class(mentor_places=1)
    first, mentor = make_mentor(), make_mentor()
    service.take_place(first, mentoring_class)
    db.session.commit()
    login(mentor.user)
    url = f"/en/mentoring/classes/{mentoring_class.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="take-place"' in page and "Join the waiting list" in page
    response = submit(client, f"{url}/place", page=url, follow_redirects=True)
    assert "waiting list" in response.get_data(as_text=True)
    assert service.placement_of(mentor, mentoring_class).status is PlaceStatus.waiting
    # Asking again is refused with the reason.
    response = submit(client, f"{url}/place", page=url, follow_redirects=True)
    assert "already have a place" in response.get_data(as_text=True)
    # The first mentor leaves: the place passes to the one waiting.
    service.withdraw(first, mentoring_class)
    db.session.commit()
    db.session.expire_all()
    assert service.placement_of(mentor, mentoring_class).status is PlaceStatus.confirmed
    home = client.get("/en/mentoring/").get_data(as_text=True)
    assert "Vietnamese for children" in home and "Place confirmed" in home
    assert "Download my sessions" in home
    response = submit(client, f"{url}/withdraw", page=url, follow_redirects=True)
    assert "You have withdrawn" in response.get_data(as_text=True)
    db.session.expire_all()
    assert service.placement_of(mentor, mentoring_class) is None


def test_a_class_with_children_tells_a_mentor_without_a_check_why_not(
    app, client, login, make_mentor, make_class
):
    mentoring_class = make_class(children=True)
    login(make_mentor().user)
    url = f"/en/mentoring/classes/{mentoring_class.id}"
    page = client.get(url).get_data(as_text=True)
    assert "child-safety record check is needed" in page and 'id="take-place"' not in page
    response = submit(client, f"{url}/place", page=url, follow_redirects=True)
    assert "child-safety record check is needed" in response.get_data(as_text=True)
    assert service.places_of(mentoring_class) == []


def test_the_mentor_sets_the_most_classes_they_take(app, client, login, make_mentor):
    mentor = make_mentor()
    login(mentor.user)
    response = submit(client, "/en/mentoring/settings", {"settings-max_classes": "4"},
                      page="/en/mentoring/")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(mentor), mentor.id).max_classes == 4
    for bad in ("0", "11", "many"):
        response = submit(client, "/en/mentoring/settings", {"settings-max_classes": bad},
                          page="/en/mentoring/")
        assert response.status_code == 400
        assert 'id="settings-max_classes-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(mentor), mentor.id).max_classes == 4


def test_the_mentor_downloads_and_subscribes_to_their_sessions(
    app, client, login, make_mentor, make_class, create_user
):
    mentor = make_mentor(user=create_user(locale="zh"))
    mentoring_class = make_class(weeks=3, titles={"en": "Vietnamese", "zh": "越南语"})
    service.take_place(mentor, mentoring_class)
    db.session.commit()
    login(mentor.user)
    response = client.get("/ko/mentoring/sessions.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 3 and str(events[0]["SUMMARY"]) == "Vietnamese"  # no Korean title
    feed_url = f"/calendar/mentoring/{calendar_token(mentor.id)}.ics"
    feed = app.test_client().get(feed_url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = list(icalendar.Calendar.from_ical(feed.data).walk("VEVENT"))
    assert len(events) == 3 and str(events[0]["SUMMARY"]) == "越南语"  # the mentor's language
    assert app.test_client().get("/calendar/mentoring/not-a-token.ics").status_code == 404
    assert app.test_client().get(feed_url[:-6] + "x.ics").status_code == 404


def test_people_who_are_not_mentors_have_no_calendar(app, client, login, resident):
    login(resident)
    assert client.get("/en/mentoring/sessions.ics").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders_in_every_language(
    app, client, make_mentor, make_class, resident, lang
):
    mentoring_class = make_class(online=True, district=None, address=None, children=True)
    mentor = make_mentor(check=True)
    service.take_place(mentor, mentoring_class)
    db.session.commit()
    sign_in(client, mentor.user.email, lang=lang)
    for url in ("/mentoring/", "/mentoring/classes", f"/mentoring/classes/{mentoring_class.id}",
                "/mentoring/sessions.ics"):
        assert client.get(f"/{lang}{url}").status_code == 200, url
    family = app.test_client()
    sign_in(family, resident.email, lang=lang)
    for url in ("/mentoring/", "/mentoring/classes", "/mentoring/apply",
                f"/mentoring/classes/{mentoring_class.id}"):
        assert family.get(f"/{lang}{url}").status_code == 200, url


def test_signing_in_is_needed(client, make_class):
    mentoring_class = make_class()
    for url in ("/en/mentoring/", "/en/mentoring/apply", "/en/mentoring/classes",
                f"/en/mentoring/classes/{mentoring_class.id}", "/en/mentoring/sessions.ics"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_home_and_classes_pages_use_a_fixed_number_of_queries(
    app, client, login, make_mentor, make_class, count_queries
):
    mentor = make_mentor()
    first = make_class()
    service.take_place(mentor, first)
    service.request_enrolment(mentor.user, first, learner_name="Ana", child=True)
    db.session.commit()
    login(mentor.user)

    def counts():
        with count_queries() as home:
            assert client.get("/en/mentoring/").status_code == 200
        with count_queries() as classes:
            assert client.get("/en/mentoring/classes").status_code == 200
        return len(home), len(classes)

    before = counts()
    for hour in range(13, 17):
        mentoring_class = make_class(start_time=time(hour), end_time=time(hour, 50),
                                     online=True, district=None, address=None)
        if hour == 13:
            service.take_place(mentor, mentoring_class)  # a second place, the most they take
        service.request_enrolment(mentor.user, mentoring_class, learner_name="Ana", child=True)
    db.session.commit()
    assert counts() == before
