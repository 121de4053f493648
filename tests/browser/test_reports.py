"""Inconvenience reports in a real browser: residents report, staff triage, admins set up.

A resident writes in Vietnamese, staff answer from a Korean desk, a visitor reports first and
registers at the end in Japanese; administrators' pages and the API keys page are opened in
two languages each. Every page is checked by the Nu HTML Checker on each database backend, and
by axe-core on the first backend that reaches it (``check_page``).
"""

import itertools
import re
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from portal.accounts.models import Role, User
from portal.api.models import ApiClient
from portal.districts import District
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.reports import service
from portal.reports.models import CannedKind, CannedResponse, Category, Report, Team
from tests.browser.conftest import account, axe_check, html_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "namsan-cable-car-47"  # noqa: S105 - test data
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ja": "ja", "vi": "vi", "ko": "ko"}
REPLY_TEXTS = {
    "en": "Thank you for your report. The responsible team is looking into it.",
    "vi": "Cảm ơn bạn đã phản ánh. Bộ phận phụ trách đang xem xét.",
    "ko": "소중한 의견 감사합니다. 담당 부서에서 검토하고 있습니다.",
}
# A chart drawn by portal.charts: one image for assistive technology.
CHART = "svg.chart[role=img]"
# The steps of each test whose page axe has passed, on whichever backend ran them first.
AXE_PASSED: set[tuple] = set()


@pytest.fixture
def check_page(request):
    """Return ``check_page(page)``: the HTML checker on every backend, axe-core on the first.

    The markup does not depend on the database, and axe is the slow part of a step (about half
    a second a page), so the second backend's run of the same step skips it.
    """
    callspec = getattr(request.node, "callspec", None)
    params = sorted((name, str(value)) for name, value in (callspec.params if callspec else {})
                    .items() if name != "backend")
    test = (request.node.originalname, tuple(params))
    steps = itertools.count()

    def check(page) -> None:
        step = (*test, next(steps))
        if step in AXE_PASSED:
            html_check(page)
            return
        axe_check(page)
        AXE_PASSED.add(step)

    return check


@dataclass
class Desk:
    """The people and settings the module's tests share, in the live server's database."""

    admin_email: str
    staff_email: str
    resident_email: str
    resident_id: int
    housing_id: int
    team_id: int
    canned_id: int


@pytest.fixture(scope="module")
def desk(live_server) -> Desk:
    """An admin and a staff member (Korean), a resident (Vietnamese), categories, a reply."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        admin = account("관리자 박지민", f"admin-{tag}@seoul.example", password=PASSWORD,
                        locale="ko", role=Role.admin)
        staff = account("담당자 이도윤", f"staff-{tag}@seoul.example", password=PASSWORD,
                        locale="ko", role=Role.staff)
        resident = account(f"Nguyễn Văn An {tag}", f"an-{tag}@example.vn", password=PASSWORD,
                           locale="vi", nationality="VN", district=District.mapo)
        team = Team(code=f"housing-{tag}", names={"en": "Housing Policy Division",
                                                  "ko": "주택정책과"})
        db.session.add_all([admin, staff, resident, team])
        db.session.flush()
        housing = Category(code=f"housing-{tag}", team_id=team.id, position=0, names={
            "en": "Housing", "vi": "Nhà ở", "ko": "주거", "ja": "住まい", "zh": "住房"})
        transport = Category(code=f"transport-{tag}", position=1, names={
            "en": "Transport", "vi": "Giao thông", "ko": "교통", "ja": "交通"})
        other = Category(code=f"other-{tag}", position=2, catch_all=True, names={
            "en": "Other", "vi": "Khác", "ko": "기타"})
        canned = CannedResponse(kind=CannedKind.reply, texts=REPLY_TEXTS, names={
            "en": "Received, looking into it", "ko": "접수·검토 중"})
        db.session.add_all([housing, transport, other, canned])
        db.session.commit()
        return Desk(admin_email=admin.email, staff_email=staff.email,
                    resident_email=resident.email, resident_id=resident.id,
                    housing_id=housing.id, team_id=team.id, canned_id=canned.id)


def sign_in(page, lang: str, email: str) -> None:
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("header form[action$='/logout']")).to_have_count(1)


def expect_heading(page, live_server, lang: str, heading: str, **variables) -> None:
    """The page is in ``lang`` with ``heading`` (an msgid) as its only h1."""
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(live_server.gettext(lang, heading, **variables))


def expect_flash(page) -> None:
    expect(page.locator("main .flash-success")).to_be_visible()


def mails_to(live_server, email: str) -> list[str]:
    """The texts of the mail queued for ``email``, oldest first."""
    with live_server.app.app_context():
        texts = list(db.session.scalars(
            sa.select(OutboxMessage.text).where(OutboxMessage.recipient == email)
            .order_by(OutboxMessage.id)
        ))
        db.session.remove()
    return texts


def link_in(live_server, text: str, path: str) -> str:
    """The first link to ``path`` (a regular expression after the language) in a mail."""
    links = re.findall(re.escape(live_server.url) + r"/[a-z]{2}/" + path + r"[^\s<>\"']*", text)
    assert links, f"no link to {path} in the mail:\n{text}"
    return links[0]


def expect_photo_loaded(page) -> None:
    """The report's first photo is shown: the browser fetched and decoded it."""
    photo = page.locator("main ul.photos img").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )


