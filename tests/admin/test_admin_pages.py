"""Administration pages: who may open them, staff accounts, the audit log."""

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.audit import AuditLog, audit
from portal.extensions import db
from tests.support.http import submit
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
