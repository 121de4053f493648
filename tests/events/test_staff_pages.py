"""Staff pages of events: the event form on Seoul's clock, the audience builder, sending the
invitations, answers taken by phone, reminders, the guest list as CSV, check-in at the door."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from portal.columns import utcnow
from portal.contacts.models import ContactTag, Group, GroupMember, Tier
from portal.events import service
from portal.events.models import (
    Answer,
    AnswerChannel,
    Event,
    EventKind,
    Invitation,
    Place,
    Segment,
)
from portal.extensions import db
from portal.mail.models import OutboxMessage
from tests.support.http import csrf_token, submit

EVENT_FORM = {
    "kind": "policy_forum", "title_en": "Seoul Global Forum", "title_ko": "서울 글로벌 포럼",
    "description_en": "Foreign residents and the city talk housing.",
    "starts_at": "2027-03-02T19:00", "ends_at": "2027-03-02T21:00",
    "venue": "Seoul City Hall, 8th floor", "offer_hours": "48",
}


@pytest.fixture
def staff(login, staff_user):
    login(staff_user)
    return staff_user


@pytest.fixture
def people(create_contact):
    """Contacts of several tiers and languages; one has no address to invite."""
    return {
        "ahn": create_contact(name="Ahn Leader", tier=Tier.global_leaders, locale="ko"),
        "brown": create_contact(name="Brown Leader", tier=Tier.global_leaders, locale="en"),
        "chen": create_contact(name="Chen Elite", tier=Tier.global_elite, locale="ko"),
        "dao": create_contact(name="Dao Nextgen", tier=Tier.next_generation, locale="ko"),
        "eun": create_contact(name="Eun Nomail", tier=Tier.global_leaders, locale="ko",
                              email=None),
    }


def _invite(event, *contacts) -> list[Invitation]:
    for contact in contacts:
        db.session.merge(ContactTag(contact_id=contact.id, tag="guests"))
    db.session.commit()
    service.send_invitations(event, service.Audience.from_filters({"tag": ["guests"]}),
                             by=None)
    db.session.commit()
    return list(db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.contact_id.in_([c.id for c in contacts]))
        .order_by(Invitation.contact_id)))


def _confirm(invitation, *, by, companion=False) -> Invitation:
    service.answer(invitation, Answer.yes, companion=companion, via=AnswerChannel.phone, by=by)
    db.session.commit()
    return invitation


def _flashes(html: str) -> str:
    match = re.search(r'<div class="flashes" role="status">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def _audience_size(html: str) -> int:
    return int(re.search(r'id="audience-size">([\d,]+)<', html).group(1).replace(",", ""))


# -- Who may open the pages ------------------------------------------------------------------


def staff_urls(event, invitation) -> list[str]:
    base = f"/en/staff/events/{event.id}"
    return ["/en/staff/events", "/en/staff/events?past=1", "/en/staff/events/new",
            "/en/staff/events/audiences", base, f"{base}/edit", f"{base}/invite",
            f"{base}/invite?tier=global_leaders", f"{base}/guests", f"{base}/guests.csv",
            f"{base}/checkin", f"{base}/checkin?code=ABC"]


def test_residents_get_403_and_visitors_sign_in(client, login, resident, create_event,
                                                create_contact):
    event = create_event()
    invitation = _invite(event, create_contact())[0]
    for url in staff_urls(event, invitation):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login(resident)
    for url in staff_urls(event, invitation):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/en/account/")
    base = f"/en/staff/events/{event.id}"
    for url in (f"{base}/guests/{invitation.id}/answer", f"{base}/remind", f"{base}/checkin",
                f"{base}/checkin/{invitation.id}", f"{base}/invite?tier=global_leaders"):
        response = client.post(url, data={"csrf_token": token, "answer": "yes", "via": "phone",
                                          "action": "send", "code": "X"})
        assert response.status_code == 403, url
    assert db.session.get(Invitation, invitation.id).answer is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_staff_open_every_page(client, staff, create_event, create_contact):
    event = create_event()
    invitation = _invite(event, create_contact())[0]
    for url in staff_urls(event, invitation):
        assert client.get(url).status_code == 200, url


def test_an_invitation_of_another_event_is_not_found(client, staff, create_event,
                                                     create_contact):
    event, other = create_event(), create_event()
    theirs = _invite(other, create_contact())[0]
    token = csrf_token(client, f"/en/staff/events/{event.id}/checkin")
    base = f"/en/staff/events/{event.id}"
    for url in (f"{base}/guests/{theirs.id}/answer", f"{base}/checkin/{theirs.id}"):
        response = client.post(url, data={"csrf_token": token, "answer": "yes", "via": "phone"})
        assert response.status_code == 404, url
    assert db.session.get(Invitation, theirs.id).answer is None
    assert client.get("/en/staff/events/999999").status_code == 404
    assert client.get("/en/staff/events/999999/guests").status_code == 404
    assert client.get(f"{base}/invite?segment=999999").status_code == 404


# -- The event form ---------------------------------------------------------------------------


def test_an_event_added_in_korean_keeps_seoul_times_as_utc(client, staff):
    response = submit(client, "/ko/staff/events/new", {
        **EVENT_FORM, "capacity": "100", "reserved_global_leaders": "10",
        "rsvp_deadline": "2027-02-25T18:00", "companions_allowed": "y", "public": "y",
        "online_url": "https://meet.seoul.go.kr/forum"})
    assert response.status_code == 302
    event = db.session.scalar(sa.select(Event))
    assert response.headers["Location"] == f"/ko/staff/events/{event.id}"
    assert event.kind is EventKind.policy_forum
    assert event.starts_at == datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2027, 3, 2, 12, 0, tzinfo=UTC)
    assert event.rsvp_deadline == datetime(2027, 2, 25, 9, 0, tzinfo=UTC)
    assert event.titles == {"en": "Seoul Global Forum", "ko": "서울 글로벌 포럼"}
    assert event.descriptions == {"en": "Foreign residents and the city talk housing."}
    assert (event.capacity, event.companions_allowed, event.public) == (100, True, True)
    assert service.reservations_of(event) == {Tier.global_leaders: 10}
    # Shown back on Seoul's clock, and changed from there.
    form = client.get(f"/ko/staff/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="2027-03-02T19:00"' in form and 'value="2027-03-02T21:00"' in form
    assert 'name="reserved_global_leaders"' in form and 'value="10"' in form
    page = client.get(f"/ko/staff/events/{event.id}").get_data(as_text=True)
    assert "서울 글로벌 포럼" in page and "오후 7시" in page
    response = submit(client, f"/ko/staff/events/{event.id}/edit", {
        **EVENT_FORM, "starts_at": "2027-03-02T18:30", "capacity": "100"})
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.starts_at == datetime(2027, 3, 2, 9, 30, tzinfo=UTC)
    assert service.reservations_of(event) == {}  # the reservation field was left empty


@pytest.mark.parametrize(("changes", "field"), [
    ({"ends_at": "2027-03-02T18:00"}, "ends_at"),
    ({"capacity": "5", "reserved_global_leaders": "10"}, "capacity"),
    ({"rsvp_deadline": "2027-03-03T09:00"}, "rsvp_deadline"),
    ({"venue": ""}, "venue"),
    ({"online_url": "javascript:alert(1)"}, "online_url"),
    ({"starts_at": "next tuesday"}, "starts_at"),
    ({"capacity": "0"}, "capacity"),
    ({"offer_hours": "500"}, "offer_hours"),
    ({"title_en": ""}, "title_en"),
])
def test_a_refused_event_keeps_what_was_typed(client, staff, changes, field):
    response = submit(client, "/en/staff/events/new", {**EVENT_FORM, **changes})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert 'value="서울 글로벌 포럼"' in html
    assert "Foreign residents and the city talk housing." in html
    for name, value in changes.items():
        if value:
            assert f'value="{value}"' in html, name
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


# -- The audience builder ---------------------------------------------------------------------


def test_audience_filters_combine_across_fields_and_add_up_within_one(client, staff,
                                                                      create_event, people):
    event = create_event()
    base = f"/en/staff/events/{event.id}/invite"
    html = client.get(f"{base}?tier=global_leaders&language=ko").get_data(as_text=True)
    assert _audience_size(html) == 1  # Ahn; Eun has no address, Brown reads English
    assert "Ahn Leader" in html and "Brown Leader" not in html
    html = client.get(f"{base}?tier=global_leaders&tier=global_elite").get_data(as_text=True)
    assert _audience_size(html) == 3
    assert all(name in html for name in ("Ahn Leader", "Brown Leader", "Chen Elite"))
    assert "Dao Nextgen" not in html
    # The boxes stay ticked for the next change.
    assert re.search(r'<input checked[^>]*value="global_elite"', html) or \
        re.search(r'value="global_elite"[^>]*checked', html)
    html = client.get(f"{base}?language=ko&tier=emperor").get_data(as_text=True)
    assert _audience_size(html) == 3  # an unknown value is left out
    html = client.get(base).get_data(as_text=True)
    assert 'id="audience-size"' not in html  # nothing chosen: the whole directory is not shown


def test_groups_tags_and_what_is_invited_already(client, staff, create_event, people):
    event = create_event()
    group = Group(code="sibac", names={"en": "SIBAC"})
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMember(group_id=group.id, contact_id=people["chen"].id))
    db.session.add(ContactTag(contact_id=people["dao"].id, tag="speaker 2026"))
    db.session.commit()
    base = f"/en/staff/events/{event.id}/invite"
    html = client.get(f"{base}?group={group.id}").get_data(as_text=True)
    assert _audience_size(html) == 1 and "Chen Elite" in html and "SIBAC" in html
    html = client.get(f"{base}?tag=Speaker  2026, nobody").get_data(as_text=True)
    assert _audience_size(html) == 1 and "Dao Nextgen" in html
    db.session.add(ContactTag(contact_id=people["brown"].id, tag="g20"))
    db.session.commit()
    for query in ("tag=Speaker 2026，G20", "tag=speaker 2026&tag=g20"):
        html = client.get(f"{base}?{query}").get_data(as_text=True)
        assert _audience_size(html) == 2, query
        assert 'value="speaker 2026, g20"' in html or 'value="Speaker 2026，G20"' in html
    # A saved audience with several tags opens with all of them.
    submit(client, f"{base}?tag=speaker 2026, g20", {"action": "save", "name": "Speakers"})
    segment = db.session.scalar(sa.select(Segment))
    assert segment.filters == {"tag": ["speaker 2026", "g20"]}
    response = client.get(f"{base}?segment={segment.id}", follow_redirects=True)
    assert _audience_size(response.get_data(as_text=True)) == 2
    _invite(event, people["ahn"])
    html = client.get(f"{base}?language=ko").get_data(as_text=True)
    assert _audience_size(html) == 3
    assert 'id="audience-invited">1<' in html and 'id="audience-new">2<' in html


def test_an_audience_is_saved_and_opened_again(client, staff, create_event, people):
    event = create_event()
    url = f"/en/staff/events/{event.id}/invite?tier=global_leaders&language=ko"
    response = submit(client, url, {"action": "save", "name": "Korean-speaking leaders"})
    assert response.status_code == 302
    segment = db.session.scalar(sa.select(Segment))
    assert segment.name == "Korean-speaking leaders"
    assert segment.filters == {"tier": ["global_leaders"], "language": ["ko"]}
    listing = client.get(f"/en/staff/events/audiences?event={event.id}").get_data(as_text=True)
    assert "Korean-speaking leaders" in listing and "Global Leaders" in listing
    response = client.get(f"/en/staff/events/{event.id}/invite?segment={segment.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        "/invite?tier=global_leaders&language=ko")
    # Nothing chosen: nothing to save.
    response = submit(client, f"/en/staff/events/{event.id}/invite",
                      {"action": "save", "name": "Everyone"})
    assert response.status_code == 400
    assert "Choose at least one filter" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Segment)) == 1


def test_sending_invites_each_person_once_with_one_mail_each(client, staff, create_event,
                                                             people):
    event = create_event()
    url = f"/en/staff/events/{event.id}/invite?tier=global_leaders&tier=global_elite"
    page = client.get(url).get_data(as_text=True)
    assert "data-progress" in page and "import.js" in page
    response = submit(client, url, {"action": "send"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/en/staff/events/{event.id}"
    invitations = db.session.scalars(sa.select(Invitation).where(
        Invitation.event_id == event.id)).all()
    assert sorted(i.contact_id for i in invitations) == sorted(
        people[name].id for name in ("ahn", "brown", "chen"))
    mails = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == "events.invitation")).all()
    assert sorted(m.object_id for m in mails) == sorted(i.id for i in invitations)
    assert {m.recipient for m in mails} == {people[n].email for n in ("ahn", "brown", "chen")}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 people invited; their invitations are on their way." in _flashes(html)
    assert "<dt>Invited</dt><dd>3</dd>" in html
    # The same audience again: nobody new.
    response = submit(client, url, {"action": "send"}, follow_redirects=True)
    assert "Everyone in this audience is already invited." in _flashes(
        response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 3
    # Nothing chosen: the whole directory is never invited by accident.
    response = submit(client, f"/en/staff/events/{event.id}/invite", {"action": "send"},
                      follow_redirects=True)
    assert "Choose at least one filter" in _flashes(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 3


def test_the_event_list_counts_each_events_guests(client, staff, create_event, people):
    first = create_event(days=5)
    create_event(days=8, titles={"en": "Spring fair"})
    create_event(days=-30, titles={"en": "Last year's fair"})
    ahn, brown = _invite(first, people["ahn"], people["brown"])
    _confirm(ahn, by=staff)
    html = client.get("/en/staff/events").get_data(as_text=True)
    assert "Spring fair" in html and "Last year&#39;s fair" not in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    row = next(r for r in rows if f"/en/staff/events/{first.id}\"" in r)
    assert re.findall(r"<td>(\d+)", row) == ["2", "1", "0"]
    past = client.get("/en/staff/events?past=1").get_data(as_text=True)
    assert "Last year&#39;s fair" in past and "Spring fair" not in past


# -- Guests -----------------------------------------------------------------------------------


def test_staff_record_an_answer_given_by_phone(client, staff, create_event, people, outbox):
    event = create_event(capacity=10, companions_allowed=True)
    invitation = _invite(event, people["ahn"])[0]
    guests = f"/en/staff/events/{event.id}/guests"
    response = submit(client, f"{guests}/{invitation.id}/answer",
                      {"answer": "yes", "companion": "y", "via": "phone",
                       "back": "show=none&q=ahn&evil=1"}, page=guests)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{guests}?show=none&q=ahn"
    db.session.refresh(invitation)
    assert (invitation.answer, invitation.place, invitation.companion) == (
        Answer.yes, Place.confirmed, True)
    assert invitation.answered_via is AnswerChannel.phone and invitation.checkin_code
    html = client.get(f"{guests}?show=yes").get_data(as_text=True)
    assert "The answer of Ahn Leader has been recorded." in _flashes(html)
    assert "Ahn Leader" in html and "By phone (recorded by staff)" in html
    # A value no form offers changes nothing.
    response = submit(client, f"{guests}/{invitation.id}/answer",
                      {"answer": "perhaps", "via": "link"}, page=guests)
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.answer is Answer.yes


def test_an_answer_the_rules_refuse_is_explained(client, staff, create_event, people):
    event = create_event(days=-1)  # over: answers are closed
    invitation = _invite(event, people["ahn"])[0]
    guests = f"/en/staff/events/{event.id}/guests"
    response = submit(client, f"{guests}/{invitation.id}/answer",
                      {"answer": "yes", "via": "in_person"}, page=guests,
                      follow_redirects=True)
    assert "This event is over." in _flashes(response.get_data(as_text=True))
    db.session.refresh(invitation)
    assert invitation.answer is None


def test_staff_remind_those_who_have_not_answered(client, staff, create_event, people):
    event = create_event()
    ahn, brown, chen = _invite(event, people["ahn"], people["brown"], people["chen"])
    _confirm(ahn, by=staff)
    guests = f"/en/staff/events/{event.id}/guests"
    html = client.get(guests).get_data(as_text=True)
    assert f'name="invitation" value="{brown.id}" form="remind-form"' in html
    assert f'name="invitation" value="{ahn.id}"' not in html  # answered: nothing to remind

    def reminders():
        return db.session.scalars(sa.select(OutboxMessage.object_id).where(
            OutboxMessage.kind == "events.invitation_reminder")).all()

    remind = f"/en/staff/events/{event.id}/remind"
    response = submit(client, remind, {"scope": "ticked", "invitation": [brown.id, ahn.id]},
                      page=guests, follow_redirects=True)
    assert "A reminder is on its way to 1 guest." in _flashes(response.get_data(as_text=True))
    assert reminders() == [brown.id]
    response = submit(client, remind, {"scope": "ticked"}, page=guests, follow_redirects=True)
    assert "Tick the guests to remind first." in _flashes(response.get_data(as_text=True))
    response = submit(client, remind, {"scope": "all"}, page=guests, follow_redirects=True)
    # Brown was reminded a moment ago: only Chen is reminded now.
    assert "A reminder is on its way to 1 guest." in _flashes(response.get_data(as_text=True))
    assert sorted(reminders()) == sorted([brown.id, chen.id])


def test_the_guest_list_downloads_as_safe_csv(client, staff, create_event, create_contact):
    event = create_event()
    sly = create_contact(name="=HYPERLINK(\"http://evil.example\")", organisation="+cmd",
                         title="@SUM(A1)", tier=Tier.global_elite, locale="vi")
    plain = create_contact(name="Kim Minji", honorific="Dr.", organisation="서울대학교",
                           locale="ko")
    first, second = _invite(event, sly, plain)
    _confirm(second, by=staff)
    response = client.get(f"/en/staff/events/{event.id}/guests.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Name", "Email address", "Organisation", "Position", "Tier", "Language",
                       "Answer", "Place status", "Companion", "Answered", "Checked in at"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[sly.email][:8] == [
        "'=HYPERLINK(\"http://evil.example\")", sly.email, "'+cmd", "'@SUM(A1)", "Global Elite",
        "Tiếng Việt", "No answer yet", ""]
    answered = utcnow().astimezone(UTC)
    kim = by_email[plain.email]
    assert kim[0] == "Dr. Kim Minji" and kim[2] == "서울대학교" and kim[5] == "한국어"
    assert kim[6:8] == ["Yes, I will attend", "Place confirmed"]
    seoul = answered + timedelta(hours=9)
    assert kim[9][:13] in {seoul.strftime("%Y-%m-%d %H"),
                           (seoul - timedelta(minutes=1)).strftime("%Y-%m-%d %H")}
    confirmed = client.get(f"/en/staff/events/{event.id}/guests.csv?show=yes").get_data()
    assert len(list(csv.reader(io.StringIO(confirmed.decode("utf-8")[1:])))) == 2


# -- Check-in ---------------------------------------------------------------------------------


def test_a_code_checks_a_guest_in_once(client, staff, create_event, people):
    event = create_event(companions_allowed=True)
    invitation = _confirm(_invite(event, people["ahn"])[0], by=staff, companion=True)
    code = invitation.checkin_code
    checkin = f"/en/staff/events/{event.id}/checkin"
    assert f'value="{code}"' in client.get(f"{checkin}?code={code}").get_data(as_text=True)
    typed = " ".join([code[:5].lower(), code[5:]])  # as typed at the door
    response = submit(client, checkin, {"code": typed}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Checked in: Ahn Leader, with a companion." in _flashes(html)
    assert "1 of 1 confirmed guests have arrived." in html
    db.session.refresh(invitation)
    first = invitation.checked_in_at
    assert first is not None
    # The same code again: flagged, not counted twice.
    response = submit(client, checkin, {"code": code}, follow_redirects=True)
    html = response.get_data(as_text=True)
    seoul = first.astimezone(UTC) + timedelta(hours=9)
    assert (f"This code was already used at {seoul:%H:%M}: Ahn Leader was checked in then."
            in _flashes(html))
    db.session.refresh(invitation)
    assert invitation.checked_in_at == first and invitation.repeat_checkins == 1
    assert f"Arrived at {seoul:%H:%M}" in html
    assert service.event_counts(event).checked_in == 1
    assert "1 of 1 confirmed guests have arrived." in html


def test_unknown_codes_and_unconfirmed_guests_are_refused(client, staff, create_event, people):
    event = create_event(capacity=1)
    ahn, brown, chen = _invite(event, people["ahn"], people["brown"], people["chen"])
    _confirm(ahn, by=staff)
    _confirm(brown, by=staff)  # the event is full: Brown waits
    assert brown.place is Place.waiting
    checkin = f"/en/staff/events/{event.id}/checkin"
    response = submit(client, checkin, {"code": "NOSUCHCODE"})
    assert response.headers["Location"] == f"{checkin}?code=NOSUCHCODE"  # kept to correct
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "No confirmed guest has this code." in _flashes(html)
    for invitation in (brown, chen):
        response = submit(client, f"{checkin}/{invitation.id}", {"back": "q=leader"},
                          page=checkin)
        assert response.headers["Location"] == f"{checkin}?q=leader"
        db.session.refresh(invitation)
        assert invitation.checked_in_at is None
    html = client.get(checkin).get_data(as_text=True)
    assert "has no confirmed place and cannot be checked in." in _flashes(html)
    assert "0 of 1 confirmed guests have arrived." in html
    response = submit(client, f"{checkin}/{ahn.id}", {}, page=checkin, follow_redirects=True)
    assert "Checked in: Ahn Leader." in _flashes(response.get_data(as_text=True))


def test_the_door_list_shows_confirmed_guests_and_finds_them(client, staff, create_event,
                                                             people):
    event = create_event()
    ahn, brown, chen = _invite(event, people["ahn"], people["brown"], people["chen"])
    _confirm(ahn, by=staff)
    _confirm(brown, by=staff)
    checkin = f"/en/staff/events/{event.id}/checkin"
    html = client.get(checkin).get_data(as_text=True)
    assert "Ahn Leader" in html and "Brown Leader" in html and "Chen Elite" not in html
    assert 'autofocus' in html and 'autocomplete="off"' in html and 'inputmode="text"' in html
    html = client.get(f"{checkin}?q=brown").get_data(as_text=True)
    assert "Brown Leader" in html and "Ahn Leader" not in html


# -- Bounded pages ----------------------------------------------------------------------------


def test_pages_run_a_fixed_number_of_queries(client, staff, create_event, create_contact,
                                             count_queries):
    events = [create_event(days=3), create_event(days=4)]
    event = events[0]
    first = [create_contact(tier=Tier.global_leaders) for _ in range(2)]
    for invitation in _invite(event, *first):
        _confirm(invitation, by=staff)
    submit(client, f"/en/staff/events/{event.id}/invite?tier=global_leaders",
           {"action": "save", "name": "Leaders"})
    base = f"/en/staff/events/{event.id}"
    urls = ["/en/staff/events", "/en/staff/events/audiences", base, f"{base}/edit",
            f"{base}/invite?tier=global_leaders", f"{base}/guests", f"{base}/guests?show=yes",
            f"{base}/checkin"]

    def queries_for(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        return len(statements)

    few = {url: queries_for(url) for url in urls}
    for _ in range(3):
        create_event(days=5)
    for n in range(12):
        db.session.add(Segment(name=f"Audience {n}", filters={"tier": ["global_elite"]}))
    more = [create_contact(tier=Tier.global_leaders, honorific="Dr.") for _ in range(12)]
    for invitation in _invite(event, *more):
        _confirm(invitation, by=staff)
    assert {url: queries_for(url) for url in urls} == few


# -- The dashboard ----------------------------------------------------------------------------


def test_the_dashboard_counts_upcoming_events_and_keeps_the_panel_a_minute(client, staff,
                                                                          create_event):
    from portal.extensions import cache

    def panel(lang):
        html = client.get(f"/{lang}/staff/").get_data(as_text=True)
        return html.split('id="events-heading"')[1].split("</section>")[0]

    create_event(days=3)
    create_event(days=-3)  # over
    english = panel("en")
    assert "Upcoming events</dt><dd>1</dd>" in english and "Autumn concert" in english
    create_event(days=4)
    assert "Upcoming events</dt><dd>1</dd>" in panel("en")  # the same for all staff, a minute
    assert "가을 음악회" in panel("ko")  # each language its own rendering
    cache.clear()
    assert "Upcoming events</dt><dd>2</dd>" in panel("en")