def fill_report(page, *, category_id: int, title: str, description: str) -> None:
    page.select_option("#category", str(category_id))
    page.select_option("#area", "mapo")
    page.fill("#place", "Hapjeong station, exit 2")
    page.fill("#title", title)
    page.fill("#description", description)
    page.check("#public_stats")


def send_report(page) -> None:
    page.locator("main form[enctype] button[type=submit]").click()


def test_resident_reports_staff_answer_and_the_resident_rates(
    new_page, live_server, desk, check_page, tmp_path
):
    tag = uuid.uuid4().hex[:6]
    title = f"Máy sưởi trong phòng bị hỏng {tag}"
    photo_path = tmp_path / "heater.jpg"
    Image.new("RGB", (320, 200), (180, 40, 40)).save(photo_path, "JPEG")

    # 1. The resident writes in Vietnamese, with a photo.
    resident = new_page(locale="vi-VN")
    sign_in(resident, "vi", desk.resident_email)
    resident.goto("/vi/reports/new")
    expect_heading(resident, live_server, "vi", "Report an inconvenience")
    check_page(resident)
    fill_report(resident, category_id=desk.housing_id, title=title,
                description="Máy sưởi trong căn hộ của tôi đã không hoạt động suốt một tuần. "
                            "Trời rất lạnh và chủ nhà không trả lời điện thoại.")
    resident.set_input_files("#photos", photo_path)
    send_report(resident)
    expect(resident).to_have_url(re.compile(re.escape(live_server.url) + r"/vi/reports/\d+$"))
    report_path = urlsplit(resident.url).path
    report_id = int(report_path.rsplit("/", 1)[1])
    expect(resident.locator("main h1")).to_have_text(title)
    expect_flash(resident)
    expect_photo_loaded(resident)
    check_page(resident)

    # 2. Staff find it in the queue at a Korean desk, acknowledge, reply, resolve.
    staff = new_page(locale="ko-KR")
    sign_in(staff, "ko", desk.staff_email)
    staff.goto("/ko/staff/reports?team=")
    expect_heading(staff, live_server, "ko", "Report triage")
    check_page(staff)
    staff.locator("main table.queue").get_by_role("link", name=title).click()
    expect(staff).to_have_url(f"{live_server.url}/ko/staff/reports/{report_id}")
    expect(staff.locator("main h1")).to_have_text(title)
    expect_photo_loaded(staff)
    check_page(staff)

    staff.locator("main button[name=action][value=acknowledge]").click()
    expect_flash(staff)
    reply = staff.locator("section[aria-labelledby=reply-heading]")
    reply.locator("select[name=canned]").select_option(str(desk.canned_id))
    expect(reply.locator("textarea[name=message]")).to_have_value("")
    reply.locator("button[type=submit]").click()
    expect_flash(staff)
    # Staff read the reply as it was sent: in the reporter's language.
    expect(staff.locator("main .timeline")).to_contain_text(REPLY_TEXTS["vi"])
    staff.locator("main button[name=action][value=resolve]").click()
    expect_flash(staff)
    expect(staff.locator("main .timeline .event-status").last).to_contain_text(
        live_server.gettext("ko", "Resolved")
    )
    check_page(staff)

    # 3. The resident reads the timeline in Vietnamese and rates the answer.
    resident.goto(report_path)
    timeline = resident.locator("main .timeline")
    for status in ("Acknowledged", "Resolved"):
        expect(timeline).to_contain_text(live_server.gettext(
            "vi", "Status: %(status)s", status=live_server.gettext("vi", status)))
    expect(timeline.locator(".event-reply .event-message")).to_have_text(REPLY_TEXTS["vi"])
    expect(timeline.locator(".event-note")).to_have_count(0)  # internal entries stay internal
    check_page(resident)
    resident.select_option("#rating", "5")
    resident.fill("#comment", "Cảm ơn, máy sưởi đã được sửa nhanh chóng.")
    resident.locator("section[aria-labelledby=rating-heading] button[type=submit]").click()
    expect_flash(resident)
    expect(timeline.locator(".event-rating")).to_contain_text(
        live_server.gettext("vi", "Rated %(rating)s out of 5", rating=5))
    expect(timeline.locator(".event-rating")).to_contain_text("máy sưởi đã được sửa")
    expect(resident.locator("section[aria-labelledby=rating-heading]")).to_contain_text(
        live_server.gettext("vi", "You rated it %(rating)s out of 5. You can change your "
                                  "rating.", rating=5))
    check_page(resident)

    # The same pages in another language: the report, and the list of one's reports.
    resident.goto(f"/en{report_path[3:]}")
    expect(resident.locator("html")).to_have_attribute("lang", "en")
    expect(resident.locator("main .timeline")).to_contain_text(
        live_server.gettext("en", "Rated %(rating)s out of 5", rating=5))
    check_page(resident)
    for lang in ("vi", "en"):
        resident.goto(f"/{lang}/reports/")
        expect_heading(resident, live_server, lang, "My reports")
        expect(resident.locator("main .report-list")).to_contain_text(title)
        check_page(resident)


