"""The queue's CSV export and bulk actions; the dashboard panel; the public statistics."""

import csv
import io

import sqlalchemy as sa

from portal.audit import AuditLog
from portal.extensions import db
from portal.reports import service
from portal.reports.models import Report, ReportStatus
from tests.support.http import csrf_token


def test_the_export_follows_the_filters_and_opens_in_spreadsheets(client, login, staff_user,
                                                                  create_report):
    from portal.districts import District

    create_report(title="월세 인상", district=District.mapo)
    create_report(title="=HYPERLINK(\"http://evil.example\")", district=District.mapo)
    create_report(title="Not in Mapo", district=District.jongno)
    login(staff_user)
    response = client.get("/ko/staff/reports.csv?team=&area=mapo")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark spreadsheets look for
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    titles = [row[1] for row in rows[1:]]
    assert "월세 인상" in titles and "Not in Mapo" not in titles
    # A title that a spreadsheet would run as a formula is written as text.
    assert "'=HYPERLINK(\"http://evil.example\")" in titles
    assert len(rows) == 3


def test_residents_cannot_export(client, login, resident):
    login(resident)
    assert client.get("/en/staff/reports.csv").status_code == 403


def test_bulk_acknowledge_and_assign_skip_what_does_not_fit(client, login, staff_user,
                                                            create_report, app):
    first, second, third = (create_report() for _ in range(3))
    with app.test_request_context("/en/"):
        service.change_status(db.session.get(Report, third.id), "acknowledge", by=staff_user)
        db.session.commit()
    login(staff_user)
    token = csrf_token(client, "/en/staff/reports?team=")
    response = client.post("/en/staff/reports/bulk", data={
        "csrf_token": token, "action": "acknowledge",
        "report": [first.id, second.id, third.id], "back": "?team=&view=all",
    })
    assert response.status_code == 302
    assert "view=all" in response.headers["Location"]
    statuses = db.session.scalars(sa.select(Report.status).where(
        Report.id.in_([first.id, second.id]))).all()
    assert statuses == [ReportStatus.acknowledged] * 2
    acknowledged = db.session.scalar(sa.select(sa.func.count()).where(
        AuditLog.action == "report.acknowledge"))
    assert acknowledged == 3  # two now, one before; the third was skipped, not repeated
    client.post("/en/staff/reports/bulk", data={
        "csrf_token": token, "action": "assign", "assignee": str(staff_user.id),
        "report": [first.id, third.id],
    })
    assignees = db.session.scalars(sa.select(Report.assignee_id).where(
        Report.id.in_([first.id, second.id, third.id])).order_by(Report.id)).all()
    assert assignees == [staff_user.id, None, staff_user.id]


def test_bulk_without_a_selection_changes_nothing(client, login, staff_user, create_report):
    report = create_report()
    login(staff_user)
    response = client.post("/en/staff/reports/bulk", data={
        "csrf_token": csrf_token(client, "/en/staff/reports?team="), "action": "acknowledge",
    }, follow_redirects=True)
    assert "Tick at least one report." in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status is ReportStatus.new


def test_bulk_category_change_needs_a_category(client, login, staff_user, create_report,
                                               categories):
    report = create_report()
    login(staff_user)
    token = csrf_token(client, "/en/staff/reports?team=")
    client.post("/en/staff/reports/bulk", data={
        "csrf_token": token, "action": "category", "report": [report.id]})
    db.session.refresh(report)
    assert report.category_id == categories["housing"].id
    client.post("/en/staff/reports/bulk", data={
        "csrf_token": token, "action": "category", "report": [report.id],
        "category": str(categories["transport"].id)})
    db.session.refresh(report)
    assert report.category_id == categories["transport"].id


def test_the_dashboard_panel_counts_open_and_overdue_reports(client, login, staff_user,
                                                             create_report):
    from datetime import UTC, datetime

    late = create_report(title="Late one")
    create_report(title="On time")
    late.due_at = datetime(2026, 1, 5, tzinfo=UTC)
    db.session.commit()
    login(staff_user)
    html = client.get("/en/staff/").get_data(as_text=True)
    panel = html.split('id="reports-heading"')[1].split("</section>")[0]
    assert "Open reports</dt><dd>2</dd>" in panel
    assert "Overdue</dt><dd>1</dd>" in panel
    assert "<svg" in panel and 'role="img"' in panel


def test_the_dashboard_runs_a_fixed_number_of_queries(client, login, staff_user, create_report,
                                                      count_queries):
    create_report()
    login(staff_user)
    with count_queries() as few:
        client.get("/en/staff/")
    for _ in range(10):
        create_report()
    from portal.extensions import cache

    cache.clear()
    with count_queries() as many:
        client.get("/en/staff/")
    assert len(many) == len(few)


def _reports_panel(client, lang: str) -> str:
    html = client.get(f"/{lang}/staff/").get_data(as_text=True)
    return html.split('id="reports-heading"')[1].split("</section>")[0]


def test_the_dashboard_panel_is_kept_a_minute_and_worded_in_each_language(
        client, login, staff_user, create_report):
    from portal.extensions import cache

    create_report()
    login(staff_user)
    assert "Open reports</dt><dd>1</dd>" in _reports_panel(client, "en")
    create_report()
    # The counts are the same for every member of staff and kept a minute: the new report is
    # counted with the next numbers, and every language shows the numbers computed last.
    assert "Open reports</dt><dd>1</dd>" in _reports_panel(client, "en")
    korean = _reports_panel(client, "ko")
    assert 'href="/ko/staff/reports?team="><dl><dt>' in korean and "Open reports" not in korean
    assert "</dt><dd>1</dd>" in korean.split("</li>")[0]
    cache.clear()
    assert "Open reports</dt><dd>2</dd>" in _reports_panel(client, "en")


def test_a_languages_panel_expires_with_the_numbers_it_shows(client, login, staff_user,
                                                             monkeypatch):
    from portal.extensions import cache
    from portal.reports import dashboard
    from portal.staffdesk import panel_key

    login(staff_user)
    client.get("/en/staff/")
    numbers, expires = cache.get(dashboard.NUMBERS_KEY)
    cache.set(dashboard.NUMBERS_KEY, (numbers, expires - 45))  # as if computed 45 s ago
    timeouts = {}
    real_set = cache.set

    def recording_set(key, value, timeout=None):
        timeouts[key] = timeout
        return real_set(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "set", recording_set)
    client.get("/ko/staff/")
    assert 1 <= timeouts[panel_key("reports/dashboard_panel.html", "ko")] <= 15


def test_public_statistics_count_only_what_authors_allowed_and_show_no_words(
        client, create_report):
    create_report(title="Secret words about my landlord", public_stats=True,
                  description="Private description")
    create_report(title="Not to be counted", public_stats=False)
    for lang in ("en", "vi", "zh"):
        response = client.get(f"/{lang}/reports/stats")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "Secret words" not in html and "Private description" not in html
        assert "<svg" in html
    html = client.get("/en/reports/stats").get_data(as_text=True)
    assert "Reports counted</dt><dd>1</dd>" in html
