"""Input that once reached the database raw or broke a redirect: NUL bytes, huge numbers, CRLF.

On PostgreSQL a NUL byte in a text parameter and an integer past 64 bits are errors; each of
these requests answered 500 there before. Every case runs on both databases.
"""

from urllib.parse import unquote

import pytest

from tests.accounts.test_registration import register
from tests.support.http import PASSWORD, submit

HUGE = "9" * 25  # past 64 bits


def test_a_nul_byte_in_registration_is_a_field_error(client):
    response = register(client, name="Mi\x00saki")
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_a_nul_byte_in_the_profile_is_a_field_error(client, login, resident):
    login(resident)
    response = submit(client, "/en/account/profile", {
        "name": "Mi\x00saki", "locale": "en", "nationality": "JP", "district": "mapo",
    })
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_a_nul_byte_in_the_sign_in_address_is_a_field_error(client):
    response = submit(client, "/en/login", {"email": "a\x00@example.org", "password": "x" * 12})
    assert response.status_code == 200
    assert 'id="email-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/en/staff/users", "/en/staff/contacts"])
def test_a_nul_byte_in_a_staff_filter_is_shown_and_ignored(client, login, staff_user, url):
    login(staff_user)
    response = client.get(f"{url}?q=%00&tier=global_elite")
    assert response.status_code == 200
    assert 'id="q-error"' in response.get_data(as_text=True)


def test_a_nul_byte_in_the_audit_filter_is_shown_and_ignored(client, login, admin_user):
    login(admin_user)
    response = client.get("/en/staff/admin/audit?action=%00x")
    assert response.status_code == 200
    assert 'id="action-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    f"/en/staff/users/{HUGE}",
    f"/en/staff/users/{2**31}",
    f"/en/staff/users/{2**63}",
])
def test_ids_too_big_for_the_database_are_404(client, login, staff_user, path):
    login(staff_user)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", [HUGE, str(2**63), "-1", "0", "abc"])
def test_page_numbers_out_of_range_show_the_first_page(client, login, admin_user, page):
    login(admin_user)
    for url in ("/en/staff/users", "/en/staff/contacts", "/en/staff/admin/audit",
                "/en/staff/admin/staff", "/en/notifications/"):
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 200, url


def test_an_object_number_too_big_for_the_audit_filter_is_refused(client, login, admin_user):
    login(admin_user)
    response = client.get(f"/en/staff/admin/audit?object_id={HUGE}")
    assert response.status_code == 200
    assert 'id="object_id-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["/%0d%0aX", "/en/%0aSet-Cookie:x=1", "/\t/evil.example"])
def test_control_characters_in_next_send_to_the_default_page(client, resident, target):
    response = submit(client, f"/en/login?next={target}",
                      {"email": resident.email, "password": PASSWORD, "next": unquote(target)},
                      page="/en/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/account/"


def test_control_characters_in_next_on_the_sign_in_page_are_harmless(client):
    assert client.get("/en/login?next=/%0d%0aX").status_code == 200


# Forms posted by hand (found by posting every form of the demo portal with empty values).


@pytest.mark.parametrize("kind", ["user", "contact"])
def test_an_empty_choice_where_the_list_offers_none_is_refused(
    client, login, staff_user, create_contact, create_user, kind
):
    """The tier select has no empty option; an empty value answered 500 before."""
    from portal.contacts.models import Tier

    user = create_user()
    contact = create_contact(user=user, tier=Tier.global_elite)
    login(staff_user)
    url = f"/en/staff/users/{user.id}" if kind == "user" else f"/en/staff/contacts/{contact.id}"
    response = submit(client, url, {"tier": "", "affiliation": ""})
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert 'id="tier-error"' in html and "Choose one of the options in the list." in html
    assert contact.tier is Tier.global_elite


def test_a_blank_box_value_does_not_let_a_bad_one_through(client, login, staff_user):
    """Optional() stops at a blank first value: ["", "bogus"] and [" "] reached Tier[...] (500)."""
    from portal.contacts.models import Tier
    from portal.reports.service import follows_of

    login(staff_user)
    url = "/en/staff/reports/settings"
    refused = submit(client, url, {"tiers": ["", "bogus"]})
    assert refused.status_code in (200, 400)
    assert 'id="tiers-error"' in refused.get_data(as_text=True)
    # A blank value is no box ticked.
    assert submit(client, url, {"tiers": [" ", "global_elite"]}).status_code == 302
    assert follows_of(staff_user)[1] == {Tier.global_elite}
    saved = submit(client, url, {"tiers": ["global_leaders"]})
    assert saved.status_code == 302
    assert follows_of(staff_user)[1] == {Tier.global_leaders}


@pytest.mark.parametrize("assignee, reports", [
    (" ", None),  # blank: Optional() let " " through to int() (500); now it reads as "Nobody"
    ("bogus", None),
    ("", [str(2**63)]),  # an id past 64 bits (OverflowError on SQLite, 500)
    ("", ["0"]),
])
def test_forged_values_in_the_bulk_form_change_nothing(client, login, staff_user, create_report,
                                                       assignee, reports):
    from portal.extensions import db
    from portal.reports.models import Report

    report = create_report()
    login(staff_user)
    response = submit(client, "/en/staff/reports/bulk", {
        "action": "assign", "assignee": assignee, "report": reports or [str(report.id)],
    }, page="/en/staff/reports?team=")
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    if assignee.strip() or reports:
        assert ("Choose one of the options in the list." in flashed
                or "Tick at least one report." in flashed)
    assert db.session.get(Report, report.id).assignee_id is None
