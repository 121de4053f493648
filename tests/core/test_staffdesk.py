"""The staff desk is built from what domains register: blueprints, menus, dashboard panels."""

from pathlib import Path

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.columns import utcnow
from portal.extensions import db
from portal.staffdesk import (
    ADMINS,
    MenuEntry,
    Panel,
    add_menu_entry,
    add_panel,
    staff_blueprint,
)
from tests.conftest import make_app
from tests.support.http import PASSWORD, csrf_token, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_a_staff_blueprint_is_prefixed_gated_and_named_by_its_domain():
    blueprint = staff_blueprint("reports", __name__)
    assert blueprint.name == "reports_staff"
    assert blueprint.url_prefix == "/<lang:lang>/staff"
    assert blueprint.before_request_funcs[None]  # the staff gate


@pytest.mark.parametrize("url", ["/en/staff/", "/ko/staff/"])
def test_the_dashboard_is_for_staff_only(client, login, resident, url):
    assert client.get(url).status_code == 302
    login(resident)
    assert client.get(url).status_code == 403


def test_the_dashboard_shows_every_registered_panel_and_menu_entry(client, login, staff_user,
                                                                   admin_user):
    login(staff_user)
    html = client.get("/en/staff/").get_data(as_text=True)
    # One panel per domain that registered one: the people (contacts) and the mail.
    for heading in ("people-heading", "mail-heading"):
        assert f'id="{heading}"' in html
    assert 'href="/en/staff/users"' in html and 'href="/en/staff/contacts"' in html
    assert "/en/staff/admin/audit" not in html  # an admin's entry, hidden from staff
    client.post("/en/logout", data={"csrf_token": csrf_token(client, "/en/staff/")})
    login(admin_user)
    html = client.get("/en/staff/").get_data(as_text=True)
    assert 'href="/en/staff/admin/audit"' in html and 'href="/en/staff/admin/staff"' in html


@pytest.mark.no_transaction
def _desk_client(app: Flask):
    """A new app's schema and a client signed in as a member of staff (inside its context)."""
    db.create_all()
    db.session.add(User(name="Desk", email="desk@city.example", locale="ko", role=Role.staff,
                        password_hash=hash_password(PASSWORD), confirmed_at=utcnow()))
    db.session.commit()
    client = app.test_client()
    assert sign_in(client, "desk@city.example").status_code == 302
    return client


def test_a_new_domain_joins_the_desk_by_registering(tmp_path):
    """A domain the dashboard never heard of appears through the registries alone."""
    app: Flask = make_app("sqlite://", tmp_path)
    blueprint = staff_blueprint("harbour", __name__)

    @blueprint.route("/harbour")
    def harbour():
        return "harbour"

    app.register_blueprint(blueprint)
    (tmp_path / "templates").mkdir()
    panel_template = "harbour_panel.html"
    app.jinja_loader.searchpath.append(str(tmp_path / "templates"))
    (tmp_path / "templates" / panel_template).write_text(
        '<section id="harbour-panel">{{ ships }} ships</section>'
    )
    add_panel(app, Panel(template=panel_template, context=lambda: {"ships": 7}))
    add_menu_entry(app, "staff", MenuEntry(label="Harbour", endpoint="harbour_staff.harbour"))
    add_menu_entry(app, "staff", MenuEntry(label="Lighthouse", endpoint="harbour_staff.harbour",
                                           visible=ADMINS))
    with app.app_context():
        client = _desk_client(app)
        html = client.get("/en/staff/").get_data(as_text=True)
        assert '<section id="harbour-panel">7 ships</section>' in html
        assert '<a href="/en/staff/harbour">Harbour</a>' in html
        assert "Lighthouse" not in html  # for administrators only
        # The staff menu in the header of every staff page comes from the same registry.
        header = client.get("/en/staff/users").get_data(as_text=True)
        assert '<a href="/en/staff/harbour">Harbour</a>' in header
        db.session.remove()
        db.engine.dispose()


def test_a_panel_of_numbers_for_everyone_is_rendered_once_a_language_for_its_time(tmp_path):
    app: Flask = make_app("sqlite://", tmp_path)
    (tmp_path / "templates").mkdir()
    app.jinja_loader.searchpath.append(str(tmp_path / "templates"))
    (tmp_path / "templates" / "ships.html").write_text(
        '<section id="ships">{{ _("Status") }}: {{ ships }}</section>')
    (tmp_path / "templates" / "live.html").write_text('<p id="live">{{ live }}</p>')
    counted = {"ships": 0, "live": 0}

    def ships():
        counted["ships"] += 1
        return {"ships": counted["ships"]}

    def live():
        counted["live"] += 1
        return {"live": counted["live"]}

    add_panel(app, Panel(template="ships.html", context=ships, cache_seconds=60))
    add_panel(app, Panel(template="live.html", context=live))
    with app.app_context():
        client = _desk_client(app)
        first, again = (client.get("/en/staff/").get_data(as_text=True) for _ in range(2))
        korean = client.get("/ko/staff/").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    assert '<section id="ships">Status: 1</section>' in first
    assert '<section id="ships">Status: 1</section>' in again  # kept, not counted again
    assert '<section id="ships">처리 상태: 2</section>' in korean  # its own language, counted once
    assert '<p id="live">3</p>' in korean  # a panel without cache_seconds: every visit
    assert counted == {"ships": 2, "live": 3}


def test_the_header_menu_is_built_per_language_and_filtered_per_person(client, login,
                                                                      resident):
    """The menu's addresses and labels are built once per language; who sees what is not."""
    english = client.get("/en/").get_data(as_text=True)
    korean = client.get("/ko/").get_data(as_text=True)
    assert '<a href="/en/login">Sign in</a>' in english
    assert 'href="/ko/login"' in korean and ">Sign in</a>" not in korean
    login(resident)
    html = client.get("/ko/account/").get_data(as_text=True)
    assert 'href="/ko/account/" aria-current="page"' in html
    assert 'href="/ko/login"' not in html  # a visitor's entry, hidden once signed in
    assert 'href="/en/' not in html.split("<main", 1)[0].split('class="main-nav"', 1)[1]


def test_no_template_or_view_outside_a_domain_names_its_pages():
    """Only a domain's own templates name its endpoints; shared ones use the registries."""
    shared = [TEMPLATES / "base.html", TEMPLATES / "pages" / "home.html",
              TEMPLATES / "staff" / "dashboard.html", TEMPLATES / "errors" / "error.html"]
    for path in shared:
        text = path.read_text()
        for domain in ("accounts.", "contacts_staff.", "admin.", "notifications."):
            assert f"url_for('{domain}" not in text, f"{path.name} names a {domain} page"
