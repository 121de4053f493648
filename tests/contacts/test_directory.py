"""The city's CRM: filters that combine, protocol details, groups and tags, the contact page."""

import pytest
import sqlalchemy as sa

from portal.accounts.models import Affiliation
from portal.audit import AuditLog
from portal.contacts import service
from portal.contacts.groups import STANDARD_GROUPS
from portal.contacts.models import Contact, ContactTag, Group, GroupMember, NameOrder, Tier
from portal.districts import District
from portal.extensions import db
from tests.support.http import submit


@pytest.fixture
def standard_groups(app):
    service.ensure_standard_groups()
    db.session.commit()
    return {group.code: group for group in service.groups()}


def listed(client, query: str) -> set[int]:
    html = client.get(f"/en/staff/contacts?{query}").get_data(as_text=True)
    return {contact.id for contact in db.session.scalars(sa.select(Contact))
            if f'href="/en/staff/contacts/{contact.id}"' in html}


def test_the_city_keeps_its_standing_groups(standard_groups):
    assert {code for code, _names in STANDARD_GROUPS} <= set(standard_groups)
    sibac = standard_groups["sibac"]
    assert set(sibac.names) == {"en", "ko", "zh", "ja", "vi"}
    assert service.ensure_standard_groups() == 0  # a second run adds nothing


def test_directory_filters_combine(client, login, staff_user, create_contact, create_user,
                                   standard_groups):
    resident = create_user(email="linked@example.jp")
    leader = create_contact(tier=Tier.global_leaders, nationality="JP", locale="ja",
                            district=District.mapo, affiliation=Affiliation.fiac_member)
    linked = create_contact(user=resident, tier=Tier.global_leaders, nationality="JP",
                            locale="ja")
    elite = create_contact(tier=Tier.global_elite, nationality="JP", locale="ja")
    other = create_contact(tier=Tier.global_leaders, nationality="FR", locale="en")
    service.set_groups(leader, [standard_groups["fiac"].id], by=None)
    service.set_groups(elite, [standard_groups["fiac"].id], by=None)
    service.set_tags(leader, ["G20 Delegation "])
    db.session.commit()
    login(staff_user)
    fiac = standard_groups["fiac"].id
    assert listed(client, f"group={fiac}") == {leader.id, elite.id}
    assert listed(client, f"group={fiac}&tier=global_leaders") == {leader.id}
    assert listed(client, "nationality=JP&locale=ja&tier=global_leaders") == {leader.id,
                                                                             linked.id}
    assert listed(client, "nationality=JP&account=yes") == {linked.id}
    assert listed(client, "nationality=JP&account=no&tier=global_leaders") == {leader.id}
    assert listed(client, "tag=g20+delegation") == {leader.id}
    assert listed(client, "district=mapo") == {leader.id}
    assert listed(client, "affiliation=fiac_member") == {leader.id}
    assert other.id in listed(client, "tier=global_leaders")
    # A filter with a value that is not one of its options is shown and ignored, not a 500.
    assert client.get("/en/staff/contacts?district=atlantis&group=x").status_code == 200


def test_staff_keep_protocol_details_and_tags(client, login, staff_user, create_contact):
    contact = create_contact(name="Jean-Luc Moreau", email="jl@example.fr")
    login(staff_user)
    response = submit(client, f"/en/staff/contacts/{contact.id}/details", {
        "honorific": "H.E.", "name": "Jean-Luc Moreau", "name_native": "Jean-Luc Moreau",
        "name_latin": "Jean-Luc Moreau", "name_order": "given_first", "email": "jl@example.fr",
        "organisation": "Embassy of France", "title": "Ambassador", "nationality": "FR",
        "locale": "en", "district": "yongsan", "tags": "G20 delegation， speaker 2026、",
    }, page=f"/en/staff/contacts/{contact.id}")
    assert response.status_code == 302
    db.session.refresh(contact)
    assert (contact.honorific, contact.title, contact.name_order) == (
        "H.E.", "Ambassador", NameOrder.given_first)
    assert service.tags_of(contact) == ["g20 delegation", "speaker 2026"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "contact.update"))
    assert entry.after["honorific"] == "H.E." and entry.object_id == contact.id
    page = client.get(f"/en/staff/contacts/{contact.id}").get_data(as_text=True)
    assert "H.E. Jean-Luc Moreau" in page and "Ambassador" in page


