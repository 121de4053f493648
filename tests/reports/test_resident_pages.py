"""Residents' report pages over HTTP: filing, my reports, a report's page and what follows."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer
from markupsafe import escape
from PIL import Image

from portal.columns import utcnow
from portal.districts import District
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import service
from portal.reports.models import EventKind, Report, ReportEvent, ReportPhoto, ReportStatus
from tests.fixtures.reports import jpeg_bytes
from tests.support.html import field_attributes
from tests.support.http import sign_in, submit
from tests.support.i18n import translated
from tests.support.reports import (
    VIETNAMESE_TEXT,
    VIETNAMESE_TITLE,
    events_of,
    follow_up,
    kept_value,
    photos_of,
    post_form,
    read_stored,
    report_count,
    report_form,
    send_report,
    staff_action,
    stored_files,
    stored_photo,
    unsign,
)

# Who may use the pages


@pytest.mark.parametrize("url", ["/en/reports/", "/en/reports/1", "/en/reports/1/photos/1.jpg"])
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_an_unconfirmed_resident_is_sent_to_confirm_and_nothing_is_filed(app, client, login,
                                                                        create_user,
                                                                        categories):
    unconfirmed = create_user(confirmed=False)
    files = stored_files(app)
    login(unconfirmed)

    page = client.get("/vi/reports/new")
    assert page.status_code == 302
    assert page.headers["Location"].endswith("/vi/account/")

    response = post_form(client, "/en/reports/new",
                         report_form(categories, photos=(io.BytesIO(jpeg_bytes()), "a.jpg")),
                         page="/en/account/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/")
    assert report_count() == 0
    assert stored_files(app) == files
    assert "Confirm your email address before you submit anything." in client.get(
        "/en/account/").get_data(as_text=True)


@pytest.mark.parametrize(("path", "data"), [
    ("follow-up", {"message": "One more thing"}),
    ("reopen", {"reason": "Not solved"}),
    ("rating", {"rating": "5"}),
])
def test_an_unconfirmed_reporter_cannot_add_to_their_pending_report(client, login, create_user,
                                                                    create_report, path, data):
    unconfirmed = create_user(confirmed=False)
    report = create_report(reporter=unconfirmed)
    assert report.status is ReportStatus.pending
    login(unconfirmed)

    response = post_form(client, f"/en/reports/{report.id}/{path}", data,
                         page=f"/en/reports/{report.id}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/account/")
    assert events_of(report, EventKind.follow_up) == []
    db.session.refresh(report)
    assert (report.status, report.rating) == (ReportStatus.pending, None)


def test_a_confirmed_resident_files_a_report_with_a_photo(app, client, login, resident,
                                                          categories):
    login(resident)
    photo = jpeg_bytes(size=(80, 60))
    before = utcnow()

    response = send_report(client, report_form(
        categories, place="Trước ga Hapjeong, lối ra 2", latitude="37.5495",
        longitude="126.9137", urgent="y", public_stats="y",
        photos=(io.BytesIO(photo), "via-he.jpg"),
    ))

    assert response.status_code == 302
    report = db.session.scalars(sa.select(Report)).one()
    assert response.headers["Location"].endswith(f"/vi/reports/{report.id}")
    assert report.reporter_id == resident.id
    assert report.category_id == categories["housing"].id
    assert report.team_id == categories["housing"].team_id
    assert report.status is ReportStatus.new
    assert report.received_at >= before
    assert report.received_at < report.acknowledge_due_at < report.resolve_due_at
    assert report.due_at == report.acknowledge_due_at
    assert report.language == "vi"
    assert report.district is District.mapo
    assert report.place == "Trước ga Hapjeong, lối ra 2"
    assert (report.latitude, report.longitude) == (37.5495, 126.9137)
    assert report.urgent and report.public_stats
    [row] = db.session.scalars(sa.select(ReportPhoto)).all()
    assert (row.report_id, row.width, row.height) == (report.id, 80, 60)
    stored = read_stored(app, row.storage_key)
    assert len(stored) == row.size
    assert Image.open(io.BytesIO(stored)).size == (80, 60)

    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert VIETNAMESE_TITLE in html
    assert f"/vi/reports/{report.id}/photos/{row.id}.jpg" in html


@pytest.mark.parametrize(("area", "district"), [("citywide", None),
                                                ("outside", District.outside),
                                                ("gangnam", District.gangnam)])
def test_the_area_is_a_district_the_whole_city_or_outside_seoul(client, login, resident,
                                                                categories, area, district):
    login(resident)
    assert send_report(client, report_form(categories, area=area)).status_code == 302
    report = db.session.scalars(sa.select(Report)).one()
    assert report.district is district
    assert (report.latitude, report.place, report.urgent, report.public_stats) == (
        None, None, False, False)


# Mistakes change nothing and keep what was typed


def test_missing_title_and_category_are_both_shown_and_the_rest_is_kept(app, client, login,
                                                                        resident, categories):
    login(resident)
    response = send_report(client, report_form(
        categories, title=None, category=None, photos=(io.BytesIO(jpeg_bytes()), "kept.jpg"),
    ))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and 'id="category-error"' in html
    assert 'id="description-error"' not in html
    assert VIETNAMESE_TEXT in html
    assert report_count() == 0
    [kept] = unsign(app, field_attributes(html, "kept_photos")["value"])
    assert read_stored(app, kept.key)[:3] == b"\xff\xd8\xff"


def test_a_photo_kept_from_a_failed_try_joins_the_report(app, client, login, resident,
                                                        categories):
    login(resident)
    value = kept_value(client, categories)
    [kept] = unsign(app, value)

    response = send_report(client, report_form(categories, kept_photos=value))

    assert response.status_code == 302
    report = db.session.scalars(sa.select(Report)).one()
    [row] = photos_of(report)
    assert row.storage_key == kept.key


def test_a_kept_photo_can_be_removed_before_sending(app, client, login, resident, categories):
    login(resident)
    value = kept_value(client, categories)
    [kept] = unsign(app, value)

    response = send_report(client, report_form(categories, kept_photos=value,
                                               remove_photo=kept.key))

    assert response.status_code == 302
    assert photos_of(db.session.scalars(sa.select(Report)).one()) == []
    assert not (Path(app.config["STORAGE_DIR"]) / kept.key).exists()


def forged(app, value: str) -> list[str]:
    """Ways to alter a signed value: a changed letter, and the same photos under another key."""
    middle = len(value) // 2
    changed = value[:middle] + ("A" if value[middle] != "A" else "B") + value[middle + 1:]
    with app.app_context():
        rows = URLSafeSerializer(app.config["SECRET_KEY"], salt="report-photos").loads(value)
    other_key = URLSafeSerializer("not-the-secret-key", salt="report-photos").dumps(rows)
    return [changed, other_key]


@pytest.mark.parametrize("forgery", [0, 1], ids=["changed-letter", "other-secret"])
def test_a_tampered_kept_photos_value_keeps_nothing(app, client, login, resident, categories,
                                                   forgery):
    login(resident)
    value = forged(app, kept_value(client, categories))[forgery]

    response = send_report(client, report_form(categories, kept_photos=value))

    assert response.status_code == 302
    assert photos_of(db.session.scalars(sa.select(Report)).one()) == []


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "x" * 151}, "title"),
    ({"category": "999999"}, "category"),
    ({"category": "housing"}, "category"),
    ({"area": "atlantis"}, "area"),
    ({"latitude": "37.55"}, "latitude"),
    ({"latitude": "37.55", "longitude": ""}, "latitude"),
    ({"longitude": "126.9"}, "latitude"),
    ({"latitude": "51.5", "longitude": "-0.12"}, "latitude"),
    ({"description": "Vỉa hè\x00 bị hỏng"}, "description"),
    ({"description": "   "}, "description"),
], ids=["title-151", "unknown-category", "category-by-name", "unknown-area", "latitude-alone",
        "longitude-empty", "longitude-alone", "outside-korea", "nul-byte", "blank-description"])
def test_bad_input_is_refused_on_its_field_and_nothing_is_filed(client, login, resident,
                                                                categories, changes, field):
    login(resident)
    response = send_report(client, report_form(categories, **changes))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    if "title" not in changes:
        assert VIETNAMESE_TITLE in html  # what was typed stays
    assert report_count() == 0


def test_a_title_of_150_characters_is_accepted(client, login, resident, categories):
    login(resident)
    assert send_report(client, report_form(categories, title="x" * 150)).status_code == 302
    assert db.session.scalars(sa.select(Report.title)).one() == "x" * 150


def test_an_inactive_category_is_refused(client, login, resident, categories):
    categories["transport"].active = False
    db.session.commit()
    login(resident)
    response = send_report(client, report_form(
        categories, category=str(categories["transport"].id)))
    assert 'id="category-error"' in response.get_data(as_text=True)
    assert report_count() == 0


def test_markup_in_a_report_is_shown_as_text_to_residents_and_staff(app, client, login,
                                                                    resident, staff_user,
                                                                    categories):
    title = '<script>alert("title")</script>'
    description = '<img src=x onerror="alert(1)"> & <b>bold</b>'
    login(resident)
    send_report(client, report_form(categories, title=title, description=description,
                                    place="<i>corner</i>"))
    report = db.session.scalars(sa.select(Report)).one()
    message = "<script>alert('follow-up')</script>"
    assert follow_up(client, report, {"message": message}).status_code == 302

    pages = [client.get(f"/vi/reports/{report.id}").get_data(as_text=True)]
    desk = app.test_client()
    assert sign_in(desk, staff_user.email).status_code == 302
    staff_page = desk.get(f"/ko/staff/reports/{report.id}")
    assert staff_page.status_code == 200
    pages.append(staff_page.get_data(as_text=True))

    for html in pages:
        assert str(escape(title)) in html and str(escape(description)) in html
        assert "&lt;i&gt;corner&lt;/i&gt;" in html and str(escape(message)) in html
        for raw in (title, message, "<img src=x", "<b>bold</b>", "<i>corner"):
            assert raw not in html


# My reports


def test_my_reports_lists_only_mine(client, login, resident, create_user, create_report):
    create_report(reporter=resident, title="My broken streetlight")
    create_report(reporter=create_user(), title="Someone else's noise")
    login(resident)

    html = client.get("/en/reports/").get_data(as_text=True)

    assert "My broken streetlight" in html
    assert "Someone else" not in html


def test_my_reports_are_paged_by_fifty_newest_first(client, login, resident, create_report):
    for n in range(51):
        create_report(reporter=resident, title=f"Mine {n:02d}")
    login(resident)

    first = client.get("/en/reports/").get_data(as_text=True)
    second = client.get("/en/reports/?page=2").get_data(as_text=True)

    assert ">Mine 50<" in first and ">Mine 01<" in first and ">Mine 00<" not in first
    assert 'rel="next"' in first
    assert ">Mine 00<" in second and ">Mine 01<" not in second
    assert 'rel="prev"' in second


def test_my_reports_run_a_fixed_number_of_queries(client, login, resident, create_report,
                                                  count_queries):
    login(resident)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/en/reports/").status_code == 200
        return len(statements)

    for _ in range(2):
        create_report(reporter=resident)
    few = queries()
    for _ in range(18):
        create_report(reporter=resident)
    assert queries() == few


# A report's page


def test_the_timeline_shows_status_changes_and_replies_but_never_internal_notes(
        app, client, login, resident, staff_user, create_report):
    report = create_report(reporter=resident)
    with app.test_request_context("/en/"):
        service.change_status(report, "acknowledge", by=staff_user,
                              message="Chúng tôi đã nhận được báo cáo của bạn.")
        service.add_note(report, by=staff_user, message="Internal: the landlord is known to us")
        service.reply(report, by=staff_user, message="Một nhân viên sẽ đến vào thứ Hai.")
        db.session.commit()
    login(resident)

    response = client.get(f"/vi/reports/{report.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    acknowledged = translated(app, "vi", "Acknowledged")
    status_line = translated(app, "vi", "Status: %(status)s", status=acknowledged)
    assert str(escape(status_line)) in html
    assert f'status-acknowledged">{escape(acknowledged)}</strong>' in html
    assert "Chúng tôi đã nhận được báo cáo của bạn." in html
    assert "Một nhân viên sẽ đến vào thứ Hai." in html
    assert "the landlord is known to us" not in html
    assert 'class="event event-note' not in html
    assert staff_user.name not in html


def test_the_report_page_runs_a_fixed_number_of_queries(app, client, login, resident,
                                                        staff_user, create_report,
                                                        count_queries):
    report = create_report(reporter=resident, photos=[stored_photo(app)])
    login(resident)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"/en/reports/{report.id}").status_code == 200
        return len(statements)

    def add_entries(count: int) -> None:
        with app.test_request_context("/en/"):
            for n in range(count):
                service.reply(report, by=staff_user, message=f"Reply {n}")
                service.add_note(report, by=staff_user, message=f"Note {n}")
            db.session.commit()

    add_entries(1)
    few = queries()
    add_entries(9)
    assert queries() == few


def test_staff_are_sent_from_a_residents_page_to_the_staff_page(client, login, staff_user,
                                                               create_report):
    report = create_report()
    login(staff_user)
    response = client.get(f"/en/reports/{report.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/staff/reports/{report.id}")


# Follow-ups


def test_the_reporter_adds_a_message_and_a_photo_to_an_open_report(app, client, login, resident,
                                                                  create_report):
    report = create_report(reporter=resident)
    login(resident)

    response = follow_up(client, report, {
        "message": "Hôm nay nước lại bị rò rỉ.", "photos": (io.BytesIO(jpeg_bytes()), "leak.jpg"),
    })

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/vi/reports/{report.id}")
    [event] = events_of(report, EventKind.follow_up)
    assert (event.message, event.actor_id) == ("Hôm nay nước lại bị rò rỉ.", resident.id)
    [row] = photos_of(report)
    assert row.event_id == event.id
    assert read_stored(app, row.storage_key)[:3] == b"\xff\xd8\xff"
    db.session.refresh(report)
    assert report.status is ReportStatus.new
    assert "Hôm nay nước lại bị rò rỉ." in client.get(
        f"/vi/reports/{report.id}").get_data(as_text=True)


@pytest.mark.parametrize("before", [[], ["acknowledge"], ["start"]])
def test_answering_the_citys_question_puts_the_report_back_where_it_was(
        app, client, login, resident, staff_user, create_report, before):
    report = create_report(reporter=resident)
    for action in before:
        staff_action(app, report, action, by=staff_user)
    previous = report.status
    staff_action(app, report, "ask", by=staff_user, message="Tầng mấy?")
    assert report.status is ReportStatus.waiting and report.due_at is None
    login(resident)

    response = follow_up(client, report, {"message": "Tầng 3."})

    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status is previous
    assert report.paused_at is None
    assert report.due_at is not None
    [change] = [e for e in events_of(report, EventKind.status)
                if e.from_status is ReportStatus.waiting]
    assert change.to_status is previous


def test_a_closed_report_takes_no_follow_up(app, client, login, resident, staff_user,
                                            create_report):
    report = create_report(reporter=resident)
    staff_action(app, report, "resolve", by=staff_user)
    files = stored_files(app)
    login(resident)

    response = follow_up(client, report, {
        "message": "Still broken", "photos": (io.BytesIO(jpeg_bytes()), "late.jpg"),
    }, lang="en")

    assert response.status_code == 400
    assert "This report is closed: you can no longer add to it." in response.get_data(
        as_text=True)
    assert events_of(report, EventKind.follow_up) == []
    assert photos_of(report) == []
    assert stored_files(app) == files


def test_a_follow_up_needs_a_message_or_a_photo(app, client, login, resident, create_report):
    report = create_report(reporter=resident)
    login(resident)
    response = follow_up(client, report, {"message": "  "})
    assert response.status_code == 400
    assert 'id="message-error"' in response.get_data(as_text=True)
    assert events_of(report, EventKind.follow_up) == []


# Reopening and rating


def reopen(client, report, data: dict):
    """Post the reopen form of a report's page."""
    return submit(client, f"/en/reports/{report.id}/reopen", data,
                  page=f"/en/reports/{report.id}")


