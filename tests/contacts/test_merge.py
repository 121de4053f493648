"""Duplicate contacts: the pairs staff are shown, and merging two records keeping everything."""

import threading
import time

import pytest
import sqlalchemy as sa

from portal.accounts.models import Affiliation, Role, User
from portal.audit import AuditLog, describe
from portal.contacts import merge, service
from portal.contacts.models import Contact, ContactTag, GroupMember, NameOrder, Tier
from portal.contacts.signals import contact_classified, contacts_merged
from portal.districts import District
from portal.extensions import db
from tests.conftest import make_app
from tests.support.http import PASSWORD, csrf_token, submit


@pytest.fixture
def standard_groups(app):
    service.ensure_standard_groups()
    db.session.commit()
    return {group.code: group for group in service.groups()}


def add(**values) -> Contact:
    """A contact written as older data may hold it (addresses not normalised)."""
    contact = Contact(**values)
    db.session.add(contact)
    db.session.commit()
    return contact


def pairs() -> dict[frozenset[int], frozenset[str]]:
    return {frozenset((p.first_id, p.second_id)): p.reasons for p in merge.duplicate_pairs()}


def merge_url(kept, other, lang="en") -> str:
    return f"/{lang}/staff/contacts/{kept.id}/merge/{other.id}"


# -- Finding pairs ----------------------------------------------------------------------------


def test_addresses_that_differ_only_in_how_they_are_written_are_paired():
    stored = add(name="Jane Doe", email="jane.doe@example.com")
    upper = add(name="J. Doe", email="Jane.Doe@Example.COM")
    wide = add(name="Lin Wei", email="ｌｉｎ．ｗｅｉ@example.cn")  # typed on a Chinese keyboard
    plain = add(name="Wei Lin", email="lin.wei@example.cn")
    spaced = add(name="Two Variants", email=" Twin@Example.org")
    other = add(name="Twin variant", email="TWIN@example.org")
    add(name="Someone Else", email="someone@example.com")
    found = pairs()
    assert found == {
        frozenset((stored.id, upper.id)): {merge.SAME_EMAIL},
        frozenset((wide.id, plain.id)): {merge.SAME_EMAIL},
        frozenset((spaced.id, other.id)): {merge.SAME_EMAIL},
    }


def test_similar_names_in_the_same_organisation_are_paired_and_others_are_not():
    accented = add(name="Nguyễn Văn An", email="an1@example.vn", organisation="Hanoi University")
    plain = add(name="NGUYEN VAN-AN", email="an2@example.vn", organisation=" hanoi university")
    elsewhere = add(name="Nguyen Van An", email="an3@example.vn", organisation="Saigon Bank")
    native = add(name="김서연", name_latin="Kim Seo-yeon", email="kim1@example.kr",
                 organisation="KOTRA")
    latin = add(name="Seoyeon Kim", email="kim2@example.kr", organisation="kotra")
    add(name="Kim Seoyeon", email="kim3@example.kr", organisation="Samsung")
    add(name="Park Minjun", email="park@example.kr", organisation="KOTRA")
    add(name="Nguyen Van An", email="an4@example.vn")  # no organisation: nothing to compare
    found = pairs()
    assert found == {
        frozenset((accented.id, plain.id)): {merge.SIMILAR_NAME},
        frozenset((native.id, latin.id)): {merge.SIMILAR_NAME},
    }
    assert not any(elsewhere.id in pair for pair in found)


def test_a_pair_found_twice_is_listed_once_with_both_reasons():
    first = add(name="Marie Curie", email="marie@example.fr", organisation="Institut Pasteur")
    second = add(name="Marie  Curie", email="Marie@example.fr", organisation="Institut Pasteur")
    assert pairs() == {frozenset((first.id, second.id)): {merge.SAME_EMAIL, merge.SIMILAR_NAME}}


def test_name_keys_fold_case_accents_spaces_punctuation_and_word_order():
    assert merge.name_keys("Lê Quốc-Bảo") & merge.name_keys("bao LE QUOC")
    assert merge.name_keys("김 서연") & merge.name_keys("김서연")
    assert not merge.name_keys("A.")  # too short to say who it is
    assert not merge.name_keys("Kim Seoyeon") & merge.name_keys("Kim Minjun")