def test_visitor_reports_first_and_registers_at_the_end(new_page, live_server, desk, check_page):
    page = new_page(locale="ja-JP")
    tag = uuid.uuid4().hex[:8]
    email = f"hanako-{tag}@example.jp"
    title = f"区役所に日本語の案内がありません {tag}"
    page.goto("/ja/reports/new")
    expect_heading(page, live_server, "ja", "Report an inconvenience")
    expect(page.locator("#locale")).to_have_value("ja")
    check_page(page)
    fill_report(page, category_id=desk.housing_id, title=title,
                description="転入届を出しに行きましたが、日本語や英語の案内が何もありませんでした。")
    page.fill("#name", "山田 花子")
    page.fill("#email", email)
    page.check("input[name=access][value=link]")
    page.check("#consent_account")
    send_report(page)
    expect(page).to_have_url(f"{live_server.url}/ja/register/done")
    expect_heading(page, live_server, "ja", "Check your email")
    check_page(page)
    with live_server.app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.title == title))
        assert report.status.name == "pending"
        db.session.remove()

    # The mail's link confirms the address; without a password, the next page chooses one.
    (mail,) = mails_to(live_server, email)
    link = link_in(live_server, mail, "confirm/")
    assert urlsplit(link).path.startswith("/ja/confirm/")
    page.goto(link)
    check_page(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/ja/reset/[^/]+$"))
    expect_heading(page, live_server, "ja", "Choose a new password")
    expect(page.locator("main .flash-success")).to_have_text(live_server.gettext(
        "ja", "Thank you: your email address is confirmed. Choose a password to sign in."))
    check_page(page)
    with live_server.app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.title == title))
        assert report.status.name == "new"  # it reached the city with the confirmation
        db.session.remove()