def rate(client, report, data: dict):
    """Post the rating form of a report's page."""
    return submit(client, f"/en/reports/{report.id}/rating", data,
                  page=f"/en/reports/{report.id}")


@pytest.fixture
def resolved(app, resident, staff_user, create_report):
    """A report of ``resident`` that staff resolved just now."""
    report = create_report(reporter=resident)
    staff_action(app, report, "resolve", by=staff_user, message="Fixed on Monday.")
    return report


@pytest.mark.parametrize("days", [0, 13])
def test_a_resolved_report_is_reopened_within_14_days_with_a_reason(client, login, resident,
                                                                   resolved, days):
    resolved.resolved_at = utcnow() - timedelta(days=days)
    db.session.commit()
    login(resident)

    response = reopen(client, resolved, {"reason": "The heating broke again."})

    assert response.status_code == 302
    db.session.refresh(resolved)
    assert resolved.status is ReportStatus.reopened
    assert resolved.resolved_at is None and resolved.due_at is not None
    assert events_of(resolved, EventKind.status)[-1].message == "The heating broke again."


@pytest.mark.parametrize(("days", "reason", "problem"), [
    (15, "The heating broke again.", "A report can be reopened only within 14 days"),
    (0, "", 'id="reason-error"'),
    (0, "   ", 'id="reason-error"'),
])
def test_reopening_late_or_without_a_reason_is_refused(client, login, resident, resolved, days,
                                                       reason, problem):
    resolved.resolved_at = utcnow() - timedelta(days=days)
    db.session.commit()
    version = resolved.version
    login(resident)

    response = reopen(client, resolved, {"reason": reason})

    assert response.status_code == 400
    assert problem in response.get_data(as_text=True)
    db.session.refresh(resolved)
    assert resolved.status is ReportStatus.resolved
    assert resolved.version == version