def test_staff_see_pairs_side_by_side_with_a_merge_link(client, login, staff_user, create_user,
                                                         standard_groups):
    account = create_user(email="owner@example.jp")
    first = add(name="Sato Yuki", name_native="佐藤 由紀", email="sato@example.jp",
                organisation="JETRO", title="Director", tier=Tier.global_elite, locale="ja",
                user_id=account.id)
    second = add(name="SATO YUKI", email="yuki@example.jp", organisation="Jetro")
    service.set_groups(second, [standard_groups["fiac"].id], by=None)
    db.session.commit()
    login(staff_user)
    html = client.get("/en/staff/contacts/duplicates").get_data(as_text=True)
    assert "Sato Yuki and SATO YUKI" in html
    assert '<span lang="ja">佐藤 由紀</span>' in html
    assert "Director" in html and "Global Elite" in html
    assert "Foreign Investment Advisory Council (FIAC)" in html
    assert "Has an account" in html and "No account" in html
    assert f'href="/en/staff/contacts/{first.id}/merge/{second.id}"' in html
    directory = client.get("/en/staff/contacts").get_data(as_text=True)
    assert 'href="/en/staff/contacts/duplicates"' in directory


def test_the_duplicates_page_escapes_what_staff_typed(client, login, staff_user):
    add(name="<b>Evil</b>", email="evil1@example.org", organisation="<i>Org</i>")
    add(name="<B>evil</B>", email="evil2@example.org", organisation="<i>Org</i>")
    login(staff_user)
    html = client.get("/en/staff/contacts/duplicates").get_data(as_text=True)
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html


def test_the_duplicates_page_is_paged_by_fifty(client, login, staff_user):
    for n in range(51):
        add(name=f"Paged Person {n:02d}", email=f"paged{n}@example.org",
            organisation=f"Org {n}")
        add(name=f"paged person {n:02d}", email=f"paged{n}b@example.org",
            organisation=f"ORG {n}")
    login(staff_user)
    first = client.get("/en/staff/contacts/duplicates").get_data(as_text=True)
    assert first.count('class="duplicate-pair"') == 50 and 'rel="next"' in first
    second = client.get("/en/staff/contacts/duplicates?page=2").get_data(as_text=True)
    assert second.count('class="duplicate-pair"') == 1 and "Paged Person 50" in second


def test_the_duplicates_page_runs_a_fixed_number_of_queries(client, login, staff_user,
                                                             standard_groups, count_queries):
    login(staff_user)

    def add_pairs(start, count):
        for n in range(start, start + count):
            first = add(name=f"Counted {n}", email=f"Counted{n}@example.org",
                        organisation=f"Org {n}")
            add(name=f"COUNTED {n}", email=f"counted{n}@example.org", organisation=f"org {n}")
            service.set_groups(first, [standard_groups["sibac"].id], by=None)
        db.session.commit()

    def queries_for_page():
        with count_queries() as statements:
            assert client.get("/en/staff/contacts/duplicates").status_code == 200
        return len(statements)

    add_pairs(0, 2)
    few = queries_for_page()
    add_pairs(2, 20)
    assert queries_for_page() == few


# -- Merging ----------------------------------------------------------------------------------