def test_report_under_a_known_address_waits_for_its_owner(new_page, live_server, desk, check_page):
    """Someone not signed in uses a resident's address: the owner confirms the report."""
    title = f"Bus stop sign only in Korean {uuid.uuid4().hex[:8]}"
    page = new_page(locale="en-GB")
    page.goto("/en/reports/new")
    check_page(page)
    fill_report(page, category_id=desk.housing_id, title=title,
                description="The sign at the bus stop lists the routes in Korean only.")
    page.fill("#name", "An")
    page.fill("#email", desk.resident_email)
    page.fill("#password", PASSWORD)
    page.fill("#password_again", PASSWORD)
    page.check("#consent_account")
    send_report(page)
    expect(page).to_have_url(f"{live_server.url}/en/register/done")

    mail = mails_to(live_server, desk.resident_email)[-1]
    link = link_in(live_server, mail, "reports/confirm/")
    path = urlsplit(link).path
    assert path.startswith("/vi/reports/confirm/")  # in the owner's language
    for lang in ("en", "vi"):
        page.goto(f"/{lang}{path[3:]}")
        expect_heading(page, live_server, lang, "Confirm your report")
        check_page(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/vi/login")
    expect_flash(page)
    with live_server.app.app_context():
        report = db.session.scalar(sa.select(Report).where(Report.title == title))
        assert (report.reporter_id, report.status.name) == (desk.resident_id, "new")
        db.session.remove()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_statistics(new_page, live_server, desk, check_page, lang):
    page = new_page()
    page.goto(f"/{lang}/reports/stats")
    expect_heading(page, live_server, lang, "What you told us, what we did")
    chart = page.locator(f"main figure {CHART}")
    expect(chart).to_have_count(1)
    expect(chart.locator("title")).to_have_text(
        live_server.gettext(lang, "Reports received per month"))
    check_page(page)


def add_report(live_server, desk, title: str) -> int:
    """A Korean report from the resident, filed through the service: it is in the queue."""
    app = live_server.app
    with app.app_context(), app.test_request_context("/en/"):
        reporter = db.session.get(User, desk.resident_id)
        report = service.file_report(
            reporter=reporter, category=db.session.get(Category, desk.housing_id),
            district=District.jongno, title=title,
            description="종로구 주민센터에 외국어 안내문이 없습니다.", public_stats=True,
        )
        db.session.commit()
        report_id = report.id
        db.session.remove()
    return report_id


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_admin_pages(new_page, live_server, desk, check_page, lang):
    title = f"주민센터 안내문 {uuid.uuid4().hex[:8]}"
    report_id = add_report(live_server, desk, title)
    page = new_page(locale="ko-KR")
    sign_in(page, lang, desk.admin_email)

    # The dashboard's reports panel, with its chart.
    page.goto(f"/{lang}/staff/")
    panel = page.locator("main section[aria-labelledby=reports-heading]")
    expect(panel.locator(CHART)).to_have_count(1)
    expect(panel.locator(f"{CHART} title")).to_have_text(
        live_server.gettext(lang, "Reports received per week"))
    check_page(page)

    # The queue, filtered, and a report's page.
    page.goto(f"/{lang}/staff/reports?team=&area=jongno&q={title.split()[-1]}")
    expect_heading(page, live_server, lang, "Report triage")
    rows = page.locator("main table.queue tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(title)
    check_page(page)
    rows.get_by_role("link", name=title).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/reports/{report_id}")
    check_page(page)

    # One's languages and follows.
    page.goto(f"/{lang}/staff/reports/settings")
    expect_heading(page, live_server, lang, "My languages and followed reports")
    check_page(page)
    page.check("input[name=languages][value=vi]")
    page.check(f"input[name=categories][value='{desk.housing_id}']")
    page.locator("main form button[type=submit]").click()
    expect_flash(page)
    expect(page.locator("input[name=languages][value=vi]")).to_be_checked()

    # Categories, teams, prepared texts and targets.
    page.goto(f"/{lang}/staff/admin/reports/")
    expect_heading(page, live_server, lang, "Report categories, teams and targets")
    check_page(page)
    for path, heading in [
        (f"categories/{desk.housing_id}", "Change a category"),
        (f"teams/{desk.team_id}", "Change a team"),
        (f"texts/{desk.canned_id}", "Change a prepared text"),
        ("targets", "Response targets"),
    ]:
        page.goto(f"/{lang}/staff/admin/reports/{path}")
        expect_heading(page, live_server, lang, heading)
        check_page(page)
    page.goto(f"/{lang}/staff/admin/reports/categories/new")
    expect_heading(page, live_server, lang, "Add a category")
    check_page(page)
    code = f"signs-{uuid.uuid4().hex[:8]}"
    page.fill("#name_en", f"Signs {code}")
    page.fill("#name_ko", f"안내 표지 {code}")
    page.fill("#code", code)
    page.select_option("#team", str(desk.team_id))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/admin/reports/")
    expect_flash(page)
    expect(page.locator("main table").first).to_contain_text(code)

    # API keys: a key is issued and shown once.
    page.goto(f"/{lang}/staff/admin/api-keys/")
    expect_heading(page, live_server, lang, "API keys")
    check_page(page)
    system = f"120 Dasan Call Center {uuid.uuid4().hex[:6]}"
    page.fill("#name", system)
    page.locator("main form.stack button[type=submit]").click()
    expect_heading(page, live_server, lang, "The key of %(name)s", name=system)
    key = page.locator("#api-key").input_value()
    assert key.startswith("o311_")
    check_page(page)
    page.get_by_role("link", name=live_server.gettext(lang, "Back to the API keys")).click()
    expect(page.locator("main table")).to_contain_text(system)
    assert key not in page.content()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(ApiClient).where(ApiClient.name == system))
        db.session.remove()
    check_page(page)