def test_a_resolved_report_is_rated(client, login, resident, resolved):
    login(resident)

    response = rate(client, resolved, {"rating": "4", "comment": "Quick, thank you."})

    assert response.status_code == 302
    db.session.refresh(resolved)
    assert (resolved.rating, resolved.rating_comment) == (4, "Quick, thank you.")
    assert events_of(resolved, EventKind.rating)[0].details == {"rating": 4}


@pytest.mark.parametrize("rating", ["6", "0", "x", ""])
def test_a_rating_outside_one_to_five_is_refused(client, login, resident, resolved, rating):
    login(resident)
    response = rate(client, resolved, {"rating": rating})
    assert response.status_code == 400
    assert 'id="rating-error"' in response.get_data(as_text=True)
    db.session.refresh(resolved)
    assert resolved.rating is None


def test_an_open_report_cannot_be_rated(client, login, resident, create_report):
    report = create_report(reporter=resident)
    login(resident)
    response = rate(client, report, {"rating": "5"})
    assert response.status_code == 400
    assert "Only a resolved report can be rated." in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.rating is None
    assert events_of(report, EventKind.rating) == []


# Nobody reaches another person's report


@pytest.fixture
def theirs(app, create_user, staff_user, create_report):
    """Another resident's reports: an open one with a photo, and a resolved one."""
    other = create_user()
    open_report = create_report(reporter=other, photos=[stored_photo(app)])
    resolved_report = create_report(reporter=other)
    staff_action(app, resolved_report, "resolve", by=staff_user)
    return open_report, resolved_report