def test_merging_keeps_everything_of_both_records(client, login, staff_user, create_user,
                                                   standard_groups):
    account = create_user(email="old.address@example.de")
    kept = add(name="Hans Müller", email="hans@example.de", organisation="Siemens",
               tier=Tier.next_generation, affiliation=Affiliation.foreign_student,
               district=District.gangnam)
    other = add(name="HANS MULLER", email="old.address@example.de", organisation="siemens",
                title="Chief Engineer", name_latin="Hans Mueller", nationality="DE",
                name_order=NameOrder.given_first, district=District.mapo,
                user_id=account.id)
    sibac, fiac, research = (standard_groups[c].id for c in ("sibac", "fiac", "research_forum"))
    service.set_groups(kept, [sibac], by=None)
    service.set_groups(other, [sibac, fiac, research], by=None)
    service.set_tags(kept, ["speaker 2026"])
    service.set_tags(other, ["speaker 2026", "G20 delegation"])
    service.classify_contact(other, tier=Tier.global_elite,
                             affiliation=Affiliation.finance_professional, by=staff_user)
    db.session.commit()
    kept_id, other_id = kept.id, other.id
    received, classified = [], []

    def on_merged(sender, **kwargs):
        # The other record still exists when the signal is sent: its rows can be re-pointed.
        still_there = db.session.get(Contact, kwargs["merged_id"]) is not None
        received.append((sender.id, kwargs, still_there))

    def on_classified(sender, **kwargs):
        classified.append((sender.id, sender.user_id, sender.tier))

    login(staff_user)
    page = client.get(merge_url(kept, other)).get_data(as_text=True)
    assert "The higher of the two tiers is kept: Global Elite" in page
    assert "The account of the other record now belongs to the kept record." in page
    with contacts_merged.connected_to(on_merged), contact_classified.connected_to(on_classified):
        response = submit(client, merge_url(kept, other))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/en/staff/contacts/{kept_id}")

    assert received == [(kept_id, {"merged_id": other_id}, True)]
    assert classified == [(kept_id, account.id, Tier.global_elite)]
    db.session.expire_all()
    assert db.session.get(Contact, other_id) is None
    kept = db.session.get(Contact, kept_id)
    # Its own fields stay; empty ones are filled from the other record.
    assert (kept.name, kept.email, kept.organisation, kept.district) == (
        "Hans Müller", "hans@example.de", "Siemens", District.gangnam)
    assert (kept.title, kept.name_latin, kept.nationality, kept.name_order) == (
        "Chief Engineer", "Hans Mueller", "DE", NameOrder.given_first)
    # The higher tier, with the affiliation that explains it; the account moved.
    assert (kept.tier, kept.affiliation) == (Tier.global_elite, Affiliation.finance_professional)
    assert kept.user_id == account.id
    assert sorted(db.session.scalars(sa.select(GroupMember.group_id).where(
        GroupMember.contact_id == kept_id))) == sorted([sibac, fiac, research])
    assert db.session.scalars(sa.select(ContactTag.tag).where(
        ContactTag.contact_id == kept_id).order_by(ContactTag.tag)).all() == [
        "g20 delegation", "speaker 2026"]
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(GroupMember).where(
        GroupMember.contact_id == other_id))

    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "contact.merge"))
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        staff_user.id, "contact", kept_id)
    assert (entry.after["kept_id"], entry.after["merged_id"]) == (kept_id, other_id)
    assert entry.before["merged"]["email"] == "old.address@example.de"
    assert entry.before["merged"]["groups"] == sorted([sibac, fiac, research])
    # The merged record's own history stays findable under its id.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "contact.classify", AuditLog.object_id == other_id)) == 1
    with client.application.test_request_context("/en/"):
        sentence = describe([entry])[0].sentence
    assert sentence == (f"{staff_user.name} merged HANS MULLER (contact no. {other_id}) "
                        f"into Hans Müller (contact no. {kept_id}).")
    history = client.get(f"/en/staff/contacts/{kept_id}").get_data(as_text=True)
    assert f"merged HANS MULLER (contact no. {other_id})" in history


def test_the_kept_tier_stays_when_it_is_the_higher(client, login, staff_user):
    kept = add(name="Ama Owusu", email="ama@example.gh", tier=Tier.global_leaders,
               affiliation=Affiliation.diplomat)
    other = add(name="Ama Owusu", email="ama.owusu@example.gh", tier=Tier.global_elite,
                affiliation=Affiliation.foreign_journalist)
    kept_id = kept.id
    login(staff_user)
    assert submit(client, merge_url(kept, other)).status_code == 302
    db.session.expire_all()
    kept = db.session.get(Contact, kept_id)
    assert (kept.tier, kept.affiliation) == (Tier.global_leaders, Affiliation.diplomat)
    assert kept.email == "ama@example.gh"
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "contact.classify"))  # no tier changed


def test_staff_may_keep_either_record(client, login, staff_user):
    first = add(name="Lucas Silva", email="lucas@example.br")
    second = add(name="Lucas da Silva", email="lucas.silva@example.br")
    login(staff_user)
    page = client.get(merge_url(first, second)).get_data(as_text=True)
    assert f'href="/en/staff/contacts/{second.id}/merge/{first.id}"' in page
    first_id, second_id = first.id, second.id
    assert submit(client, merge_url(second, first)).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, first_id) is None
    assert db.session.get(Contact, second_id).email == "lucas.silva@example.br"


