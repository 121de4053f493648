"""Importing contacts from CSV: every row checked first, nothing written until staff confirm."""

import csv
import io
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from portal.accounts.models import Affiliation
from portal.addresses import normalise_email
from portal.audit import AuditLog
from portal.contacts import importer, service
from portal.contacts.models import Contact, ContactTag, GroupMember, NameOrder, Tier
from portal.districts import District
from portal.errors import ValidationError
from portal.extensions import db
from tests.support.html import field_attributes
from tests.support.http import sign_in, submit
from tests.support.reports import post_form, stored_files

IMPORT = "/en/staff/contacts/import"
CONFIRM = "/en/staff/contacts/import/confirm"


@pytest.fixture
def groups(app):
    service.ensure_standard_groups()
    db.session.commit()
    return {group.code: group.id for group in service.groups()}


def csv_file(header: str, *rows: str, bom: bool = True) -> bytes:
    """A CSV file as a spreadsheet saves it: CRLF line ends, UTF-8 with a BOM by default."""
    return (("\ufeff" if bom else "") + "\r\n".join([header, *rows]) + "\r\n").encode("utf-8")


def csv_row(*cells: str) -> str:
    """Cells written as a CSV row, quoted where they need it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def upload(client, data: bytes, *, lang: str = "en", filename: str = "contacts.csv"):
    return post_form(client, f"/{lang}/staff/contacts/import",
                     {"file": (io.BytesIO(data), filename)})


def ticket_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return field_attributes(response.get_data(as_text=True), "ticket")["value"]


def confirm(client, ticket: str, *, lang: str = "en"):
    return submit(client, f"/{lang}/staff/contacts/import/confirm", {"ticket": ticket},
                  page=f"/{lang}/staff/contacts/import")


def contact_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))


def contact(email: str) -> Contact:
    return db.session.scalars(sa.select(Contact).where(Contact.email == email)
                              .execution_options(populate_existing=True)).one()


def problems(checked) -> list[tuple[int, str | None, str]]:
    return [(p.row, p.column, str(p.message)) for p in checked.problems]


MIXED = csv_file(
    "email,name,tier,groups,language",
    "new@example.org,New Person,global_elite,sibac,en",
    "KIM@Example.kr,Kim Changed,Global Leaders,,ko",
    "same@example.jp,Same Person,,,ja",
    "not-an-address,Bad Email,,,",
    "x@example.org,Bad Tier,emperor,,",
    "y@example.org,Bad Group,,no_such_group,",
    "new@example.org,Again,,,",
    "z@example.org,,,,",
    "nul@example.org,Nul\x00Name,,,",
    ",No Address,next_generation,,vi",
    "long@example.org," + "A" * 121 + ",,,",
)


@pytest.fixture
def directory(create_contact):
    """The contacts MIXED meets: one it changes, one it leaves as it is."""
    return {
        "kim": create_contact(name="Kim Existing", email="kim@example.kr"),
        "same": create_contact(name="Same Person", email="same@example.jp", locale="ja"),
    }


def test_the_check_counts_rows_and_numbers_each_problem(app, groups, directory):
    checked = importer.check(MIXED)
    assert [entry.row for entry in checked.new] == [2, 11]
    assert [entry.row for entry in checked.changed] == [3]
    assert (checked.unchanged, checked.repeated, checked.invalid) == (1, 1, 6)
    assert checked.importable == 3 and checked.left_out == 7
    assert problems(checked) == [
        (5, "email", "Enter a valid email address."),
        (6, "tier", "“emperor” is not one of the accepted values."),
        (7, "groups", "No group has the code “no_such_group”."),
        (8, "email", "The same email address is on row 2."),
        (9, "name", "This field is required."),
        (10, "name", "Remove the control characters from this field."),
        (12, "name", "This is too long."),
    ]
    assert checked.problem_count == 7


def test_staff_see_the_report_and_nothing_is_written_yet(client, login, staff_user, groups,
                                                       directory, app):
    login(staff_user)
    before, files = (contact_count(), audit_count()), stored_files(app)
    response = upload(client, MIXED)
    html = response.get_data(as_text=True)
    assert "<dt>New contacts</dt><dd>2</dd>" in html
    assert "<dt>Contacts to update</dt><dd>1</dd>" in html
    assert "<dt>Contacts already as in the file</dt><dd>1</dd>" in html
    assert "<dt>Rows repeating an email address</dt><dd>1</dd>" in html
    assert "<dt>Rows with errors</dt><dd>6</dd>" in html
    assert ("<tr><td>6</td><td><code>tier</code></td>"
            "<td>“emperor” is not one of the accepted values.</td></tr>") in html
    assert "The same email address is on row 2." in html
    assert "Import 3 contacts" in html
    assert "7 rows with a problem will be left out." in html
    # Nothing written: no contact, no change, no audit entry; the file waits in storage.
    assert (contact_count(), audit_count()) == before
    assert contact("kim@example.kr").name == "Kim Existing"
    assert len(stored_files(app) - files) == 1


def test_the_report_speaks_the_pages_language(client, login, staff_user):
    login(staff_user)
    html = upload(client, csv_file("email,name", "bad,", "ok@example.org,Ok"),
                  lang="ko").get_data(as_text=True)
    assert "올바른 이메일 주소를 입력해 주세요." in html
    assert "필수 입력 항목입니다." in html
    assert 'lang="ko"' in html


def test_only_the_first_200_problems_are_listed(app):
    data = csv_file("email,name", *(f"bad{n},Name" for n in range(250)))
    checked = importer.check(data)
    assert checked.problem_count == 250 and checked.invalid == 250
    assert len(checked.problems) == 200
    assert checked.problems[-1].row == 201


@pytest.mark.parametrize(("data", "message"), [
    (csv_file("email,name,birthday", "a@example.org,A,1990-01-01"),
     "Unknown column “birthday”."),
    (csv_file("email,name,Name", "a@example.org,A,B"),
     "The column “name” appears more than once."),
    (csv_file("email,organisation", "a@example.org,Acme"), "The file has no “name” column."),
    ("email,name\r\nkim@example.kr,김서연\r\n".encode("cp949"),
     "This file is not in UTF-8. Save it as “CSV UTF-8” and upload it again."),
    ("email,name\r\n".encode("utf-16"),
     "This file is not in UTF-8. Save it as “CSV UTF-8” and upload it again."),
    (b"", "This file is empty: its first row must name the columns."),
    (csv_file("email,name,na\x00me", "a@example.org,A,B"), "Unknown column “na\ufffdme”."),
    (csv_file("email,name", "a@example.org,A", "b@example.org," + "B" * 200_000),
     "Row 3 cannot be read: a cell is too long or a quotation mark is not closed."),
])
def test_a_file_that_cannot_be_read_is_refused_whole(client, login, staff_user, data, message):
    with pytest.raises(importer.FileProblem) as problem:
        importer.check(data)
    assert message in [str(m) for m in problem.value.messages]
    login(staff_user)
    response = upload(client, data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert 'name="ticket"' not in html


def test_the_sample_file_in_the_docs_imports_cleanly(app, groups):
    data = (Path(__file__).parents[2] / "docs" / "contacts-sample.csv").read_bytes()
    checked = importer.check(data)
    assert checked.problems == [] and len(checked.new) == 10
    assert checked.columns == importer.COLUMNS
    for column in importer.COLUMNS:  # every column is used
        key = importer.ATTRIBUTES.get(column, column)
        assert any(getattr(entry, key, None) if column in ("groups", "tags")
                   else entry.values.get(key) for entry in checked.new), column


def test_a_byte_order_mark_is_optional(app):
    with_bom = importer.check(csv_file("email,name", "a@example.org,Ana", bom=True))
    without = importer.check(csv_file("email,name", "a@example.org,Ana", bom=False))
    assert with_bom.new[0].values == without.new[0].values == {"email": "a@example.org",
                                                               "name": "Ana"}


def test_cells_are_stripped_and_names_and_labels_accepted(app, groups):
    checked = importer.check(csv_file(
        "Email , name,tier,affiliation,district,name_order,nationality,language,groups,tags",
        " Ａｎａ@Example.ORG ,  Ana Lima ,GLOBAL LEADERS,Foreign diplomat,Mapo-gu,family_first,"
        "br,KO, SIBAC ; fiac ,  G20  Delegation ;VIP;;",
    ))
    assert not checked.problems
    (entry,) = checked.new
    assert entry.values == {
        "email": "ana@example.org", "name": "Ana Lima", "tier": Tier.global_leaders,
        "affiliation": Affiliation.diplomat, "district": District.mapo,
        "name_order": NameOrder.family_first, "nationality": "BR", "locale": "ko",
    }
    assert entry.groups == {groups["sibac"], groups["fiac"]}
    assert entry.tags == {"g20 delegation", "vip"}


@pytest.mark.parametrize(("cell", "message"), [
    ("Line\u2028break", "Write this on one line, without invisible formatting characters."),
    ("Right\u202eto left", "Write this on one line, without invisible formatting characters."),
    ("Tab\there", "Write this on one line, without invisible formatting characters."),
])
def test_hidden_characters_are_refused(app, cell, message):
    checked = importer.check(csv_file("name,organisation", f"Someone,{cell}"))
    assert problems(checked) == [(2, "organisation", message)]


def test_semicolon_separated_files_are_read_too(app):
    checked = importer.check(csv_file("email;name;organisation", "a@example.org;Ana;Acme, Inc."))
    assert checked.new[0].values["organisation"] == "Acme, Inc."


@pytest.mark.parametrize("address", [
    "Plain.Name@Example.COM", "first+tag@sub.example.co.kr", "ｌｉｗｅｉ＠example。cn",
    "user@xn--bcher-kva.example", "user@bücher.example", "김서연@예시.한국", "a@b",
    "a..b@example.com", ".a@example.com", "a@-example.com", "a@example..com", "a@localhost",
    "\"quoted\"@example.com", "Name <a@example.com>", "a@example.com.", "a@[127.0.0.1]",
    "x" * 65 + "@example.com", "a@" + "b" * 64 + ".com", "a@example.invalid",
])
def test_addresses_are_checked_exactly_as_the_forms_check_them(app, address):
    try:
        expected = normalise_email(address)
    except ValidationError:
        expected = None
    try:
        found = importer.check(csv_file("email,name", csv_row(address, "Someone"))).new[0]
        assert found.values["email"] == expected
    except IndexError:
        assert expected is None


def test_confirming_imports_every_good_row_at_once_and_audits(client, login, staff_user, groups,
                                                             directory, create_user, app,
                                                             count_queries):
    resident = create_user(email="new@example.org")
    login(staff_user)
    files = stored_files(app)
    ticket = ticket_of(upload(client, MIXED))
    assert len(stored_files(app) - files) == 1
    before = contact_count()
    with count_queries() as statements:
        response = confirm(client, ticket)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/staff/contacts")
    assert contact_count() == before + 2
    new = contact("new@example.org")
    assert (new.name, new.tier, new.user_id) == ("New Person", Tier.global_elite, resident.id)
    assert new.search_text == "new person new@example.org"
    assert set(db.session.scalars(sa.select(GroupMember.group_id)
                                  .where(GroupMember.contact_id == new.id))) == {groups["sibac"]}
    unnamed = db.session.scalars(sa.select(Contact).where(Contact.name == "No Address")).one()
    assert (unnamed.email, unnamed.tier, unnamed.locale) == (None, Tier.next_generation, "vi")
    kim = contact("kim@example.kr")
    assert (kim.name, kim.tier, kim.locale) == ("Kim Changed", Tier.global_leaders, "ko")
    # One bulk statement per kind of row, whatever the number of rows.
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO CONTACTS")]
    assert len(inserts) == 1
    entries = db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id)).all()
    summary = [e for e in entries if e.action == "contact.import"]
    assert len(summary) == 1 and summary[0].actor_id == staff_user.id
    assert summary[0].after == {"new": 2, "updated": 1, "unchanged": 1, "left_out": 7,
                                "linked": 1, "file": "contacts.csv"}
    classified = {(e.object_id, e.before["tier"], e.after["tier"]) for e in entries
                  if e.action == "contact.classify"}
    # The changed contact, and the new one whose account now has a tier.
    assert classified == {(kim.id, "unclassified", "global_leaders"),
                          (new.id, "unclassified", "global_elite")}
    assert stored_files(app) == files  # the checked file is gone
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import finished. Added: 2. Updated: 1." in page
    log = client.get(f"/en/staff/contacts/{kim.id}").get_data(as_text=True)
    assert "Unclassified → Global Leaders" in log


def test_a_reporter_reclassified_by_an_import_moves_up_the_queue(client, login, staff_user,
                                                                 create_user, create_report):
    from portal.reports.models import TIER_RANK, Report

    reporter = create_user(email="reporter@example.vn")
    report = create_report(reporter=reporter)
    login(staff_user)
    data = csv_file("email,name,tier", "reporter@example.vn,Reporter,global_leaders")
    assert confirm(client, ticket_of(upload(client, data))).status_code == 302
    rank = db.session.scalar(sa.select(Report.tier_rank).where(Report.id == report.id))
    assert rank == TIER_RANK[Tier.global_leaders]


def test_a_large_file_takes_a_bounded_number_of_statements(client, login, staff_user, app,
                                                           count_queries):
    rows = [f"person{n}@example.org,Person {n},global_elite,,,vip;speaker" for n in range(2500)]
    login(staff_user)
    ticket = ticket_of(upload(client, csv_file("email,name,tier,nationality,groups,tags",
                                               *rows)))
    with count_queries() as statements:
        assert confirm(client, ticket).status_code == 302
    assert contact_count() == 2500
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactTag)) == 5000
    assert len(statements) < 60


def test_an_update_changes_the_columns_the_file_has_and_nothing_else(client, login, staff_user,
                                                                     create_contact, groups):
    existing = create_contact(name="Jean Dupont", email="jean@example.fr", organisation="Quai",
                              title="Consul", tier=Tier.global_elite, nationality="FR",
                              affiliation=Affiliation.diplomat)
    service.set_groups(existing, [groups["sibac"]], by=None)
    service.set_tags(existing, ["old tag", "kept tag"])
    db.session.commit()
    login(staff_user)
    data = csv_file("email,name,organisation,groups,tags",
                    "JEAN@example.fr,Jean Dupont-Moreau,,fiac,kept tag;new tag")
    assert confirm(client, ticket_of(upload(client, data))).status_code == 302
    jean = contact("jean@example.fr")
    assert jean.name == "Jean Dupont-Moreau"
    assert jean.organisation is None  # an empty cell clears
    assert (jean.title, jean.tier, jean.nationality, jean.affiliation) == (
        "Consul", Tier.global_elite, "FR", Affiliation.diplomat)  # columns left out stay
    assert "dupont-moreau" in jean.search_text
    assert [g.code for g in service.groups_of(jean)] == ["fiac"]
    assert service.tags_of(jean) == ["kept tag", "new tag"]
    # No classification changed, so none is audited.
    assert not db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "contact.classify")).all()


def test_a_changed_ticket_is_refused_and_nothing_imported(client, login, staff_user, app):
    login(staff_user)
    ticket = ticket_of(upload(client, csv_file("email,name", "a@example.org,Ana")))
    forged = ticket[:-3] + ("AAA" if not ticket.endswith("AAA") else "BBB")
    response = confirm(client, forged)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This import could not be confirmed. Upload the file again." in page
    assert contact_count() == 0


def test_an_expired_ticket_is_refused(client, login, staff_user, app):
    login(staff_user)
    key = ticket_of(upload(client, csv_file("email,name", "a@example.org,Ana")))
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="contacts-import").loads(key)

    class AnHourAgo(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 3601

    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="contacts-import",
                                 signer=AnHourAgo).dumps(payload)
    response = confirm(client, old)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More than an hour passed since the file was checked." in page
    assert contact_count() == 0


def test_a_ticket_works_only_for_the_person_who_checked_the_file(client, login, staff_user,
                                                                 admin_user, app):
    login(staff_user)
    ticket = ticket_of(upload(client, csv_file("email,name", "a@example.org,Ana")))
    colleague = app.test_client()
    assert sign_in(colleague, admin_user.email).status_code == 302
    response = confirm(colleague, ticket)
    page = colleague.get(response.headers["Location"]).get_data(as_text=True)
    assert "This import could not be confirmed. Upload the file again." in page
    assert contact_count() == 0


def test_confirming_twice_imports_once(client, login, staff_user, app):
    login(staff_user)
    ticket = ticket_of(upload(client, csv_file("email,name", ",No Address")))
    assert confirm(client, ticket).status_code == 302
    response = confirm(client, ticket)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "This file has already been imported" in page
    assert contact_count() == 1


def test_rows_are_checked_again_when_confirmed(client, login, staff_user, create_contact):
    login(staff_user)
    ticket = ticket_of(upload(client, csv_file("email,name,tier", "a@example.org,Ana,",
                                               "b@example.org,Bo,")))
    # Meanwhile a colleague adds one of them by hand: the import now updates that contact.
    create_contact(email="a@example.org", name="Ana by hand", tier=Tier.global_elite)
    assert confirm(client, ticket).status_code == 302
    assert contact_count() == 2
    assert (contact("a@example.org").name, contact("a@example.org").tier) == (
        "Ana", Tier.unclassified)


def test_a_file_over_the_size_limit_is_refused(client, login, staff_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 1024 * 1024)
    login(staff_user)
    files = stored_files(app)
    data = csv_file("email,name", *(f"p{n}@example.org,Person {n}" for n in range(60000)))
    assert len(data) > 1024 * 1024
    html = upload(client, data).get_data(as_text=True)
    assert "This file is larger than 1 MB. Split it into smaller files." in html
    assert stored_files(app) == files


def test_the_import_page_explains_the_columns(client, login, staff_user, groups):
    login(staff_user)
    html = client.get(IMPORT).get_data(as_text=True)
    for column in importer.COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "<code>global_leaders</code> (Global Leaders)" in html
    assert "<code>sibac</code>" in html
    assert re.search(r'<script src="/static/import\.js\?v=\w+" defer></script>', html)
    assert "<script>" not in html  # the Content-Security-Policy allows no inline script
    directory = client.get("/en/staff/contacts").get_data(as_text=True)
    assert f'<a href="{IMPORT}">Import contacts from CSV</a>' in directory


@pytest.mark.parametrize("url", [IMPORT, "/ko/staff/contacts/import", "/en/staff/contacts.csv"])
def test_residents_get_403(client, login, resident, url):
    login(resident)
    assert client.get(url).status_code == 403


def test_residents_cannot_upload_or_confirm(client, login, resident):
    login(resident)
    data = csv_file("email,name", "a@example.org,Ana")
    assert post_form(client, IMPORT, {"file": (io.BytesIO(data), "a.csv")},
                     page="/en/account/").status_code == 403
    assert submit(client, CONFIRM, {"ticket": "x"}, page="/en/account/").status_code == 403
    assert contact_count() == 0


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORT)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
