"""The contact directory as the city's CRM, in a real browser: filters, a contact's protocol
details, groups and tags, in Korean and English; every page checked with axe and the HTML
checker."""

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.contacts.models import Contact, ContactTag, Group, GroupMember, Tier
from portal.contacts.service import ensure_standard_groups
from portal.extensions import db
from tests.browser.conftest import account, axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "namsan-tower-cable-88"  # noqa: S105 - test data


def make_staff_and_contact(live_server):
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        ensure_standard_groups()
        staff = account("박지훈", f"staff-{tag}@seoul.example", password=PASSWORD, locale="ko",
                        role=Role.staff)
        contact = Contact(name=f"Ichiro Suzuki {tag}", email=f"suzuki-{tag}@example.jp",
                          tier=Tier.global_leaders, nationality="JP", locale="ja")
        db.session.add_all([staff, contact])
        db.session.commit()
        result = staff.email, contact.id, contact.name
        db.session.remove()
        return result


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_filter_the_directory_and_keep_a_dignitarys_details(new_page, live_server, lang):
    email, contact_id, name = make_staff_and_contact(live_server)
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()

    page.goto(f"/{lang}/staff/contacts?tier=global_leaders&nationality=JP")
    axe_check(page)
    page.get_by_role("link", name=name).click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/contacts/{contact_id}")
    axe_check(page)

    # Protocol details and tags.
    page.locator("details").filter(has=page.locator("#honorific")).locator("summary").click()
    page.fill("#honorific", "Mr")
    page.fill("#name_native", "鈴木 一郎")
    page.select_option("#name_order", "family_first")
    page.fill("#organisation", "Suzuki Holdings")
    page.fill("#title", "Chief Executive")
    page.fill("#tags", "FIAC 2026, speaker")
    page.locator("form[action$='/details'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(f"Mr {name}")
    axe_check(page)

    # Groups.
    page.locator("details").filter(has=page.locator("form[action$='/groups']")) \
        .locator("summary").click()
    page.get_by_label(live_server.gettext(lang, "Honorary citizens of Seoul")
                      if lang == "en" else "서울시 명예시민").check()
    page.locator("form[action$='/groups'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(
            GroupMember.contact_id == contact_id)) == 1
        tags = db.session.scalars(sa.select(ContactTag.tag).where(
            ContactTag.contact_id == contact_id).order_by(ContactTag.tag)).all()
        assert tags == ["fiac 2026", "speaker"]
        db.session.remove()

    page.goto(f"/{lang}/staff/contacts/groups")
    axe_check(page)
    page.goto(f"/{lang}/staff/contacts/groups/new")
    axe_check(page)
    code = f"g-{uuid.uuid4().hex[:8]}"
    page.fill("#code", code)
    page.fill("#name_en", f"Delegation {code}")
    page.fill("#name_ko", f"대표단 {code}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_be_visible()
    axe_check(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_import_contacts_from_csv_after_checking_them(new_page, live_server, lang,
                                                             tmp_path):
    email, _contact_id, _name = make_staff_and_contact(live_server)
    tag = uuid.uuid4().hex[:8]
    sample = (Path(__file__).parents[2] / "docs" / "contacts-sample.csv").read_text("utf-8-sig")
    # Addresses of their own, so the two languages' runs each add new contacts.
    upload = tmp_path / "contacts.csv"
    upload.write_text(sample.replace("@", f"+{tag}@"), "utf-8-sig")
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"/{lang}/staff/contacts/import")
    axe_check(page)
    page.set_input_files("input[type=file]", str(upload))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("form[action$='/import/confirm']")).to_be_visible()
    axe_check(page)
    with live_server.app.app_context():
        assert not db.session.scalar(sa.select(sa.func.count()).where(
            Contact.email.like(f"%+{tag}@%")))  # nothing written before confirming
        db.session.remove()
    page.locator("form[action$='/import/confirm'] button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(
            Contact.email.like(f"%+{tag}@%"))) > 0
        db.session.remove()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_find_a_duplicate_and_merge_it(new_page, live_server, lang):
    email, _contact_id, _name = make_staff_and_contact(live_server)
    tag = uuid.uuid4().hex[:8]
    with live_server.app.app_context():
        fiac = db.session.scalar(sa.select(Group.id).where(Group.code == "fiac"))
        # "Aaa" sorts the pair first on the page, whatever else the module's tests added.
        kept = Contact(name=f"Aaa Rahman {tag}", email=f"rahman-{tag}@example.bd",
                       organisation=f"Embassy {tag}", tier=Tier.global_elite)
        other = Contact(name=f"AAA RAHMAN {tag}", email=f"Rahman-{tag}@Example.BD",
                        organisation=f"embassy {tag}", title="Consul",
                        tier=Tier.global_leaders)
        db.session.add_all([kept, other])
        db.session.flush()
        db.session.add_all([GroupMember(group_id=fiac, contact_id=other.id),
                            ContactTag(contact_id=other.id, tag="consular corps")])
        db.session.commit()
        kept_id, other_id, kept_name = kept.id, other.id, kept.name
        db.session.remove()
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()

    page.goto(f"/{lang}/staff/contacts")
    page.locator(f"main a[href='/{lang}/staff/contacts/duplicates']").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/contacts/duplicates")
    axe_check(page)
    pair = page.locator("section.duplicate-pair").filter(has_text=f"AAA RAHMAN {tag}")
    expect(pair.locator("td", has_text="Consul")).to_be_visible()
    pair.locator(f"a[href='/{lang}/staff/contacts/{kept_id}/merge/{other_id}']").click()
    expect(page).to_have_url(
        f"{live_server.url}/{lang}/staff/contacts/{kept_id}/merge/{other_id}")
    axe_check(page)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/contacts/{kept_id}")
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(kept_name)
    axe_check(page)
    with live_server.app.app_context():
        assert db.session.get(Contact, other_id) is None
        kept = db.session.get(Contact, kept_id)
        assert (kept.tier, kept.title) == (Tier.global_leaders, "Consul")
        assert db.session.scalar(sa.select(sa.func.count()).where(
            GroupMember.contact_id == kept_id)) == 1
        db.session.remove()

    # The pair is gone; merging it again finds nothing.
    response = page.goto(f"/{lang}/staff/contacts/{kept_id}/merge/{other_id}")
    assert response.status == 404
    axe_check(page)
