"""Staff pages for mentors: deciding applications, the mentors and their checks, suspensions,
and the export of volunteer hours."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import ApplicationStatus, Mentor, PlaceStatus, Weekday
from portal.notifications.models import Notification
from tests.mentoring.conftest import application_values
from tests.support.http import csrf_token, submit

BASE = "/en/staff/mentoring"
DECISIONS = ["approve", "decline", "ask"]


def _submitted(create_user, **changes):
    user = create_user(**changes)
    application = service.save_application(user, submit=True, **application_values())
    db.session.commit()
    return application


def _notices(user, kind):
    return db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)).all()


def _staff_urls(mentor_id: int, application_id: int) -> list[str]:
    return [f"{BASE}/applications", f"{BASE}/applications/{application_id}",
            f"{BASE}/mentors", f"{BASE}/mentors/{mentor_id}",
            f"{BASE}/hours.csv?from=2026-01-01&to=2026-01-31"]


def _post_urls(mentor_id: int, application_id: int) -> list[str]:
    return [f"{BASE}/applications/{application_id}/decision",
            f"{BASE}/mentors/{mentor_id}/check", f"{BASE}/mentors/{mentor_id}/max-classes",
            f"{BASE}/mentors/{mentor_id}/suspend", f"{BASE}/mentors/{mentor_id}/reinstate"]


def test_residents_get_403_on_every_page(client, login, resident, make_mentor, create_user):
    mentor = make_mentor()
    application = _submitted(create_user)
    login(resident)
    for url in _staff_urls(mentor.id, application.id):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/en/")
    for url in _post_urls(mentor.id, application.id):
        response = client.post(url, data={"csrf_token": token, "decision": "approve",
                                          "suspend-reason": "x"})
        assert response.status_code == 403, url
    assert mentor.suspended_at is None
    assert application.status is ApplicationStatus.submitted


def test_staff_see_submitted_applications_but_not_drafts(client, login, staff_user,
                                                         create_user):
    waiting = _submitted(create_user, name="Nguyen Thi Lan")
    drafter = create_user(name="Draft Drafter")
    draft = service.save_application(drafter, submit=False, **application_values())
    db.session.commit()
    login(staff_user)
    listing = client.get(f"{BASE}/applications").get_data(as_text=True)
    assert "Nguyen Thi Lan" in listing and "Draft Drafter" not in listing
    assert client.get(f"{BASE}/applications?status=all").status_code == 200
    assert client.get(f"{BASE}/applications?status=bogus").status_code == 200
    page = client.get(f"{BASE}/applications/{waiting.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Vietnamese: Native speaker" in html
    assert "Saturday 09:00–18:00" in html
    assert "TOPIK level 6" in html and "Guro-gu" in html
    assert client.get(f"{BASE}/applications/{draft.id}").status_code == 404
    assert client.get(f"{BASE}/applications/{draft.id + 1000}").status_code == 404


def test_approving_makes_a_mentor_and_tells_the_applicant(client, login, staff_user,
                                                          create_user):
    application = _submitted(create_user)
    login(staff_user)
    response = submit(client, f"{BASE}/applications/{application.id}/decision",
                      {"decision": "approve"}, page=f"{BASE}/applications/{application.id}")
    mentor = service.mentor_of(application.user)
    assert mentor is not None
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/mentors/{mentor.id}")
    db.session.refresh(application)
    assert application.status is ApplicationStatus.approved
    assert len(_notices(application.user, "mentoring.application")) == 1
    page = client.get(f"{BASE}/mentors/{mentor.id}").get_data(as_text=True)
    assert "is now a mentor" in page
    history = client.get(f"{BASE}/applications/{application.id}").get_data(as_text=True)
    assert "approved" in history and 'name="decision"' not in history


@pytest.mark.parametrize("decision", ["decline", "ask"])
def test_decline_or_ask_without_a_message_keeps_the_form(client, login, staff_user,
                                                         create_user, decision):
    application = _submitted(create_user)
    login(staff_user)
    url = f"{BASE}/applications/{application.id}"
    response = submit(client, f"{url}/decision", {"decision": decision, "message": "  "},
                      page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="message-error"' in html
    assert f'checked id="decision-{DECISIONS.index(decision)}"' in html  # the choice is kept
    db.session.refresh(application)
    assert application.status is ApplicationStatus.submitted
    assert not _notices(application.user, "mentoring.application")


def test_declining_with_a_reason_keeps_the_text_on_error_and_decides(client, login,
                                                                      staff_user, create_user):
    application = _submitted(create_user)
    login(staff_user)
    url = f"{BASE}/applications/{application.id}"
    response = submit(client, f"{url}/decision", {"message": "Not this year"}, page=url)
    assert response.status_code == 400
    assert "Not this year" in response.get_data(as_text=True)
    response = submit(client, f"{url}/decision",
                      {"decision": "decline", "message": "Classes are full this year."},
                      page=url)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.declined
    assert application.staff_message == "Classes are full this year."
    assert len(_notices(application.user, "mentoring.application")) == 1
    assert service.mentor_of(application.user) is None


def test_asking_for_more_information(client, login, staff_user, create_user):
    application = _submitted(create_user)
    login(staff_user)
    url = f"{BASE}/applications/{application.id}"
    response = submit(client, f"{url}/decision",
                      {"decision": "ask", "message": "Which Sundays are you free?"}, page=url)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is ApplicationStatus.more_information
    assert application.staff_message == "Which Sundays are you free?"
    assert _notices(application.user, "mentoring.application")
    listing = client.get(f"{BASE}/applications?status=more_information")
    assert application.user.name in listing.get_data(as_text=True)


def test_recording_a_check_refuses_an_expiry_before_the_date(client, login, staff_user,
                                                             make_mentor):
    mentor = make_mentor()
    login(staff_user)
    url = f"{BASE}/mentors/{mentor.id}"
    today = service.today_in_seoul()
    response = submit(client, f"{url}/check",
                      {"check-checked_on": today.isoformat(),
                       "check-expires_on": (today - timedelta(days=1)).isoformat()}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="check-expires_on-error"' in html
    assert (today - timedelta(days=1)).isoformat() in html
    db.session.refresh(mentor)
    assert mentor.check_date is None
    response = submit(client, f"{url}/check", {"check-checked_on": "yesterday",
                                               "check-expires_on": ""}, page=url)
    assert response.status_code == 400
    expires = today + timedelta(days=730)
    response = submit(client, f"{url}/check", {"check-checked_on": today.isoformat(),
                                               "check-expires_on": expires.isoformat()},
                      page=url)
    assert response.status_code == 302
    db.session.refresh(mentor)
    assert (mentor.check_date, mentor.check_expires) == (today, expires)


# What each state of the check reads as: in the list of mentors, on the mentor's page.
CHECK_READS = {
    "missing": ("No check", "No check recorded."),
    "expired": ('<span class="tag tag-urgent">Expired</span>', "Expired on"),
    "expiring": ('<span class="tag">Expires soon</span>', "it expires within 30 days"),
    "valid": ("</time></td>", "valid until"),
}


def _mentor_row(html: str, name: str) -> str:
    match = re.search(rf">{name}</a></td>(.*?)</tr>", html, re.S)
    assert match, f"no row for {name}"
    return match.group(1)


def _check_paragraph(html: str) -> str:
    return html.split('<h2 id="check">', 1)[1].split("</p>", 1)[0]


def _reads_as(client, mentor) -> tuple[str, str]:
    """The state of the mentor's check as the list and their page show it."""
    listed = _mentor_row(client.get(f"{BASE}/mentors").get_data(as_text=True),
                         mentor.user.name)
    page = _check_paragraph(client.get(f"{BASE}/mentors/{mentor.id}").get_data(as_text=True))
    in_list = [state for state, (words, _) in CHECK_READS.items() if words in listed]
    on_page = [state for state, (_, words) in CHECK_READS.items() if words in page]
    # A valid check's words are part of the others': the most particular state is the one.
    order = ["missing", "expired", "expiring", "valid"]
    return (min(in_list, key=order.index, default=None),
            min(on_page, key=order.index, default=None))


