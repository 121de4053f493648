"""Staff pages of the directory: who may open them, classifying people, lists and paging."""

import pytest
import sqlalchemy as sa

from portal.accounts.models import Affiliation
from portal.audit import AuditLog
from portal.contacts.models import Contact, Tier
from portal.contacts.service import classify_user
from portal.extensions import db
from tests.support.http import PASSWORD, csrf_token, submit

STAFF_URLS = ["/en/staff/users", "/en/staff/contacts", "/ko/staff/users"]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_residents_get_403(client, login, resident, url):
    login(resident)
    response = client.get(url)
    assert response.status_code == 403
    assert "<h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_open_staff_pages(client, login, staff_user, url):
    login(staff_user)
    assert client.get(url).status_code == 200


def test_registering_with_a_contacts_email_links_them(client):
    contact = Contact(name="Jean-Luc Moreau", email="jl.moreau@example.fr",
                      tier=Tier.global_leaders, affiliation=Affiliation.diplomat)
    db.session.add(contact)
    db.session.commit()
    submit(
        client, "/en/register",
        {"name": "Jean-Luc Moreau", "email": "JL.Moreau@example.fr", "nationality": "FR",
         "locale": "en", "district": "yongsan", "password": PASSWORD,
         "password_again": PASSWORD, "consent_account": "y"},
    )
    db.session.refresh(contact)
    assert contact.user is not None
    assert contact.user.email == "jl.moreau@example.fr"
    assert contact.tier is Tier.global_leaders  # the tier stays what staff set


def test_a_resident_can_only_claim_an_affiliation_never_a_tier(client):
    submit(
        client, "/en/register",
        {"name": "Claimer", "email": "claim@example.org", "nationality": "US", "locale": "en",
         "district": "mapo", "password": PASSWORD, "password_again": PASSWORD,
         "consent_account": "y", "claimed_affiliation": "diplomat", "tier": "global_leaders"},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


def test_staff_classify_a_user_and_the_change_is_audited(client, login, staff_user, resident):
    login(staff_user)
    response = submit(
        client, f"/en/staff/users/{resident.id}",
        {"tier": "global_elite", "affiliation": "foreign_journalist"},
    )
    assert response.status_code == 302
    contact = db.session.scalar(sa.select(Contact).where(Contact.user_id == resident.id))
    assert contact.tier is Tier.global_elite
    assert contact.affiliation is Affiliation.foreign_journalist
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "contact.classify"))
    assert entry.actor_id == staff_user.id
    assert entry.object_id == contact.id
    assert entry.before == {"tier": "unclassified", "affiliation": None, "user_id": resident.id}
    assert entry.after == {"tier": "global_elite", "affiliation": "foreign_journalist",
                           "user_id": resident.id}
    assert entry.created_at is not None


def test_reclassifying_records_before_and_after(staff_user, resident, app):
    with app.test_request_context("/en/"):
        classify_user(resident, tier=Tier.next_generation, affiliation=None, by=staff_user)
        classify_user(resident, tier=Tier.global_leaders, affiliation=Affiliation.honorary_citizen,
                      by=staff_user)
        classify_user(resident, tier=Tier.global_leaders, affiliation=Affiliation.honorary_citizen,
                      by=staff_user)  # no change, no entry
    entries = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    assert [e.after["tier"] for e in entries] == ["next_generation", "global_leaders"]
    assert entries[1].before["tier"] == "next_generation"


def test_classification_rejects_unknown_values(client, login, staff_user, resident):
    login(staff_user)
    response = submit(client, f"/en/staff/users/{resident.id}", {"tier": "emperor"})
    assert response.status_code == 200
    assert 'id="tier-error"' in response.get_data(as_text=True)


def test_residents_cannot_classify(client, login, resident, create_user):
    other = create_user()
    login(resident)
    token = csrf_token(client, "/en/account/")
    response = client.post(
        f"/en/staff/users/{other.id}", data={"csrf_token": token, "tier": "global_leaders"}
    )
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 0


