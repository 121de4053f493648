"""What staff set for themselves and what administrators set for the reports desk."""

import pytest
import sqlalchemy as sa

from portal.audit import AuditLog
from portal.contacts.models import Tier
from portal.extensions import db
from portal.notifications.models import Notification
from portal.reports import service
from portal.reports.models import (
    CannedResponse,
    Category,
    ResponseTarget,
    StaffLanguage,
    Team,
    TeamMember,
)
from tests.support.http import submit

ADMIN_PAGES = ["/en/staff/admin/reports/", "/en/staff/admin/reports/categories/new",
               "/ko/staff/admin/reports/teams/new", "/en/staff/admin/reports/texts/new",
               "/vi/staff/admin/reports/targets"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_only_administrators_open_the_reports_settings(client, login, resident, staff_user,
                                                       admin_user, url):
    assert "/login" in client.get(url).headers["Location"]
    login(resident)
    assert client.get(url).status_code == 403
    client.post("/en/logout", data={})
    client.delete_cookie("session")
    login(staff_user)
    assert client.get(url).status_code == 403
    client.delete_cookie("session")
    login(admin_user)
    assert client.get(url).status_code == 200


def test_an_admin_adds_a_category_residents_see_in_their_language(client, login, admin_user,
                                                                  resident, categories):
    login(admin_user)
    response = submit(client, "/en/staff/admin/reports/categories/new", {
        "code": "noise", "name_en": "Noise", "name_vi": "Tiếng ồn", "name_zh": "噪音",
        "team": str(categories["housing"].team_id), "position": "5", "active": "y",
    })
    assert response.status_code == 302
    category = db.session.scalar(sa.select(Category).where(Category.code == "noise"))
    assert category.names == {"en": "Noise", "vi": "Tiếng ồn", "zh": "噪音"}
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "report_category.create", AuditLog.object_id == category.id))
    client.delete_cookie("session")
    login(resident)
    assert "Tiếng ồn" in client.get("/vi/reports/new").get_data(as_text=True)
    # Japanese has no name yet: the English one stands in.
    assert "Noise" in client.get("/ja/reports/new").get_data(as_text=True)


def test_a_taken_code_is_refused_and_the_names_typed_are_kept(client, login, admin_user,
                                                              categories):
    login(admin_user)
    taken = categories["housing"].code
    response = submit(client, "/en/staff/admin/reports/categories/new", {
        "code": taken, "name_en": "Rent and deposits", "position": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another category has this code." in html and "Rent and deposits" in html
    bad = submit(client, "/en/staff/admin/reports/categories/new", {
        "code": "Has Spaces", "name_en": ""})
    assert "Use lower-case letters" in bad.get_data(as_text=True)


def test_team_members_get_their_teams_queue(client, login, admin_user, staff_user, categories):
    login(admin_user)
    team = db.session.get(Team, categories["housing"].team_id)
    response = submit(client, f"/en/staff/admin/reports/teams/{team.id}", {
        "code": team.code, "name_en": "Housing Policy Division", "name_ko": "주택정책과",
        "members": [str(staff_user.id)],
    })
    assert response.status_code == 302
    members = db.session.scalars(sa.select(TeamMember.user_id).where(
        TeamMember.team_id == team.id)).all()
    assert members == [staff_user.id]


def test_prepared_texts_need_an_english_text(client, login, admin_user):
    login(admin_user)
    response = submit(client, "/en/staff/admin/reports/texts/new", {
        "kind": "referral", "name_en": "Labour", "text_vi": "Gọi 1350."})
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CannedResponse)) == 0
    submit(client, "/en/staff/admin/reports/texts/new", {
        "kind": "referral", "name_en": "Labour", "text_en": "Call 1350.",
        "text_vi": "Gọi 1350."})
    canned = db.session.scalar(sa.select(CannedResponse))
    assert canned.texts == {"en": "Call 1350.", "vi": "Gọi 1350."}


def test_new_targets_apply_to_reports_received_afterwards(client, login, admin_user,
                                                          create_report, app):
    before = create_report()
    login(admin_user)
    data = {}
    for tier in Tier:
        data[f"acknowledge_{tier.name}"] = "1"
        data[f"resolve_{tier.name}"] = "2"
    data["acknowledge_global_elite"] = "9"  # later than its resolution: refused
    refused = submit(client, "/en/staff/admin/reports/targets", data)
    assert refused.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResponseTarget)) == 0
    data["acknowledge_global_elite"] = "1"
    assert submit(client, "/en/staff/admin/reports/targets", data).status_code == 302
    with app.test_request_context("/en/"):
        assert service.targets()[Tier.unclassified] == (1, 2)
    after = create_report()
    db.session.refresh(before)
    assert after.resolve_due_at - after.received_at < before.resolve_due_at - before.received_at


def test_staff_choose_languages_and_follows_and_hear_of_new_reports(
        client, login, staff_user, resident, categories, create_report, create_user):
    login(staff_user)
    response = submit(client, "/ko/staff/reports/settings", {
        "languages": ["vi", "en"], "categories": [str(categories["transport"].id)],
        "tiers": [],
    })
    assert response.status_code == 302
    languages = db.session.scalars(sa.select(StaffLanguage.language).where(
        StaffLanguage.user_id == staff_user.id).order_by(StaffLanguage.language)).all()
    assert languages == ["en", "vi"]
    create_report(category="housing")
    followed = create_report(category="transport", title="Bus never comes")
    notes = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == staff_user.id, Notification.kind == "reports.new")).all()
    assert [n.object_id for n in notes] == [followed.id]
    # Staff choose how that news reaches them; residents are not offered it.
    assert "kind_reports__new" in client.get("/ko/notifications/settings").get_data(
        as_text=True)
    client.delete_cookie("session")
    login(resident)
    assert "kind_reports__new" not in client.get("/en/notifications/settings").get_data(
        as_text=True)