@pytest.mark.parametrize(("checked", "days"), [
    (False, None), (True, -1), (True, 0), (True, 29), (True, 30), (True, 31),
    (False, 100),  # an expiry without the date of the check is no check
])
def test_the_staff_pages_say_the_check_state_as_check_state_does(
    client, login, staff_user, make_mentor, create_user, checked, days
):
    mentor = make_mentor(user=create_user(name="Mai Tran"))
    today = service.today_in_seoul()
    if checked:
        mentor.check_date = today - timedelta(days=400)
    if days is not None:
        mentor.check_expires = today + timedelta(days=days)
    db.session.commit()
    login(staff_user)
    state = service.check_state(mentor, today=today)
    assert _reads_as(client, mentor) == (state, state)


def test_the_staff_pages_follow_check_state_when_its_rule_changes(
    client, login, staff_user, make_mentor, create_user, monkeypatch
):
    mentor = make_mentor(user=create_user(name="Mai Tran"))
    today = service.today_in_seoul()
    mentor.check_date, mentor.check_expires = today - timedelta(days=300), \
        today + timedelta(days=45)
    db.session.commit()
    login(staff_user)
    assert service.check_state(mentor) == "valid"
    assert _reads_as(client, mentor) == ("valid", "valid")
    monkeypatch.setattr(service, "CHECK_WARNING", timedelta(days=60))
    assert service.check_state(mentor) == "expiring"
    assert _reads_as(client, mentor) == ("expiring", "expiring")
    expiring = client.get(f"{BASE}/mentors?check=expiring").get_data(as_text=True)
    assert "Mai Tran" in expiring


