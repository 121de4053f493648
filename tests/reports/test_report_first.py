"""Report first, register at the end: a visitor's report waits until their address is theirs."""

import io
import re

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.passwords import NO_PASSWORD
from portal.extensions import db
from portal.reports.models import Report, ReportPhoto, ReportStatus
from tests.fixtures.reports import jpeg_bytes
from tests.support.http import PASSWORD, csrf_token, sign_in, submit


def report_fields(categories, **extra):
    return {"category": str(categories["housing"].id), "area": "geumcheon",
            "title": "Tiền đặt cọc", "description": "Chủ nhà không trả lại tiền đặt cọc.",
            **extra}


def visitor(email="new.visitor@example.vn", **extra):
    return {"name": "Nguyễn Lan", "email": email, "locale": "vi", "consent_account": "y",
            **extra}


def mailed_path(outbox, email, kind="confirm"):
    mail = outbox(email)[-1]
    return re.search(rf"http://localhost(/\w+/(?:reports/)?{kind}/\S+)", mail.text).group(1)


def test_a_visitors_report_waits_until_the_address_is_confirmed(client, categories, outbox,
                                                                 staff_user, login):
    response = submit(client, "/vi/reports/new", {
        **report_fields(categories, public_stats="y"),
        **visitor(access="password", password=PASSWORD, password_again=PASSWORD),
        "photos": (io.BytesIO(jpeg_bytes()), "cho-o.jpg"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302 and "/register/done" in response.headers["Location"]
    user = db.session.scalar(sa.select(User).where(User.email == "new.visitor@example.vn"))
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == user.id))
    assert user.confirmed_at is None
    assert report.status is ReportStatus.pending and report.received_at is None
    assert db.session.scalar(sa.select(sa.func.count()).where(
        ReportPhoto.report_id == report.id)) == 1  # the photo came along
    page = client.get("/en/register/done").get_data(as_text=True)
    assert "new.visitor@example.vn" in page
    # Staff do not see it yet.
    staff = login(staff_user)
    assert "Tiền đặt cọc" not in staff.get("/en/staff/reports?team=&view=all").get_data(
        as_text=True)
    client.delete_cookie("session")
    submit(client, mailed_path(outbox, "new.visitor@example.vn"))
    db.session.refresh(report)
    assert report.status is ReportStatus.new and report.received_at is not None
    assert sign_in(client, "new.visitor@example.vn", PASSWORD).status_code == 302


def test_asking_for_a_link_instead_of_a_password_leads_to_choosing_one(client, categories,
                                                                       outbox):
    response = submit(client, "/vi/reports/new", {
        **report_fields(categories), **visitor(access="link")})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.visitor@example.vn"))
    assert user.password_hash == NO_PASSWORD
    confirmed = submit(client, mailed_path(outbox, "new.visitor@example.vn"))
    assert "/vi/reset/" in confirmed.headers["Location"]
    chosen = submit(client, confirmed.headers["Location"],
                    {"password": PASSWORD, "password_again": PASSWORD})
    assert chosen.status_code == 302
    assert sign_in(client, "new.visitor@example.vn", PASSWORD).status_code == 302
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == user.id))
    db.session.refresh(report)
    assert report.status is ReportStatus.new


def test_an_address_with_an_account_holds_the_report_for_its_owner(client, categories, outbox,
                                                                   create_user):
    owner = create_user(email="owner@example.vn", locale="zh")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = submit(client, "/vi/reports/new", {
        **report_fields(categories),
        **visitor(email="Owner@example.vn", access="password", password=PASSWORD,
                  password_again=PASSWORD)})
    # The page answers as for a new address: it tells nobody who has an account.
    assert response.status_code == 302 and "/register/done" in response.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == owner.id))
    assert report.status is ReportStatus.pending  # held, although the owner is confirmed
    mail = outbox("owner@example.vn")[-1]
    assert mail.locale == "zh"
    path = mailed_path(outbox, "owner@example.vn", "confirm")
    assert "/reports/confirm/" in path
    assert client.get(path).status_code == 200
    db.session.refresh(report)
    assert report.status is ReportStatus.pending  # opening the link changes nothing
    bad = submit(client, path[:-3] + "xyz", page=path)
    assert bad.status_code == 400
    assert submit(client, path).status_code == 302
    db.session.refresh(report)
    assert report.status is ReportStatus.new


def test_a_visitors_mistakes_keep_everything_typed(client, categories):
    response = submit(client, "/vi/reports/new", {
        **report_fields(categories, title=""),
        **visitor(access="password", password="short", password_again="other",
                  consent_account=""),
        "photos": (io.BytesIO(jpeg_bytes()), "anh.jpg"),
    }, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chủ nhà không trả lại tiền đặt cọc." in html and "Nguyễn Lan" in html
    assert 'name="kept_photos"' in html and re.search(r'name="kept_photos"[^>]*value="\S+"',
                                                      html)
    assert html.count('class="error"') >= 3  # title, password, consent at once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_signed_in_but_unconfirmed_residents_are_asked_to_confirm_first(client, login,
                                                                         create_user,
                                                                         categories):
    login(create_user(confirmed=False))
    response = client.get("/en/reports/new")
    assert response.status_code == 302 and "/account" in response.headers["Location"]
    posted = client.post("/en/reports/new", data={
        "csrf_token": csrf_token(client, "/en/account/"), **report_fields(categories)})
    assert posted.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_visitors_creating_accounts_share_the_registration_limit(app, client, categories):
    app.config["REGISTER_LIMIT_PER_IP"] = "1 per hour"
    try:
        first = submit(client, "/en/reports/new", {
            **report_fields(categories), **visitor(email="a@example.vn", access="link")})
        assert first.status_code == 302
        second = submit(client, "/en/reports/new", {
            **report_fields(categories), **visitor(email="b@example.vn", access="link")})
        assert second.status_code == 429
        assert "Retry-After" in second.headers
        assert "Chủ nhà không trả lại tiền đặt cọc." in second.get_data(as_text=True)
    finally:
        app.config["REGISTER_LIMIT_PER_IP"] = "10 per hour"


def test_a_held_report_goes_in_only_through_its_own_link(client, categories, outbox,
                                                         create_user):
    owner = create_user(email="unconfirmed.owner@example.vn", confirmed=False)
    submit(client, "/en/reports/new", {
        **report_fields(categories),
        **visitor(email="unconfirmed.owner@example.vn", access="link")})
    report = db.session.scalar(sa.select(Report).where(Report.reporter_id == owner.id))
    assert report.held and report.status is ReportStatus.pending
    # The owner confirms their own account: a report someone else may have written stays out.
    from portal.accounts.signin import mark_confirmed

    mark_confirmed(owner)
    db.session.commit()
    db.session.refresh(report)
    assert report.status is ReportStatus.pending
    submit(client, mailed_path(outbox, "unconfirmed.owner@example.vn", "confirm"))
    db.session.refresh(report)
    assert report.status is ReportStatus.new and not report.held