def test_user_list_pages_and_filters(client, login, staff_user, create_user, create_contact):
    for n in range(55):
        create_user(name=f"Filler {n:02d}")
    create_contact(user=create_user(name="Zhang Findme"), tier=Tier.global_elite)
    login(staff_user)
    first = client.get("/en/staff/users").get_data(as_text=True)
    assert 'rel="next"' in first
    second = client.get("/en/staff/users?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    found = client.get("/en/staff/users?q=findme").get_data(as_text=True)
    assert "Zhang Findme" in found and "Filler 00" not in found
    elite = client.get("/en/staff/users?tier=global_elite").get_data(as_text=True)
    assert "Zhang Findme" in elite and "Filler 01" not in elite


def test_user_list_runs_a_fixed_number_of_queries(client, login, staff_user, create_user,
                                                   create_contact, count_queries):
    login(staff_user)

    def queries_for_page():
        with count_queries() as statements:
            assert client.get("/en/staff/users").status_code == 200
        return len(statements)

    few = queries_for_page()
    for _ in range(20):
        create_contact(user=create_user())
    assert queries_for_page() == few


def test_the_dashboard_counts_people_by_tier(client, login, staff_user, create_contact):
    create_contact(tier=Tier.global_leaders)
    create_contact(tier=Tier.global_leaders)
    create_contact(tier=Tier.next_generation)
    login(staff_user)
    html = client.get("/en/staff/").get_data(as_text=True)
    assert "<dt>Global Leaders</dt><dd>2</dd>" in html
    assert "<dt>Next Generation Leaders</dt><dd>1</dd>" in html


def test_search_treats_wildcards_as_text(client, login, staff_user, create_user):
    create_user(name="Plain Name")
    create_user(name="Odd 100% Name")
    login(staff_user)
    html = client.get("/en/staff/users?q=100%25").get_data(as_text=True)
    assert "Odd 100% Name" in html and "Plain Name" not in html
    contacts = client.get("/en/staff/contacts?q=_").get_data(as_text=True)
    assert "No contact matches." in contacts


def test_paging_links_keep_the_filters_and_ignore_tricks(client, login, staff_user, create_user):
    for n in range(55):
        create_user(name=f"Kim Filler {n:02d}")
    login(staff_user)
    html = client.get("/ko/staff/users?q=filler&_external=1&lang=en").get_data(as_text=True)
    assert 'href="/ko/staff/users?q=filler&amp;page=2" rel="next"' in html


@pytest.mark.parametrize(("query", "found"), [
    ("Le Quoc Bao", True),
    ("lê quốc", True),
    ("LE QUỐC BẢO", True),
    ("Bao Le", False),
])
def test_search_ignores_accents_and_case(client, login, staff_user, create_contact, query,
                                         found):
    create_contact(name="Lê Quốc Bảo", email="bao@example.vn")
    login(staff_user)
    html = client.get(f"/en/staff/contacts?q={query}").get_data(as_text=True)
    assert ("Lê Quốc Bảo" in html) is found


@pytest.mark.parametrize("query", ["김서연", "서연", "佐藤", "美咲", "ｓａｔｏ"])
def test_search_finds_names_in_any_script(client, login, staff_user, create_user, query):
    create_user(name="김서연")
    create_user(name="佐藤 美咲 (Sato Misaki)")
    login(staff_user)
    html = client.get(f"/en/staff/users?q={query}").get_data(as_text=True)
    assert "1 account" in html


def test_every_contact_opens_and_can_be_classified(client, login, staff_user, create_contact):
    contact = create_contact(name="Ahmed Hassan")  # no account
    login(staff_user)
    listing = client.get("/en/staff/contacts").get_data(as_text=True)
    assert f'href="/en/staff/contacts/{contact.id}"' in listing
    response = submit(client, f"/en/staff/contacts/{contact.id}",
                      {"tier": "global_elite", "affiliation": "opinion_leader"})
    assert response.status_code == 302
    db.session.refresh(contact)
    assert contact.tier is Tier.global_elite
    page = client.get(f"/en/staff/contacts/{contact.id}").get_data(as_text=True)
    # The history of the contact is on its page, for every staff member.
    assert "Unclassified → Global Elite (Opinion leader)" in page


def test_staff_see_the_history_of_the_people_they_work_with(client, login, staff_user,
                                                            resident):
    classify_user(resident, tier=Tier.global_leaders, affiliation=None, by=staff_user)
    db.session.commit()
    login(staff_user)
    html = client.get(f"/en/staff/users/{resident.id}").get_data(as_text=True)
    assert f"{staff_user.name}: {resident.name} Unclassified → Global Leaders" in html
    assert client.get("/en/staff/admin/audit").status_code == 403  # the full log is for admins


def test_the_dashboard_cards_link_to_the_lists_they_count(client, login, staff_user,
                                                          create_user):
    create_user(confirmed=False, name="Not Yet Confirmed")
    create_user(name="Already Confirmed")
    login(staff_user)
    html = client.get("/en/staff/").get_data(as_text=True)
    assert 'href="/en/staff/users?state=unconfirmed"' in html
    assert 'href="/en/staff/contacts?tier=global_elite"' in html
    unconfirmed = client.get("/en/staff/users?state=unconfirmed").get_data(as_text=True)
    assert "Not Yet Confirmed" in unconfirmed and "Already Confirmed" not in unconfirmed


def test_korean_times_say_am_and_pm_in_korean(client, login, staff_user, resident):
    login(staff_user)
    html = client.get(f"/ko/staff/users/{resident.id}").get_data(as_text=True)
    assert "오전" in html or "오후" in html
    assert " AM " not in html and " PM " not in html