def test_a_taken_address_or_a_control_character_is_refused_and_kept(client, login,
                                                                     staff_user,
                                                                     create_contact):
    create_contact(email="taken@example.org")
    contact = create_contact(name="Another Person")
    login(staff_user)
    response = submit(client, f"/en/staff/contacts/{contact.id}/details", {
        "name": "Another\u202eosreP", "email": "taken@example.org", "locale": "en",
        "organisation": "Typed organisation",
    }, page=f"/en/staff/contacts/{contact.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Typed organisation" in html
    db.session.refresh(contact)
    assert contact.email != "taken@example.org" and contact.name == "Another Person"
    response = submit(client, f"/en/staff/contacts/{contact.id}/details", {
        "name": "Another Person", "email": "taken@example.org", "locale": "en"},
        page=f"/en/staff/contacts/{contact.id}")
    assert "Another contact has this address." in response.get_data(as_text=True)


def test_group_changes_are_audited(client, login, staff_user, create_contact, standard_groups):
    contact = create_contact()
    login(staff_user)
    ids = [str(standard_groups["sibac"].id), str(standard_groups["honorary_citizens"].id)]
    response = submit(client, f"/en/staff/contacts/{contact.id}/groups", {"groups": ids},
                      page=f"/en/staff/contacts/{contact.id}")
    assert response.status_code == 302
    members = db.session.scalars(sa.select(GroupMember.group_id).where(
        GroupMember.contact_id == contact.id)).all()
    assert sorted(members) == sorted(int(i) for i in ids)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "contact.groups"))
    assert sorted(entry.after["groups"]) == sorted(int(i) for i in ids)
    assert entry.before["groups"] == []
    history = client.get(f"/en/staff/contacts/{contact.id}").get_data(as_text=True)
    assert "changed the groups of" in history


def test_staff_create_and_rename_groups(client, login, staff_user, standard_groups):
    login(staff_user)
    response = submit(client, "/ko/staff/contacts/groups/new", {
        "code": "g20-2026", "name_en": "G20 delegation 2026", "name_ko": "G20 대표단 2026"})
    assert response.status_code == 302
    group = db.session.scalar(sa.select(Group).where(Group.code == "g20-2026"))
    assert group.names == {"en": "G20 delegation 2026", "ko": "G20 대표단 2026"}
    taken = submit(client, "/en/staff/contacts/groups/new", {
        "code": "sibac", "name_en": "Kept name"})
    assert taken.status_code == 200
    html = taken.get_data(as_text=True)
    assert "Another group has this code." in html and "Kept name" in html
    page = client.get("/ko/staff/contacts/groups").get_data(as_text=True)
    assert "G20 대표단 2026" in page and "서울국제경제자문단(SIBAC)" in page


def test_a_linked_contacts_page_shows_their_reports(client, login, staff_user, create_user,
                                                    create_contact, create_report):
    resident = create_user()
    contact = create_contact(user=resident)
    create_report(reporter=resident, title="Mould in the bathroom")
    lone = create_contact()
    login(staff_user)
    page = client.get(f"/en/staff/contacts/{contact.id}").get_data(as_text=True)
    assert "Mould in the bathroom" in page
    assert "Mould in the bathroom" not in client.get(
        f"/en/staff/contacts/{lone.id}").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/en/staff/contacts/groups", "/en/staff/contacts/groups/new"])
def test_residents_cannot_manage_groups(client, login, resident, url):
    login(resident)
    assert client.get(url).status_code == 403


def test_tags_are_stored_once_whatever_their_case(create_contact):
    contact = create_contact()
    service.set_tags(contact, ["Speaker", "speaker", " SPEAKER  "])
    db.session.flush()
    assert db.session.scalars(sa.select(ContactTag.tag).where(
        ContactTag.contact_id == contact.id)).all() == ["speaker"]
