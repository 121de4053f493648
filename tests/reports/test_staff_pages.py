"""The staff desk for reports: the queue and its filters, the workflow over HTTP, conflicts."""

import re
import threading

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.reports import service
from portal.reports.models import (
    CannedKind,
    CannedResponse,
    Category,
    EventKind,
    Report,
    ReportEvent,
    ReportStatus,
    TeamMember,
)
from tests.conftest import make_app
from tests.support.http import PASSWORD, csrf_token, submit

VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')


def version_on(html: str) -> str:
    match = VERSION_RE.search(html)
    assert match, "no version field on the page"
    return match.group(1)


@pytest.mark.parametrize("url", ["/en/staff/reports", "/ko/staff/reports/1"])
def test_residents_get_403_and_visitors_sign_in(client, login, resident, url):
    assert "/login?next=" in client.get(url).headers["Location"]
    login(resident)
    assert client.get(url).status_code == 403


def test_the_queue_opens_on_the_viewers_teams(client, login, staff_user, categories,
                                              create_report):
    housing = create_report(title="Mould in the bathroom")
    transport = create_report(category="transport", title="Bus stop without a sign")
    login(staff_user)
    everything = client.get("/en/staff/reports").get_data(as_text=True)
    assert housing.title in everything and transport.title in everything
    db.session.add(TeamMember(team_id=categories["housing"].team_id, user_id=staff_user.id))
    db.session.commit()
    response = client.get("/en/staff/reports")
    assert response.status_code == 302 and "team=mine" in response.headers["Location"]
    mine = client.get(response.headers["Location"]).get_data(as_text=True)
    assert housing.title in mine and transport.title not in mine


def test_text_a_resident_wrote_is_marked_with_its_language(client, login, staff_user,
                                                         create_report):
    # Japanese in a Korean page: the browser must break and draw it as Japanese (Han glyphs
    # differ), and screen readers read it as Japanese.
    title = "夜間に日本語が通じる病院が見つからない"
    report = create_report(title=title, description="夜中に子どもが熱を出しましたが、"
                           "日本語で相談できる病院が見つかりませんでした。")
    assert report.language == "ja"
    unknown = create_report(title="ok", description="123")
    assert unknown.language is None
    login(staff_user)
    queue = client.get("/ko/staff/reports").get_data(as_text=True)
    assert re.search(rf'<a href="[^"]*/{report.id}" lang="ja">{title}</a>', queue)
    assert re.search(rf'<a href="[^"]*/{unknown.id}">ok</a>', queue)  # no guess
    page = client.get(f"/ko/staff/reports/{report.id}").get_data(as_text=True)
    assert f'<span lang="ja">{title}</span>' in page
    assert '<p class="report-text" lang="ja">夜中に' in page
    client.delete_cookie("session")  # signed out: the reporter signs in next
    login(report.reporter)
    assert f'<h1 lang="ja">{title}</h1>' in client.get(
        f"/en/reports/{report.id}").get_data(as_text=True)
    assert re.search(rf'lang="ja">{title}</a>', client.get("/en/reports/").get_data(
        as_text=True))


def test_filters_live_in_the_url_and_combine(client, login, staff_user, create_report,
                                             categories):
    from portal.districts import District

    hit = create_report(title="Landlord keeps the deposit", district=District.mapo,
                        description="房租 and deposit")
    create_report(title="Landlord in Jongno", district=District.jongno,
                  description="房租")
    create_report(title="Other topic", district=District.mapo)
    login(staff_user)
    html = client.get("/ko/staff/reports?team=&area=mapo&q=%E6%88%BF%E7%A7%9F").get_data(
        as_text=True)
    assert hit.title in html and "Landlord in Jongno" not in html and "Other topic" not in html
    # The chosen filters are shown as chosen, so the view can be read, shared and refined.
    assert re.search(r'<option selected value="mapo">', html)
    bad = client.get("/ko/staff/reports?team=&received_from=yesterday&tier=emperor")
    assert bad.status_code == 200  # a bad filter is shown and ignored, not a 500


def test_the_queue_pages_by_fifty_with_a_fixed_number_of_queries(client, login, staff_user,
                                                                 create_report, create_user,
                                                                 count_queries):
    reporter = create_user()
    for n in range(51):
        create_report(reporter=reporter, title=f"Report number {n:02d}")
    login(staff_user)
    first = client.get("/en/staff/reports?team=").get_data(as_text=True)
    assert first.count("/en/staff/reports/") - first.count("/en/staff/reports/?") >= 50
    second = client.get("/en/staff/reports?team=&page=2").get_data(as_text=True)
    assert len(re.findall(r'href="/en/staff/reports/\d+"', second)) == 1
    with count_queries() as few:
        client.get("/en/staff/reports?team=&page=2")
    with count_queries() as many:
        client.get("/en/staff/reports?team=")
    assert len(many) == len(few)