@pytest.mark.parametrize("value, status, expected", [
    ("0", 400, 2), ("11", 400, 2), ("many", 400, 2), ("5", 302, 5)])
def test_max_classes_stay_within_bounds(client, login, staff_user, make_mentor, value, status,
                                        expected):
    mentor = make_mentor()
    login(staff_user)
    url = f"{BASE}/mentors/{mentor.id}"
    response = submit(client, f"{url}/max-classes", {"max-max_classes": value}, page=url)
    assert response.status_code == status
    db.session.refresh(mentor)
    assert mentor.max_classes == expected


def test_suspending_releases_places_and_says_how_many(client, login, staff_user, make_mentor,
                                                      make_class):
    mentoring_class = make_class(mentor_places=1)
    suspended, waiting = make_mentor(), make_mentor()
    service.take_place(suspended, mentoring_class)
    service.take_place(waiting, mentoring_class)
    db.session.commit()
    login(staff_user)
    url = f"{BASE}/mentors/{suspended.id}"
    assert "Vietnamese for children" in client.get(url).get_data(as_text=True)
    response = submit(client, f"{url}/suspend", {"suspend-reason": " "}, page=url)
    assert response.status_code == 400
    assert service.placement_of(suspended, mentoring_class) is not None
    response = submit(client, f"{url}/suspend", {"suspend-reason": "Complaint under review"},
                      page=url, follow_redirects=True)
    assert "1 place was released" in response.get_data(as_text=True)
    db.session.refresh(suspended)
    assert suspended.suspended_at is not None
    assert service.placement_of(suspended, mentoring_class) is None
    assert service.placement_of(waiting, mentoring_class).status is PlaceStatus.confirmed
    suspended_list = client.get(f"{BASE}/mentors?suspended=yes").get_data(as_text=True)
    assert suspended.user.name in suspended_list and waiting.user.name not in suspended_list
    response = submit(client, f"{url}/reinstate", {}, page=url)
    assert response.status_code == 302
    db.session.refresh(suspended)
    assert suspended.suspended_at is None


def _attended(make_class, make_mentor, staff_user, *, days_ago: int, **mentor_changes):
    """A mentor recorded present at a two-hour session ``days_ago`` days ago."""
    mentor = make_mentor(**mentor_changes)
    mentoring_class = make_class()
    service.take_place(mentor, mentoring_class)
    session = db.session.scalars(service.sessions_of(mentoring_class)).first()
    start = service.seoul_datetime(service.today_in_seoul() - timedelta(days=days_ago),
                                   mentoring_class.start_time)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    service.record_attendance(session, mentors_present=[mentor.id], learners_present=[],
                              by=staff_user)
    db.session.commit()
    return mentor


