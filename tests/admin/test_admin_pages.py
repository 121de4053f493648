"""Administration pages: who may open them, staff accounts, the audit log."""

import re

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.audit import AuditLog, audit
from portal.extensions import db
from tests.support.http import sign_in, submit
from tests.support.i18n import translated

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


def invitation_path(outbox, email) -> str:
    mail = outbox(email)[-1]
    return re.search(r"http://localhost(/ko/welcome/\S+)", mail.text).group(1)


def test_an_invited_colleague_chooses_their_own_password(client, login, admin_user, outbox):
    login(admin_user)
    response = submit(client, "/en/staff/admin/staff",
                      {"name": "김민준", "email": "Minjun.Kim@Seoul.go.kr"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "minjun.kim@seoul.go.kr"))
    assert user.role is Role.staff and user.confirmed_at is None
    assert sign_in(app_client(client), user.email, "!").status_code == 200  # no password yet
    [mail] = outbox(user.email)
    assert mail.locale == "ko" and "김민준" not in mail.text  # nobody greeted by name
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.invite_staff"))
    assert entry.actor_id == admin_user.id
    path = invitation_path(outbox, user.email)
    newcomer = app_client(client)
    assert submit(newcomer, path, {"password": "gwanghwamun-2026",
                                   "password_again": "gwanghwamun-2026"}).status_code == 302
    assert sign_in(newcomer, user.email, "gwanghwamun-2026").status_code == 302
    assert newcomer.get(path).status_code == 400  # the link worked once
    db.session.refresh(user)
    assert user.confirmed_at is not None


def app_client(client):
    return client.application.test_client()


def test_inviting_a_taken_address_shows_the_error(client, login, admin_user):
    login(admin_user)
    response = submit(client, "/en/staff/admin/staff",
                      {"name": "Dup", "email": admin_user.email.upper()})
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_admins_change_roles_and_switch_accounts_off(client, login, admin_user, staff_user):
    colleague = app_client(client)
    sign_in(colleague, staff_user.email)
    assert colleague.get("/en/staff/").status_code == 200
    login(admin_user)
    page = f"/en/staff/admin/staff/{staff_user.id}"
    assert submit(client, page, {"role": "admin"}).status_code == 302
    db.session.refresh(staff_user)
    assert staff_user.role is Role.admin
    assert submit(client, f"{page}/deactivate", page=page).status_code == 302
    # Signed out at once, everywhere, and cannot sign in again.
    assert colleague.get("/en/staff/").status_code == 302
    assert sign_in(app_client(client), staff_user.email).status_code == 200
    assert submit(client, f"{page}/reactivate", page=page).status_code == 302
    assert sign_in(app_client(client), staff_user.email).status_code == 302
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_id == staff_user.id, AuditLog.action.like("user.%"))).all()
    assert sorted(actions) == ["user.change_role", "user.deactivate", "user.reactivate"]


def test_an_admin_cannot_lock_themselves_or_the_portal_out(client, login, admin_user):
    login(admin_user)
    page = f"/en/staff/admin/staff/{admin_user.id}"
    response = submit(client, f"{page}/deactivate", page="/en/staff/admin/staff",
                      follow_redirects=True)
    assert "You cannot change your own account here." in response.get_data(as_text=True)
    db.session.refresh(admin_user)
    assert admin_user.deactivated_at is None and admin_user.role is Role.admin


def test_the_last_administrator_stays_one(app, admin_user, create_user):
    from portal.accounts.staff_accounts import change_role, deactivate
    from portal.errors import ValidationError

    other_admin = create_user(role=Role.admin)
    with app.test_request_context("/en/"):
        change_role(other_admin, role=Role.staff, by=admin_user)  # admin_user remains
        with pytest.raises(ValidationError, match="at least one administrator"):
            deactivate(admin_user, by=other_admin)


def test_the_audit_log_reads_as_sentences_with_names(client, login, admin_user, staff_user,
                                                      create_user, create_contact):
    from portal.contacts.models import Tier
    from portal.contacts.service import classify_contact

    hoa = create_contact(name="Nguyễn Thị Hoa")
    classify_contact(hoa, tier=Tier.next_generation, affiliation=None, by=staff_user)
    db.session.commit()
    login(admin_user)
    html = client.get("/ko/staff/admin/audit").get_data(as_text=True)
    # 박지훈: Nguyễn Thị Hoa 미분류 → 차세대 리더, in the reader's language, with names.
    expected = translated(client.application, "ko", "%(actor)s: %(name)s %(before)s → %(after)s",
                          actor=staff_user.name, name="Nguyễn Thị Hoa",
                          before=translated(client.application, "ko", "Unclassified"),
                          after=translated(client.application, "ko",
                                           "Next Generation Leaders"))
    assert expected in html
    assert "contact.classify" not in html.split('<ol class="history">', 1)[1]  # no codes
    assert "{" not in html.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]  # no JSON


def test_the_audit_log_filters_are_choices(client, login, admin_user, resident, create_user):
    other = create_user()
    audit("contact.classify", actor=admin_user, obj_type="contact", obj_id=resident.id)
    audit("contact.classify", actor=admin_user, obj_type="contact", obj_id=other.id)
    audit("user.create_staff", actor=admin_user, obj_type="user", obj_id=other.id)
    db.session.commit()
    login(admin_user)

    def rows(query):
        html = client.get(f"/en/staff/admin/audit?{query}").get_data(as_text=True)
        return html.count('<li>\n    <time datetime=')

    page = client.get("/en/staff/admin/audit").get_data(as_text=True)
    assert '<select id="action" name="action">' in page
    assert '<option value="contact.classify">Classification changed</option>' in page
    assert rows("") == 4  # and the administrator's own sign-in
    assert rows("action=contact.classify") == 2
    assert rows(f"object_type=contact&object_id={other.id}") == 1
    assert rows("object_type=user") == 2
    assert rows("object_id=not-a-number") == 4  # a bad filter is shown and ignored
    empty = client.get("/en/staff/admin/audit?action=signin.failed").get_data(as_text=True)
    assert "No entries match these filters." in empty


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_only_admins_open_admin_pages(client, login, staff_user, url):
    login(staff_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admins_open_admin_pages(client, login, admin_user, url):
    login(admin_user)
    assert client.get(url).status_code == 200
