"""The administrators' page for API keys: who may open it, issuing a key once, revoking."""

import re

import pytest
import sqlalchemy as sa

from portal.api import service
from portal.api.models import ApiClient
from portal.audit import AuditLog
from portal.extensions import db
from tests.support.http import csrf_token, submit

PAGE = "/en/staff/admin/api-keys/"
KEY_RE = re.compile(r'value="(o311_[A-Za-z0-9_-]+)"')


@pytest.fixture
def api_client(issue_key):
    return issue_key("Seoul 120")[0]


def test_visitors_are_sent_to_sign_in(client, api_client):
    for response in (client.get(PAGE), client.get("/ko/staff/admin/api-keys/")):
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("who", ["resident", "staff_user"])
def test_residents_and_staff_get_403(client, login, request, api_client, who):
    login(request.getfixturevalue(who))
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/en/account/")
    for response in (client.post(PAGE, data={"csrf_token": token, "name": "Sneaky"}),
                     client.post(f"{PAGE}{api_client.id}/revoke", data={"csrf_token": token})):
        assert response.status_code == 403
    assert db.session.get(ApiClient, api_client.id).revoked_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 1


def test_admins_see_the_clients_without_their_keys(client, login, admin_user, issue_key):
    api_client, key = issue_key("Seoul 120", by=admin_user)
    login(admin_user)
    html = client.get(PAGE).get_data(as_text=True)
    assert "Seoul 120" in html and admin_user.name in html
    assert key not in html and api_client.key_hash not in html


def test_the_menu_shows_api_keys_to_admins_only(client, login, staff_user, admin_user):
    login(staff_user)
    assert PAGE not in client.get("/en/staff/").get_data(as_text=True)
    client.post("/en/logout", data={"csrf_token": csrf_token(client, "/en/staff/")})
    login(admin_user)
    assert f'href="{PAGE}"' in client.get("/en/staff/").get_data(as_text=True)


def test_a_new_key_is_shown_once_and_audited(client, login, admin_user, categories):
    login(admin_user)
    response = submit(client, PAGE, {"name": "Dasan 120 Call Center"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    [key] = KEY_RE.findall(html)
    api_client = db.session.scalar(sa.select(ApiClient))
    assert api_client.name == "Dasan 120 Call Center"
    assert api_client.created_by_id == admin_user.id
    assert service.client_for_key(key) == api_client
    assert key not in client.get(PAGE).get_data(as_text=True)  # never again
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "api_key.create"))
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        admin_user.id, "api_client", api_client.id)
    # The key works at once.
    filed = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": categories["housing"].code,
        "description": "Test request", "address_string": "Jung-gu"})
    assert filed.status_code == 201


def test_a_name_is_required(client, login, admin_user):
    login(admin_user)
    response = submit(client, PAGE, {"name": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0


def test_revoking_a_key_refuses_it_and_is_audited(client, login, admin_user, issue_key,
                                                  categories):
    api_client, key = issue_key("Seoul 120")
    login(admin_user)
    response = submit(client, f"{PAGE}{api_client.id}/revoke", page=PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(PAGE)
    db.session.refresh(api_client)
    assert api_client.revoked_at is not None
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "api_key.revoke"))
    assert (entry.actor_id, entry.object_id) == (admin_user.id, api_client.id)
    html = client.get(PAGE).get_data(as_text=True)
    assert "The key of Seoul 120 has been revoked." in html
    assert "Revoked on" in html
    assert f"{api_client.id}/revoke" not in html  # no button for a revoked key
    refused = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": categories["housing"].code,
        "description": "Test", "address_string": "Jung-gu"})
    assert refused.status_code == 403
    # Revoking again changes nothing and says so.
    token = csrf_token(client, "/en/account/")
    again = client.post(f"{PAGE}{api_client.id}/revoke", data={"csrf_token": token},
                        follow_redirects=True)
    assert "This key has already been revoked." in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "api_key.revoke")) == 1


def test_revoking_an_unknown_client_is_404(client, login, admin_user):
    login(admin_user)
    token = csrf_token(client, PAGE)
    assert client.post(f"{PAGE}999999/revoke", data={"csrf_token": token}).status_code == 404


def test_the_audit_log_reads_the_key_actions(client, login, admin_user, issue_key):
    api_client, _key = issue_key("Seoul 120", by=admin_user)
    service.revoke_client(api_client, by=admin_user)
    db.session.commit()
    login(admin_user)
    html = client.get("/en/staff/admin/audit").get_data(as_text=True)
    assert f"{admin_user.name} issued an API key to Seoul 120." in html
    assert f"{admin_user.name} revoked the API key of Seoul 120." in html


def test_the_list_is_paged_with_a_bounded_number_of_queries(client, login, admin_user,
                                                            issue_key, count_queries):
    for n in range(52):
        issue_key(f"System {n:02d}", by=admin_user)
    login(admin_user)
    with count_queries() as first:
        html = client.get(PAGE).get_data(as_text=True)
    assert html.count("/revoke") == 50
    assert "System 51" in html and "System 00" not in html  # the newest first
    second = client.get(PAGE + "?page=2").get_data(as_text=True)
    assert "System 00" in second and "System 01" in second
    issue_key("One more", by=admin_user)
    with count_queries() as again:
        client.get(PAGE)
    assert len(again) == len(first)