def test_the_filters_options_follow_every_change_at_once(client, login, staff_user,
                                                        categories, create_user,
                                                        create_report):
    """The options are rendered once per list of choices: a change makes a new list."""
    create_report()  # the bulk form shows under a page with reports
    login(staff_user)
    housing = categories["housing"]
    url = f"/en/staff/reports?team=&category={housing.id}"
    assert f'<option selected value="{housing.id}">Housing</option>' in client.get(url).text
    housing.names = {**housing.names, "en": "Housing & rent"}
    create_user(name="New Colleague", role=Role.staff)
    db.session.commit()
    html = client.get(url).text
    assert f'<option selected value="{housing.id}">Housing &amp; rent</option>' in html
    assert ">New Colleague</option>" in html
    assert f'<option value="{housing.id}">Housing &amp; rent</option>' in html  # bulk form


def test_the_queue_names_assignees_no_longer_staff_with_one_more_query(
        client, login, staff_user, create_user, create_report, count_queries):
    colleague = create_user(name="Colleague Still Here", role=Role.staff)
    former = create_user(name="Colleague Who Left", role=Role.staff)
    for assignee in (colleague, former, former):
        create_report(title=f"Assigned to {assignee.name}").assignee_id = assignee.id
    db.session.commit()
    login(staff_user)
    with count_queries() as staff_only:
        html = client.get("/en/staff/reports?team=").get_data(as_text=True)
    assert "<td>Colleague Still Here</td>" in html and "<td>Colleague Who Left</td>" in html
    former.role = Role.resident
    db.session.commit()
    with count_queries() as one_left:
        html = client.get("/en/staff/reports?team=").get_data(as_text=True)
    assert html.count("<td>Colleague Who Left</td>") == 2
    assert len(one_left) == len(staff_only) + 1


def test_the_report_page_runs_a_fixed_number_of_queries(client, login, staff_user,
                                                        create_report, count_queries, app):
    short = create_report()
    long = create_report()
    with app.test_request_context("/en/"):
        service.add_note(db.session.get(Report, short.id), by=staff_user, message="one")
        for n in range(15):
            service.add_note(db.session.get(Report, long.id), by=staff_user, message=f"n{n}")
        db.session.commit()
    login(staff_user)
    with count_queries() as few:
        client.get(f"/en/staff/reports/{short.id}")
    with count_queries() as many:
        client.get(f"/en/staff/reports/{long.id}")
    assert len(many) == len(few), "\n---\n".join(many)


def test_staff_acknowledge_and_resolve_over_http(client, login, staff_user, create_report):
    report = create_report()
    login(staff_user)
    page = client.get(f"/ko/staff/reports/{report.id}").get_data(as_text=True)
    for action in ("acknowledge", "resolve"):
        page = client.get(f"/ko/staff/reports/{report.id}").get_data(as_text=True)
        response = client.post(f"/ko/staff/reports/{report.id}/status", data={
            "csrf_token": csrf_token(client, f"/ko/staff/reports/{report.id}"),
            "action": action, "version": version_on(page), "message": "",
        })
        assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status is ReportStatus.resolved


def test_a_referral_goes_out_in_the_reporters_language(client, login, staff_user,
                                                       create_report, create_user):
    canned = CannedResponse(kind=CannedKind.referral, names={"en": "Immigration"},
                            texts={"en": "Call 1345.", "vi": "Vui lòng gọi 1345."})
    db.session.add(canned)
    db.session.commit()
    report = create_report(reporter=create_user(locale="vi"))
    login(staff_user)
    page = client.get(f"/ko/staff/reports/{report.id}").get_data(as_text=True)
    response = client.post(f"/ko/staff/reports/{report.id}/status", data={
        "csrf_token": csrf_token(client, f"/ko/staff/reports/{report.id}"),
        "action": "refer", "version": version_on(page), "canned": str(canned.id),
    })
    assert response.status_code == 302
    event = db.session.scalar(sa.select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.to_status == ReportStatus.referred))
    assert event.message == "Vui lòng gọi 1345."
    mail = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.locale == "vi"