def snapshot(report) -> tuple:
    """What any change to a report through its pages would alter."""
    db.session.refresh(report)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(ReportEvent)
                               .where(ReportEvent.report_id == report.id))
    return (report.version, report.status, report.rating, events, len(photos_of(report)))


@pytest.mark.parametrize(("method", "path", "data", "which"), [
    ("GET", "", None, 0),
    ("GET", "/photos/{photo}.jpg", None, 0),
    ("POST", "/follow-up", {"message": "Mine now"}, 0),
    ("POST", "/reopen", {"reason": "Not solved"}, 1),
    ("POST", "/rating", {"rating": "1"}, 1),
], ids=["page", "photo", "follow-up", "reopen", "rating"])
def test_another_residents_report_is_answered_as_missing(app, client, login, resident,
                                                         create_report, theirs, method, path,
                                                         data, which):
    report = theirs[which]
    photo = photos_of(theirs[0])[0]
    url = f"/en/reports/{report.id}" + path.format(photo=photo.id)
    before = snapshot(report)
    create_report(reporter=resident)  # they have reports of their own
    login(resident)

    if method == "GET":
        response = client.get(url)
    else:
        response = submit(client, url, data, page="/en/reports/")

    assert response.status_code == 404
    assert snapshot(report) == before


def test_a_photo_of_another_report_is_missing_under_ones_own_report(app, client, login,
                                                                    resident, create_report,
                                                                    theirs):
    mine = create_report(reporter=resident, photos=[stored_photo(app)])
    [their_photo] = photos_of(theirs[0])
    [my_photo] = photos_of(mine)
    login(resident)

    assert client.get(f"/en/reports/{mine.id}/photos/{their_photo.id}.jpg").status_code == 404
    own = client.get(f"/en/reports/{mine.id}/photos/{my_photo.id}.jpg")
    assert own.status_code == 200
    assert own.data == read_stored(app, my_photo.storage_key)


