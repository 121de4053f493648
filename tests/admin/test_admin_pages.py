"""Administration pages: who may open them, staff accounts, the audit log."""

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.audit import AuditLog, audit
from portal.extensions import db
from tests.support.http import submit

ADMIN_URLS = ["/en/staff/admin/staff", "/en/staff/admin/audit", "/ko/staff/admin/audit"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_residents_get_403(client, login, resident, url):
    login(resident)
    assert client.get(url).status_code == 403


def test_admin_creates_a_staff_account_in_the_admin_page(client, login, admin_user):
    login(admin_user)
    response = submit(
        client, "/en/staff/admin/staff",
        {"name": "김민준", "email": "Minjun.Kim@Seoul.go.kr", "password": "gwanghwamun-2026"},
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "minjun.kim@seoul.go.kr"))
    assert user.role is Role.staff and user.confirmed_at is not None
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.create_staff"))
    assert entry.actor_id == admin_user.id


def test_creating_staff_with_a_taken_address_shows_the_error(client, login, admin_user):
    login(admin_user)
    response = submit(
        client, "/en/staff/admin/staff",
        {"name": "Dup", "email": admin_user.email.upper(), "password": "gwanghwamun-2026"},
    )
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_the_audit_log_filters_by_action_and_object(client, login, admin_user, resident,
                                                     create_user):
    other = create_user()
    audit("contact.classify", actor=admin_user, obj_type="contact", obj_id=resident.id)
    audit("contact.classify", actor=admin_user, obj_type="contact", obj_id=other.id)
    audit("user.create_staff", actor=admin_user, obj_type="user", obj_id=other.id)
    db.session.commit()
    login(admin_user)

    def rows(query):
        html = client.get(f"/en/staff/admin/audit?{query}").get_data(as_text=True)
        return html.count("<code>contact.classify</code>"), html.count(
            "<code>user.create_staff</code>"
        )

    assert rows("") == (2, 1)
    assert rows("action=contact.classify") == (2, 0)
    assert rows(f"object_type=contact&object_id={other.id}") == (1, 0)
    assert rows("object_id=not-a-number") == (2, 1)  # a bad filter is ignored, not a 500


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_only_admins_open_admin_pages(client, login, staff_user, url):
    login(staff_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admins_open_admin_pages(client, login, admin_user, url):
    login(admin_user)
    assert client.get(url).status_code == 200