def test_a_canned_reply_is_sent_in_the_reporters_language(client, login, staff_user,
                                                          create_report, create_user):
    canned = CannedResponse(kind=CannedKind.reply, names={"en": "Received"},
                            texts={"en": "We received it.", "zh": "我们已收到。"})
    db.session.add(canned)
    db.session.commit()
    report = create_report(reporter=create_user(locale="zh"))
    login(staff_user)
    page = client.get(f"/ko/staff/reports/{report.id}").get_data(as_text=True)
    response = client.post(f"/ko/staff/reports/{report.id}/reply", data={
        "csrf_token": csrf_token(client, f"/ko/staff/reports/{report.id}"),
        "version": version_on(page), "canned": str(canned.id), "message": "",
    })
    assert response.status_code == 302
    reply = db.session.scalar(sa.select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.kind == EventKind.reply))
    assert reply.message == "我们已收到。"


def test_a_save_from_an_older_view_is_refused_and_keeps_what_was_typed(
        client, login, staff_user, create_report, app):
    report = create_report()
    login(staff_user)
    page = client.get(f"/en/staff/reports/{report.id}").get_data(as_text=True)
    old_version = version_on(page)
    # A colleague acknowledges the report meanwhile.
    with app.test_request_context("/en/"):
        service.change_status(db.session.get(Report, report.id), "acknowledge", by=staff_user)
        db.session.commit()
    response = client.post(f"/en/staff/reports/{report.id}/reply", data={
        "csrf_token": csrf_token(client, f"/en/staff/reports/{report.id}"),
        "version": old_version, "message": "My careful answer about the heating.",
    })
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "My careful answer about the heating." in html
    assert version_on(html) != old_version  # saving again now works
    assert not db.session.scalar(sa.select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.kind == EventKind.reply))
    again = client.post(f"/en/staff/reports/{report.id}/reply", data={
        "csrf_token": csrf_token(client, f"/en/staff/reports/{report.id}"),
        "version": version_on(html), "message": "My careful answer about the heating.",
    })
    assert again.status_code == 302


def test_assigning_suggests_colleagues_who_read_the_language(client, login, staff_user,
                                                             create_user, create_report):
    reader = create_user(role=Role.staff, name="Nguyễn Reader")
    create_user(role=Role.staff, name="Other Colleague")
    service.set_languages(reader, ["vi"])
    db.session.commit()
    report = create_report(description="Chủ nhà không trả lại tiền đặt cọc cho tôi.",
                           title="Tiền đặt cọc")
    assert report.language == "vi"
    login(staff_user)
    html = client.get(f"/en/staff/reports/{report.id}").get_data(as_text=True)
    suggested = html.split("Colleagues who read the report")[1].split("</optgroup>")[0]
    assert "Nguyễn Reader" in suggested and "Other Colleague" not in suggested


@pytest.mark.no_transaction
@pytest.mark.slow
def test_two_staff_saving_at_once_one_is_refused(fresh_databases, tmp_path):
    app = make_app(fresh_databases.new(), tmp_path)
    with app.app_context():
        db.create_all()
        from tests.fixtures.accounts import _hash

        people = [User(name=f"Staff {n}", email=f"s{n}@city.example", role=Role.staff,
                       password_hash=_hash(PASSWORD), locale="en") for n in range(2)]
        reporter = User(name="Reporter", email="r@example.org", password_hash="!",
                        locale="en")
        db.session.add_all([*people, reporter])
        category = Category(code="housing", names={"en": "Housing"})
        db.session.add(category)
        db.session.commit()
        with app.test_request_context("/en/"):
            report = service.file_report(reporter=reporter, category=category, district=None,
                                         title="Leak", description="Water everywhere.")
            db.session.commit()
            report_id = report.id
    try:
        clients, forms = [], []
        for person in ("s0@city.example", "s1@city.example"):
            client = app.test_client()
            submit(client, "/en/login", {"email": person, "password": PASSWORD})
            page = client.get(f"/en/staff/reports/{report_id}").get_data(as_text=True)
            clients.append(client)
            forms.append({"csrf_token": csrf_token(client, f"/en/staff/reports/{report_id}"),
                          "version": version_on(page), "message": f"Answer from {person}"})
        barrier = threading.Barrier(2)
        statuses = [None, None]

        def save(index):
            barrier.wait()
            statuses[index] = clients[index].post(f"/en/staff/reports/{report_id}/reply",
                                                  data=forms[index]).status_code

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [302, 409]
        with app.app_context():
            replies = db.session.scalar(sa.select(sa.func.count()).where(
                ReportEvent.report_id == report_id, ReportEvent.kind == EventKind.reply))
            assert replies == 1
    finally:
        with app.app_context():
            db.engine.dispose()