def test_two_accounts_are_not_merged(client, login, staff_user, create_user):
    kept = add(name="Ali Khan", email="ali@example.pk", user_id=create_user().id)
    other = add(name="Ali Khan", email="a.khan@example.pk", user_id=create_user().id)
    login(staff_user)
    page = client.get(merge_url(kept, other)).get_data(as_text=True)
    assert "Two accounts cannot be merged here" in page
    assert 'type="submit">Merge into' not in page
    token = csrf_token(client, "/en/staff/contacts")
    response = client.post(merge_url(kept, other), data={"csrf_token": token})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Two accounts cannot be merged here" in html
    other_id = other.id
    db.session.expire_all()
    assert db.session.get(Contact, other_id) is not None
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "contact.merge"))


def test_residents_get_403_on_both_pages(client, login, resident):
    first = add(name="Resident Check", email="rc1@example.org")
    second = add(name="Resident Check", email="rc2@example.org")
    login(resident)
    assert client.get("/en/staff/contacts/duplicates").status_code == 403
    assert client.get(merge_url(first, second)).status_code == 403
    token = csrf_token(client, "/en/account/")
    response = client.post(merge_url(first, second), data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Contact, second.id) is not None


def test_a_missing_or_repeated_record_is_not_found(client, login, staff_user):
    contact = add(name="Only One", email="only@example.org")
    login(staff_user)
    assert client.get(f"/en/staff/contacts/{contact.id}/merge/999999").status_code == 404
    assert client.get(f"/en/staff/contacts/999999/merge/{contact.id}").status_code == 404
    assert client.get(f"/en/staff/contacts/{contact.id}/merge/{contact.id}").status_code == 404


def test_merging_the_same_pair_again_is_not_found(client, login, staff_user):
    kept = add(name="Twice Merged", email="twice@example.org")
    other = add(name="Twice Merged", email="twice2@example.org")
    login(staff_user)
    token = csrf_token(client, merge_url(kept, other))
    url, reverse = merge_url(kept, other), merge_url(other, kept)
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    for address in (url, reverse):
        response = client.post(address, data={"csrf_token": token})
        assert response.status_code == 404
        assert "<h1>" in response.get_data(as_text=True)
    assert client.get(url).status_code == 404


@pytest.mark.no_transaction
@pytest.mark.slow
def test_two_staff_merging_one_pair_at_once(fresh_databases, tmp_path):
    app = make_app(fresh_databases.new(), tmp_path)
    with app.app_context():
        db.create_all()
        from tests.fixtures.accounts import _hash

        db.session.add_all([User(name=f"Staff {n}", email=f"s{n}@city.example",
                                 role=Role.staff, password_hash=_hash(PASSWORD), locale="en")
                            for n in range(2)])
        pair = [Contact(name="Raced Person", email=f"raced{n}@example.org") for n in range(2)]
        db.session.add_all(pair)
        db.session.commit()
        ids = [contact.id for contact in pair]
        db.session.remove()
    # The first merge holds its locks a moment, so the second arrives while it works.
    def linger(sender, **kwargs):
        time.sleep(0.5)

    try:
        clients, tokens = [], []
        for person in ("s0@city.example", "s1@city.example"):
            client = app.test_client()
            submit(client, "/en/login", {"email": person, "password": PASSWORD})
            clients.append(client)
            tokens.append(csrf_token(client, f"/en/staff/contacts/{ids[0]}/merge/{ids[1]}"))
        barrier = threading.Barrier(2)
        statuses = [None, None]
        # One in each direction: the rows are locked in the same order either way.
        urls = [f"/en/staff/contacts/{ids[0]}/merge/{ids[1]}",
                f"/en/staff/contacts/{ids[1]}/merge/{ids[0]}"]

        def post(index):
            barrier.wait()
            statuses[index] = clients[index].post(
                urls[index], data={"csrf_token": tokens[index]}).status_code

        with contacts_merged.connected_to(linger):
            threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert sorted(statuses) == [302, 404]
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
                AuditLog.action == "contact.merge")) == 1
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