def _csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_hours_export_counts_the_period(client, login, staff_user, create_user,
                                            make_class, make_mentor):
    user = create_user(name='=HYPERLINK("http://evil.example","x")')
    mentor = _attended(make_class, make_mentor, staff_user, days_ago=3, user=user)
    login(staff_user)
    today = service.today_in_seoul()
    period = {"from": (today - timedelta(days=10)).isoformat(), "to": today.isoformat()}
    response = client.get(f"{BASE}/hours.csv", query_string=period)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = _csv(response)
    assert rows[0] == ["Name", "Email address", "Programs", "Volunteer hours",
                       "Sessions attended"]
    row = next(r for r in rows[1:] if r[1] == mentor.user.email)
    assert row[0] == "'" + user.name  # a formula is written as text
    assert row[2] == ("Korean language for multicultural families; "
                      "Parents’ native language for children")
    assert row[3:] == ["2.00", "1"]
    before = {"from": "2020-01-01", "to": (today - timedelta(days=5)).isoformat()}
    rows = _csv(client.get(f"{BASE}/hours.csv", query_string=before))
    assert next(r for r in rows[1:] if r[1] == mentor.user.email)[3:] == ["0.00", "0"]


@pytest.mark.parametrize("query", ["from=2026-02-30&to=2026-03-01", "from=&to=2026-03-01",
                                   "from=2026-03-02&to=2026-03-01", ""])
def test_bad_periods_show_the_mentors_page_with_an_error(client, login, staff_user, query):
    login(staff_user)
    response = client.get(f"{BASE}/hours.csv?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "error-summary" in html and 'class="error" id="hours-' in html


def test_the_mentor_filters_combine(client, login, staff_user, make_mentor, create_user):
    today = date.today()
    checked = make_mentor(check=True, user=create_user(name="Checked Chinese"),
                          languages=[{"code": "zh", "level": "native"},
                                     {"code": "ko", "level": "c1"}],
                          districts=["jongno"], online=False)
    unchecked = make_mentor(user=create_user(name="Unchecked Viet"))
    expiring = make_mentor(user=create_user(name="Expiring Soon"))
    expiring.check_date, expiring.check_expires = today - timedelta(days=300), \
        today + timedelta(days=10)
    db.session.commit()
    login(staff_user)

    def names(query: str) -> set[str]:
        html = client.get(f"{BASE}/mentors?{query}").get_data(as_text=True)
        return {m.user.name for m in (checked, unchecked, expiring) if m.user.name in html}

    assert names("") == {"Checked Chinese", "Unchecked Viet", "Expiring Soon"}
    assert names("language=zh") == {"Checked Chinese"}
    assert names("language=vi") == {"Unchecked Viet", "Expiring Soon"}
    assert names("district=jongno") == {"Checked Chinese"}
    assert names("district=online") == {"Unchecked Viet", "Expiring Soon"}
    assert names("check=valid") == {"Checked Chinese"}
    assert names("check=expiring") == {"Expiring Soon"}
    assert names("check=missing") == {"Unchecked Viet"}
    assert names("check=missing&language=zh") == set()
    assert names("program=korean&suspended=no") == {"Checked Chinese", "Unchecked Viet",
                                                    "Expiring Soon"}
    assert client.get(f"{BASE}/mentors?language=xx&program=nope").status_code == 200


def test_the_lists_run_the_same_queries_whatever_their_rows(client, login, staff_user,
                                                            create_user, make_mentor,
                                                            make_class, count_queries):
    login(staff_user)
    _attended(make_class, make_mentor, staff_user, days_ago=2)
    _submitted(create_user)

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    urls = [f"{BASE}/applications", f"{BASE}/mentors"]
    few = [queries(url) for url in urls]
    for _ in range(6):
        _attended(make_class, make_mentor, staff_user, days_ago=2)
        _submitted(create_user)
    assert [queries(url) for url in urls] == few
    mentor = db.session.scalars(sa.select(Mentor)).first()
    mentor.max_classes = 10
    one = queries(f"{BASE}/mentors/{mentor.id}")
    for weekday in (Weekday.monday, Weekday.tuesday, Weekday.thursday):
        service.take_place(mentor, make_class(weekday=weekday))
    db.session.commit()
    assert queries(f"{BASE}/mentors/{mentor.id}") == one
