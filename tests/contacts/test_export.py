"""The directory as CSV: the filters on screen, the import's columns, and back again."""

import csv
import io

import pytest
import sqlalchemy as sa

from portal.accounts.models import Affiliation
from portal.contacts import importer, service
from portal.contacts.models import Contact, NameOrder, Tier
from portal.districts import District
from portal.extensions import db
from tests.support.html import field_attributes
from tests.support.http import submit
from tests.support.reports import post_form

EXPORT = "/en/staff/contacts.csv"


@pytest.fixture
def groups(app):
    service.ensure_standard_groups()
    db.session.commit()
    return {group.code: group.id for group in service.groups()}


@pytest.fixture
def people(create_contact, groups):
    """Contacts that use every column, in several scripts."""
    made = [
        create_contact(
            name="김서연", email="seoyeon.kim@example.kr", honorific="Dr.", name_native="김서연",
            name_latin="Kim Seoyeon", name_order=NameOrder.family_first,
            organisation="서울대학교", title="교수", tier=Tier.global_elite,
            affiliation=Affiliation.advisory_brain_group, nationality="KR", locale="ko",
            district=District.gwanak),
        create_contact(
            name="Jean-Luc Moreau", email="jl.moreau@example.fr", honorific="H.E.",
            name_order=NameOrder.given_first, organisation="=Embassy of France",
            title="-Ambassador", tier=Tier.global_leaders, affiliation=Affiliation.diplomat,
            nationality="FR", locale="en", district=District.yongsan),
        create_contact(name="Nguyễn Thị Lan", email="lan@example.vn", locale="vi",
                       nationality="VN"),
    ]
    service.set_groups(made[0], [groups["advisors_education"], groups["research_forum"]],
                       by=None)
    service.set_groups(made[1], [groups["sibac"]], by=None)
    service.set_tags(made[0], ["speaker 2026", "G20 delegation"])
    service.set_tags(made[1], ["@protocol"])
    db.session.commit()
    return made


def rows_of(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def snapshot() -> list[tuple]:
    """Every contact's values, groups and tags, by address."""
    contacts = db.session.scalars(sa.select(Contact).order_by(Contact.email)
                                  .execution_options(populate_existing=True)).all()
    return [(c.email, c.name, c.honorific, c.name_native, c.name_latin, c.name_order,
             c.organisation, c.title, c.tier, c.affiliation, c.nationality, c.locale,
             c.district, [g.code for g in service.groups_of(c)], service.tags_of(c))
            for c in contacts]


def test_the_export_has_the_import_columns_in_utf8_with_a_bom(client, login, staff_user,
                                                              people):
    login(staff_user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=contacts-")
    assert disposition.endswith(".csv")
    rows = rows_of(response)
    assert rows[0] == list(importer.COLUMNS)
    kim = next(row for row in rows if row[0] == "seoyeon.kim@example.kr")
    assert kim == ["seoyeon.kim@example.kr", "김서연", "Dr.", "김서연", "Kim Seoyeon",
                   "family_first", "서울대학교", "교수", "global_elite", "advisory_brain_group",
                   "KR", "ko", "gwanak", "advisors_education;research_forum",
                   "g20 delegation;speaker 2026"]


def test_cells_that_look_like_formulas_are_made_inert(client, login, staff_user, people):
    login(staff_user)
    moreau = next(row for row in rows_of(client.get(EXPORT)) if row[0] == "jl.moreau@example.fr")
    assert moreau[6] == "'=Embassy of France"
    assert moreau[7] == "'-Ambassador"
    assert moreau[14] == "'@protocol"


@pytest.mark.parametrize(("query", "emails"), [
    ("", {"seoyeon.kim@example.kr", "jl.moreau@example.fr", "lan@example.vn"}),
    ("?tier=global_leaders", {"jl.moreau@example.fr"}),
    ("?nationality=VN&locale=vi", {"lan@example.vn"}),
    ("?q=seoyeon", {"seoyeon.kim@example.kr"}),
    ("?tag=speaker+2026", {"seoyeon.kim@example.kr"}),
    ("?district=yongsan&affiliation=diplomat", {"jl.moreau@example.fr"}),
    ("?tier=next_generation", set()),
    ("?tier=emperor", {"seoyeon.kim@example.kr", "jl.moreau@example.fr", "lan@example.vn"}),
])
def test_the_export_follows_the_directorys_filters(client, login, staff_user, people, query,
                                                   emails):
    login(staff_user)
    rows = rows_of(client.get(EXPORT + query))
    assert {row[0] for row in rows[1:]} == emails


def test_the_export_follows_the_group_filter(client, login, staff_user, people, groups):
    login(staff_user)
    rows = rows_of(client.get(f"{EXPORT}?group={groups['sibac']}"))
    assert [row[0] for row in rows[1:]] == ["jl.moreau@example.fr"]


def test_the_export_takes_a_fixed_number_of_queries(client, login, staff_user, create_contact,
                                                    count_queries):
    login(staff_user)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(EXPORT).status_code == 200
        return len(statements)

    create_contact(name="First")
    few = queries()
    for n in range(30):
        create_contact(name=f"Filler {n}")
    assert queries() == few


def import_file(client, data: bytes):
    """Upload a file and confirm its import; return the check's page."""
    report = post_form(client, "/en/staff/contacts/import",
                       {"file": (io.BytesIO(data), "export.csv")})
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    if 'name="ticket"' in html:
        ticket = field_attributes(html, "ticket")["value"]
        response = submit(client, "/en/staff/contacts/import/confirm", {"ticket": ticket},
                          page="/en/staff/contacts/import")
        assert response.status_code == 302
    return html


def test_an_export_imported_back_changes_nothing(client, login, staff_user, people):
    login(staff_user)
    before = snapshot()
    html = import_file(client, client.get(EXPORT).get_data())
    assert "<dt>Contacts already as in the file</dt><dd>3</dd>" in html
    assert "There is nothing to import from this file." in html
    assert snapshot() == before


def test_an_edited_export_updates_what_was_edited(client, login, staff_user, people):
    login(staff_user)
    rows = rows_of(client.get(EXPORT))
    for row in rows[1:]:
        if row[0] == "lan@example.vn":
            row[8] = "Next Generation Leaders"
            row[15:] = []
            row[14] = "hội thảo"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    html = import_file(client, buffer.getvalue().encode("utf-8"))
    assert "<dt>Contacts to update</dt><dd>1</dd>" in html
    lan = db.session.scalars(sa.select(Contact).where(Contact.email == "lan@example.vn")).one()
    db.session.refresh(lan)
    assert lan.tier is Tier.next_generation
    assert service.tags_of(lan) == ["hội thảo"]


def test_an_export_imported_into_an_empty_directory_gives_the_same_contacts(
        client, login, staff_user, people):
    login(staff_user)
    before = snapshot()
    exported = client.get(EXPORT).get_data()
    db.session.execute(sa.delete(Contact))
    db.session.commit()
    html = import_file(client, exported)
    assert "<dt>New contacts</dt><dd>3</dd>" in html
    assert snapshot() == before


def test_residents_and_visitors_cannot_export(client, login, resident):
    assert client.get(EXPORT).status_code == 302
    login(resident)
    assert client.get(EXPORT).status_code == 403


def test_the_directory_links_its_export_with_its_filters(client, login, staff_user):
    login(staff_user)
    html = client.get("/en/staff/contacts?tier=global_elite&q=kim").get_data(as_text=True)
    assert 'href="/en/staff/contacts.csv?tier=global_elite&amp;q=kim"' in html