def test_staff_open_a_residents_photo(app, client, login, staff_user, theirs):
    [photo] = photos_of(theirs[0])
    login(staff_user)

    response = client.get(f"/en/reports/{theirs[0].id}/photos/{photo.id}.jpg")

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.data == read_stored(app, photo.storage_key)
    # A resident's photo, like their pages, must not stay in a shared computer's cache.
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/en/staff/reports", "/en/staff/reports/{id}"])
def test_residents_get_403_on_the_staff_report_pages(client, login, resident, create_report,
                                                     path):
    report = create_report(reporter=resident)
    login(resident)
    assert client.get(path.format(id=report.id)).status_code == 403


# The reporter is told


def test_a_staff_status_change_tells_the_reporter_in_their_language(app, client, login,
                                                                   create_user, staff_user,
                                                                   create_report, outbox):
    reporter = create_user(locale="vi")
    report = create_report(reporter=reporter, title="Đèn đường <b>hỏng</b>")
    login(staff_user)

    response = submit(client, f"/ko/staff/reports/{report.id}/status",
                      {"action": "acknowledge", "version": str(report.version)},
                      page=f"/ko/staff/reports/{report.id}")

    assert response.status_code == 302
    # The receipt given when the report arrived, then the news of the status change.
    receipt, notification = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == reporter.id)
        .order_by(Notification.id)).all()
    assert receipt.kind == "reports.received"
    assert notification.kind == "reports.status"
    assert (notification.object_type, notification.object_id) == ("report", report.id)
    _receipt_mail, mail = outbox(reporter.email)
    assert mail.locale == "vi"
    assert "Đèn đường <b>hỏng</b>" in mail.text
    assert translated(app, "vi", "Acknowledged") in mail.text
    assert "Đèn đường &lt;b&gt;hỏng&lt;/b&gt;" in mail.html
    assert "<b>hỏng" not in mail.html
    assert f"/vi/reports/{report.id}" in mail.text
