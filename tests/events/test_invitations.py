"""Invitations: sent in bulk once per person, answered by link or inbox, places kept in order."""

import email
import re
from datetime import timedelta
from email import policy

import icalendar
import pytest
import sqlalchemy as sa

from portal.columns import utcnow
from portal.contacts.models import Tier
from portal.events import service
from portal.events.models import Answer, AnswerChannel, Invitation, Place, Reservation
from portal.events.tokens import calendar_token, rsvp_token
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.mail.service import deliver_due
from portal.notifications.models import Notification
from tests.support.http import sign_in, submit


def _invite(event, *contacts):
    """Invite these contacts (as staff would, through a tag audience)."""
    from portal.contacts.models import ContactTag

    for contact in contacts:
        db.session.merge(ContactTag(contact_id=contact.id, tag="guests"))
    db.session.commit()
    count = service.send_invitations(event, service.Audience.from_filters({"tag": ["guests"]}),
                                     by=None)
    db.session.commit()
    return count


def _invitation(event, contact) -> Invitation:
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.contact_id == contact.id))


def _link(invitation, lang="en") -> str:
    return f"/{lang}/rsvp/{rsvp_token(invitation.id, invitation.event_id, invitation.contact_id)}"


def _answer(client, invitation, answer, lang="en", **extra):
    return submit(client, _link(invitation, lang), {"answer": answer, **extra})


def test_sending_again_invites_only_those_new_to_the_audience(app, create_event, create_contact,
                                                              count_queries):
    event = create_event()
    leaders = [create_contact(tier=Tier.global_leaders, locale=locale)
               for locale in ("ja", "vi", "en")]
    create_contact(tier=Tier.global_elite)  # not in the audience
    create_contact(tier=Tier.global_leaders, email=None)  # no address to send to
    audience = service.Audience.from_filters({"tier": ["global_leaders"]})
    with count_queries() as queries:
        assert service.send_invitations(event, audience, by=None) == 3
    db.session.commit()
    assert len(queries) < 10  # a few statements, whatever the audience's size
    late = create_contact(tier=Tier.global_leaders, locale="zh")
    assert service.send_invitations(event, audience, by=None) == 1
    assert service.send_invitations(event, audience, by=None) == 0
    db.session.commit()
    invited = db.session.scalars(sa.select(Invitation.contact_id).where(
        Invitation.event_id == event.id)).all()
    assert sorted(invited) == sorted([c.id for c in leaders] + [late.id])
    mails = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == service.MAIL_INVITATION)).all()
    assert len(mails) == 4  # one per invitation, never two
    assert {(m.recipient, m.locale) for m in mails} == {(c.email, c.locale)
                                                        for c in [*leaders, late]}


def test_an_empty_audience_invites_nobody(app, create_event):
    from portal.errors import ValidationError

    with pytest.raises(ValidationError):
        service.send_invitations(create_event(), service.Audience.from_filters({}), by=None)


def test_a_contact_with_an_account_finds_the_invitation_in_the_portal(
    app, client, create_event, create_contact, create_user
):
    user = create_user(locale="ja")
    contact = create_contact(user=user, locale="ja")
    event = create_event()
    _invite(event, contact)
    [notice] = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id)).all()
    assert notice.kind == "events.invited" and not notice.awaiting_digest
    sign_in(client, user.email, lang="ja")
    page = client.get("/ja/invitations/").get_data(as_text=True)
    assert "秋のコンサート" in page


def test_the_invitation_mail_is_rendered_in_the_guests_language_with_the_event_attached(
    app, create_event, create_contact, smtp_server
):
    event = create_event(titles={"en": "Forum <b>2027</b>", "ja": "フォーラム <b>2027</b>"},
                         descriptions={"en": "Talks & <script>x</script>"})
    guest = create_contact(locale="ja", name="山田 <花子>")
    _invite(event, guest)
    assert deliver_due().sent == 1
    [received] = smtp_server.received
    parsed = email.message_from_bytes(received.as_bytes(), policy=policy.default)
    assert parsed["Content-Language"] == "ja"
    assert "フォーラム <b>2027</b>" in parsed["Subject"]
    html = parsed.get_body(("html",)).get_content()
    assert "フォーラム &lt;b&gt;2027&lt;/b&gt;" in html  # staff text escaped
    assert "山田 &lt;花子&gt;" in html
    assert "<script>" not in html
    text = parsed.get_body(("plain",)).get_content()
    link = re.search(r"http\S+/ja/rsvp/\S+", text).group(0)
    assert link in html
    [calendar] = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    [entry] = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "フォーラム <b>2027</b>"
    assert entry.decoded("DTSTART") == event.starts_at


def test_a_guest_answers_from_the_link_and_gets_a_check_in_code(
    app, client, create_event, create_contact, outbox
):
    event = create_event(capacity=10)
    guest = create_contact(locale="ja")
    _invite(event, guest)
    invitation = _invitation(event, guest)
    page = client.get(_link(invitation, "ja"))
    assert page.status_code == 200 and "秋のコンサート" in page.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.viewed_at is not None
    response = _answer(client, invitation, "yes", "ja", listed="y")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert (invitation.answer, invitation.place) == (Answer.yes, Place.confirmed)
    assert invitation.answered_via is AnswerChannel.link and invitation.listed
    assert re.fullmatch(r"[0-9A-F]{10}", invitation.checkin_code)
    page = client.get(_link(invitation, "ja")).get_data(as_text=True)
    assert invitation.checkin_code in page and "<svg" in page
    answer_mail = [m for m in outbox(guest.email) if m.kind == service.MAIL_CONFIRMED]
    assert len(answer_mail) == 1


def test_the_answer_mail_of_a_confirmed_guest_carries_the_qr_code(
    app, client, create_event, create_contact, smtp_server
):
    event = create_event()
    guest = create_contact(locale="vi")
    _invite(event, guest)
    invitation = _invitation(event, guest)
    _answer(client, invitation, "yes", "vi")
    deliver_due()
    answer_mail = email.message_from_bytes(smtp_server.received[-1].as_bytes(),
                                           policy=policy.default)
    db.session.refresh(invitation)
    assert invitation.checkin_code in answer_mail.get_body(("plain",)).get_content()
    [image] = [p for p in answer_mail.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<checkin-code>"
    assert 'src="cid:checkin-code"' in answer_mail.get_body(("html",)).get_content()


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # altered
    lambda token: "not-a-token",  # forged
])
def test_a_forged_or_altered_link_gets_a_clear_page_and_changes_nothing(
    app, client, create_event, create_contact, mangle
):
    event = create_event()
    guest = create_contact()
    _invite(event, guest)
    invitation = _invitation(event, guest)
    token = rsvp_token(invitation.id, invitation.event_id, invitation.contact_id)
    bad = f"/en/rsvp/{mangle(token)}"
    page = client.get(bad)
    assert page.status_code == 404
    assert "This invitation link does not work" in page.get_data(as_text=True)
    response = submit(client, bad, {"answer": "yes"}, page=_link(invitation))
    assert response.status_code == 404
    db.session.refresh(invitation)
    assert invitation.answer is None


def test_a_link_signed_for_another_contact_opens_nothing(app, client, create_event,
                                                         create_contact):
    event = create_event()
    first, second = create_contact(), create_contact()
    _invite(event, first, second)
    invitation = _invitation(event, first)
    # A real signature over the wrong pair (an id given again to someone else).
    token = rsvp_token(invitation.id, invitation.event_id, second.id)
    assert client.get(f"/en/rsvp/{token}").status_code == 404


def test_the_answer_page_shows_no_other_guest(app, client, create_event, create_contact):
    event = create_event()
    guests = [create_contact(name=f"Guest Number {i}") for i in range(3)]
    _invite(event, *guests)
    invitations = [_invitation(event, g) for g in guests]
    _answer(client, invitations[1], "yes")  # confirmed but not listed
    page = client.get(_link(invitations[0])).get_data(as_text=True)
    assert "Guest Number 1" not in page and "Guest Number 2" not in page


def test_the_participant_list_shows_only_those_who_agreed_and_only_to_confirmed_guests(
    app, client, create_event, create_contact
):
    event = create_event()
    listed, unlisted, undecided = (create_contact(name=n) for n in
                                   ("Listed Guest", "Private Guest", "Undecided Guest"))
    _invite(event, listed, unlisted, undecided)
    _answer(client, _invitation(event, listed), "yes", listed="y")
    _answer(client, _invitation(event, unlisted), "yes")
    _answer(client, _invitation(event, undecided), "maybe", listed="y")
    confirmed_view = client.get(_link(_invitation(event, unlisted))).get_data(as_text=True)
    assert "Listed Guest" in confirmed_view
    assert "Undecided Guest" not in confirmed_view
    maybe_view = client.get(_link(_invitation(event, undecided))).get_data(as_text=True)
    assert "Listed Guest" not in maybe_view


def test_a_full_event_puts_yes_on_the_waiting_list_and_offers_a_freed_place_in_order(
    app, client, create_event, create_contact, outbox
):
    event = create_event(capacity=2, offer_hours=24)
    guests = [create_contact() for _ in range(4)]
    _invite(event, *guests)
    invitations = [_invitation(event, g) for g in guests]
    for invitation in invitations:
        _answer(client, invitation, "yes")
    for invitation in invitations:
        db.session.refresh(invitation)
    assert [i.place for i in invitations] == [Place.confirmed, Place.confirmed, Place.waiting,
                                              Place.waiting]
    _answer(client, invitations[0], "no")
    for invitation in invitations:
        db.session.refresh(invitation)
    assert invitations[0].place is None and invitations[0].checkin_code is None
    assert invitations[2].place is Place.offered  # the first waiting, not the second
    assert invitations[3].place is Place.waiting
    expires = invitations[2].offer_expires_at - utcnow()
    assert timedelta(hours=23) < expires <= timedelta(hours=24)
    assert [m.kind for m in outbox(guests[2].email)][-1] == service.MAIL_OFFER
    # The offer lapses: the place passes to the next.
    assert service.expire_offers(now=utcnow() + timedelta(hours=25)) == 1
    db.session.commit()
    for invitation in invitations:
        db.session.refresh(invitation)
    assert invitations[2].place is None and invitations[2].answer is None
    assert invitations[3].place is Place.offered
    # Accepting the offer confirms the place.
    _answer(client, invitations[3], "yes")
    db.session.refresh(invitations[3])
    assert invitations[3].place is Place.confirmed and invitations[3].checkin_code


def test_a_guest_may_leave_the_waiting_list(app, client, create_event, create_contact):
    event = create_event(capacity=1)
    first, second = create_contact(), create_contact()
    _invite(event, first, second)
    _answer(client, _invitation(event, first), "yes")
    _answer(client, _invitation(event, second), "yes")
    waiting = _invitation(event, second)
    page = client.get(_link(waiting)).get_data(as_text=True)
    assert "Leave the waiting list" in page
    _answer(client, waiting, "no")
    db.session.refresh(waiting)
    assert (waiting.answer, waiting.place) == (Answer.no, None)


def test_a_companion_takes_a_second_place_and_is_refused_when_none_is_left(
    app, client, create_event, create_contact
):
    event = create_event(capacity=3, companions_allowed=True)
    first, second = create_contact(), create_contact()
    _invite(event, first, second)
    _answer(client, _invitation(event, first), "yes", companion="y")
    _answer(client, _invitation(event, second), "yes")
    response = _answer(client, _invitation(event, second), "yes", companion="y")
    assert response.status_code == 400
    assert "no place left for a companion" in response.get_data(as_text=True)
    second_invitation = _invitation(event, second)
    assert second_invitation.place is Place.confirmed and not second_invitation.companion
    assert service.event_counts(event).places_taken == 3


def test_places_reserved_for_a_tier_are_kept_for_it(app, client, create_event, create_contact):
    event = create_event(capacity=3)
    db.session.add(Reservation(event_id=event.id, tier=Tier.global_leaders, places=1))
    db.session.commit()
    others = [create_contact() for _ in range(3)]
    leader = create_contact(tier=Tier.global_leaders)
    _invite(event, *others, leader)
    for contact in others:
        _answer(client, _invitation(event, contact), "yes")
    assert [_invitation(event, c).place for c in others] == [Place.confirmed, Place.confirmed,
                                                              Place.waiting]
    _answer(client, _invitation(event, leader), "yes")
    assert _invitation(event, leader).place is Place.confirmed


def test_answers_close_at_the_deadline_for_guests_but_not_for_staff(
    app, client, create_event, create_contact, staff_user
):
    event = create_event(rsvp_deadline=utcnow() - timedelta(hours=1))
    guest = create_contact()
    _invite(event, guest)
    invitation = _invitation(event, guest)
    page = client.get(_link(invitation)).get_data(as_text=True)
    assert "The deadline to answer has passed" in page
    response = submit(client, _link(invitation), {"answer": "yes"}, page="/en/login")
    assert response.status_code == 400
    db.session.refresh(invitation)
    assert invitation.answer is None
    service.answer(invitation, Answer.yes, via=AnswerChannel.phone, by=staff_user)
    db.session.commit()
    assert invitation.place is Place.confirmed


def test_residents_answer_from_their_inbox_and_only_their_own(
    app, client, create_event, create_contact, create_user
):
    user = create_user()
    mine = create_contact(user=user)
    someone = create_contact()
    event = create_event()
    _invite(event, mine, someone)
    sign_in(client, user.email)
    invitation = _invitation(event, mine)
    response = submit(client, f"/en/invitations/{invitation.id}",
                      {f"i{invitation.id}-answer": "maybe"}, page="/en/invitations/")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.answer is Answer.maybe and invitation.answered_via is AnswerChannel.inbox
    theirs = _invitation(event, someone)
    response = submit(client, f"/en/invitations/{theirs.id}",
                      {f"i{theirs.id}-answer": "yes"}, page="/en/invitations/")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.answer is None


def test_a_missing_answer_keeps_the_form_and_says_why(app, client, create_event, create_contact):
    event = create_event()
    guest = create_contact()
    _invite(event, guest)
    response = submit(client, _link(_invitation(event, guest), "vi"), {"listed": "y"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'name="listed" type="checkbox" value="y" checked' in html or "checked" in html
    assert 'class="error"' in html


def test_a_title_shown_in_english_for_want_of_a_translation_says_so(client, create_event):
    # Staff wrote English and Korean only: a Vietnamese page shows the English, marked as
    # English (WCAG 2.1, 3.1.2), and the Korean page its own text, unmarked.
    event = create_event(public=True, titles={"en": "Lantern festival", "ko": "등불 축제"},
                         descriptions={"en": "Lanterns along the stream."})
    listing = client.get("/vi/events/").get_data(as_text=True)
    assert re.search(rf'<a href="/vi/events/{event.id}" lang="en">Lantern festival</a>',
                     listing)
    page = client.get(f"/vi/events/{event.id}").get_data(as_text=True)
    assert '<h1 lang="en">Lantern festival</h1>' in page
    assert '<div class="prose" lang="en"><p>Lanterns along the stream.</p>' in page
    korean = client.get(f"/ko/events/{event.id}").get_data(as_text=True)
    assert "<h1>등불 축제</h1>" in korean
    assert '<div class="prose" lang="en">' in korean  # no Korean description: English


def test_invitation_only_events_are_seen_only_by_those_invited(
    app, client, create_event, create_contact, create_user
):
    public = create_event(public=True, titles={"en": "Open lantern festival"})
    private = create_event(titles={"en": "Advisory council dinner"})
    listing = client.get("/en/events/").get_data(as_text=True)
    assert "Open lantern festival" in listing and "Advisory council dinner" not in listing
    assert client.get(f"/en/events/{private.id}").status_code == 404
    assert client.get(f"/en/events/{private.id}.ics").status_code == 404
    assert client.get(f"/en/events/{public.id}").status_code == 200
    user = create_user()
    _invite(private, create_contact(user=user))
    sign_in(client, user.email)
    assert "Advisory council dinner" in client.get("/en/events/").get_data(as_text=True)
    assert client.get(f"/en/events/{private.id}").status_code == 200


def test_staff_open_the_guest_page_of_an_event_they_are_not_invited_to(
    app, client, login, staff_user, create_event, create_user
):
    """The staff event page links to "the page guests see": for an invitation-only event too,
    with a note that only those invited open it (a resident not invited still gets 404)."""
    private = create_event(titles={"en": "Advisory council dinner"})
    resident = app.test_client()
    sign_in(resident, create_user().email)
    assert resident.get(f"/en/events/{private.id}").status_code == 404
    login(staff_user)
    staff_page = client.get(f"/en/staff/events/{private.id}").get_data(as_text=True)
    assert f'href="/en/events/{private.id}"' in staff_page
    page = client.get(f"/en/events/{private.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Advisory council dinner" in html and "Only those invited can open this page." in html
    assert client.get(f"/en/events/{private.id}.ics").status_code == 200
    public = create_event(public=True, titles={"en": "Open lantern festival"})
    assert "Only those invited" not in client.get(f"/en/events/{public.id}").get_data(
        as_text=True)


def test_an_event_downloads_as_ics_in_the_page_language(app, client, create_event):
    event = create_event(public=True)
    response = client.get(f"/ko/events/{event.id}.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert "SUMMARY:가을 음악회" in body and f"UID:event-{event.id}@" in body


def test_the_private_calendar_feed_lists_the_events_said_yes_to(
    app, client, create_event, create_contact
):
    going, not_going = create_event(titles={"en": "Going"}), create_event(titles={"en": "Not"})
    guest = create_contact()
    _invite(going, guest)
    _invite(not_going, guest)
    _answer(client, _invitation(going, guest), "yes")
    _answer(client, _invitation(not_going, guest), "no")
    body = client.get(f"/calendar/{calendar_token(guest.id)}.ics").get_data(as_text=True)
    assert "SUMMARY:Going" in body and "SUMMARY:Not" not in body
    assert client.get(f"/calendar/{calendar_token(guest.id)}x.ics").status_code == 404


def test_reminders_go_two_days_before_to_confirmed_guests_once(
    app, client, create_event, create_contact
):
    soon = create_event(days=1.5)
    later = create_event(days=5)
    going, undecided = create_contact(), create_contact()
    _invite(soon, going, undecided)
    _invite(later, going)
    _answer(client, _invitation(soon, going), "yes")
    _answer(client, _invitation(soon, undecided), "maybe")
    _answer(client, _invitation(later, going), "yes")
    assert service.send_reminders() == 1
    assert service.send_reminders() == 0
    db.session.commit()
    reminders = db.session.scalars(sa.select(OutboxMessage.object_id).where(
        OutboxMessage.kind == service.MAIL_REMINDER)).all()
    assert reminders == [_invitation(soon, going).id]


def test_staff_reminders_go_to_those_who_have_not_answered(
    app, client, create_event, create_contact
):
    event = create_event()
    answered, silent = create_contact(), create_contact()
    _invite(event, answered, silent)
    _answer(client, _invitation(event, answered), "no")
    assert service.remind_unanswered(event, by=None) == 1
    db.session.commit()
    [reminder] = db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.kind == service.MAIL_INVITATION_REMINDER)).all()
    assert reminder.recipient == silent.email


def test_a_second_check_in_of_the_same_code_is_flagged_not_counted(
    app, client, create_event, create_contact, staff_user
):
    event = create_event()
    guest, undecided = create_contact(), create_contact()
    _invite(event, guest, undecided)
    _answer(client, _invitation(event, guest), "yes")
    code = _invitation(event, guest).checkin_code
    first = service.check_in(event, by=staff_user, code=code.lower())
    assert first.invitation is not None and not first.repeated
    second = service.check_in(event, by=staff_user, code=code)
    assert second.repeated
    assert service.event_counts(event).checked_in == 1
    assert second.invitation.repeat_checkins == 1
    refused = service.check_in(event, by=staff_user,
                               invitation_id=_invitation(event, undecided).id)
    assert refused.invitation is None


def test_a_withdrawn_invitation_drops_its_queued_mail(app, create_event, create_contact,
                                                      smtp_server):
    event = create_event()
    guest = create_contact()
    _invite(event, guest)
    db.session.delete(_invitation(event, guest))
    db.session.commit()
    report = deliver_due()
    assert (report.sent, report.dropped) == (0, 1)
    assert db.session.scalar(sa.select(OutboxMessage.status)) is OutboxStatus.dropped


def test_merged_contacts_keep_every_invitation_without_doubling(app, create_event,
                                                                create_contact):
    from portal.contacts import signals

    both, only_theirs = create_event(), create_event()
    kept, merged = create_contact(), create_contact()
    _invite(both, kept, merged)
    _invite(only_theirs, merged)
    _invitation(both, merged).answer = Answer.maybe
    db.session.commit()
    merged_id = merged.id
    signals.contacts_merged.send(kept, merged_id=merged_id)
    db.session.commit()
    mine = db.session.scalars(sa.select(Invitation).where(Invitation.contact_id == kept.id)
                              .order_by(Invitation.event_id)).all()
    assert [(i.event_id, i.answer) for i in mine] == [(both.id, Answer.maybe),
                                                       (only_theirs.id, None)]


def test_the_demo_shows_events_with_answers_of_every_kind(app, client):
    from click.testing import CliRunner

    from portal.accounts.demo import DEMO_PASSWORD, STAFF_EMAIL

    result = CliRunner().invoke(app.cli, ["demo", "seed"])
    assert "events: 4 events" in result.output, result.output
    invitations = db.session.scalars(sa.select(Invitation)).all()
    assert {i.answer for i in invitations} == {Answer.yes, Answer.no, Answer.maybe, None}
    assert {i.place for i in invitations} >= {Place.confirmed, Place.waiting}
    linked = [i for i in invitations if i.contact.user_id is not None]
    assert linked  # the demo residents have something in their inbox
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == service.MAIL_INVITATION))
    assert mails == len(invitations)
    assert "events: already present" in CliRunner().invoke(app.cli, ["demo", "seed"]).output
    sign_in(client, STAFF_EMAIL, DEMO_PASSWORD)
    dashboard = client.get("/ko/staff/").get_data(as_text=True)
    assert 'id="events-heading"' in dashboard


def test_the_tick_command_passes_lapsed_offers_on_and_queues_reminders(
    app, client, create_event, create_contact
):
    from click.testing import CliRunner

    event = create_event(capacity=1, days=1)
    first, second = create_contact(), create_contact()
    _invite(event, first, second)
    _answer(client, _invitation(event, first), "yes")
    _answer(client, _invitation(event, second), "yes")
    _answer(client, _invitation(event, first), "no")
    offered = _invitation(event, second)
    assert offered.place is Place.offered
    offered.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = CliRunner().invoke(app.cli, ["events", "tick"])
    assert "lapsed offers: 1; reminders queued: 0" in result.output, result.output
    db.session.refresh(offered)
    assert offered.place is None


def test_staff_see_a_contacts_invitations_and_residents_their_own_in_their_data(
    app, client, create_event, create_contact, create_user, staff_user
):
    user = create_user()
    contact = create_contact(user=user)
    event = create_event(titles={"en": "Harvest dinner"})
    _invite(event, contact)
    _answer(client, _invitation(event, contact), "maybe")
    sign_in(client, staff_user.email)
    page = client.get(f"/en/staff/contacts/{contact.id}").get_data(as_text=True)
    assert "Harvest dinner" in page and "Maybe" in page
    from portal.accounts import signals

    data = {}
    signals.data_export.send(user, data=data)
    [exported] = data["invitations"]
    assert (exported["event"], exported["answer"]) == ("Harvest dinner", "maybe")


def test_the_resident_pages_take_the_same_queries_for_one_event_or_many(
    app, client, create_event, create_contact, create_user, count_queries
):
    user = create_user()
    contact = create_contact(user=user)
    sign_in(client, user.email)

    def queries(path):
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return len(counted)

    _invite(create_event(public=True), contact)
    few = [queries("/en/invitations/"), queries("/en/events/")]
    for _ in range(4):
        _invite(create_event(public=True), contact)
    assert [queries("/en/invitations/"), queries("/en/events/")] == few


def test_a_second_reminder_click_within_the_hour_reminds_nobody_again(
    app, create_event, create_contact
):
    event = create_event()
    _invite(event, create_contact(), create_contact())
    assert service.remind_unanswered(event, by=None) == 2
    assert service.remind_unanswered(event, by=None) == 0
    db.session.commit()


def test_audience_tags_match_however_staff_type_them(app, create_event, create_contact):
    from portal.contacts.models import ContactTag

    contact = create_contact()
    db.session.add(ContactTag(contact_id=contact.id, tag="speaker 2026"))
    db.session.commit()
    audience = service.Audience.from_filters({"tag": ["  Speaker   2026 "]})
    assert service.audience_size(audience) == 1


def test_a_guest_who_withdraws_after_check_in_no_longer_counts_as_arrived(
    app, client, create_event, create_contact, staff_user
):
    event = create_event()
    guest = create_contact()
    _invite(event, guest)
    _answer(client, _invitation(event, guest), "yes")
    service.check_in(event, by=staff_user, invitation_id=_invitation(event, guest).id)
    service.answer(_invitation(event, guest), Answer.no, via=AnswerChannel.phone, by=staff_user)
    db.session.commit()
    assert service.event_counts(event).checked_in == 0


@pytest.mark.parametrize("lang", ["en", "zh", "ja", "vi", "ko"])
def test_every_event_mail_is_written_in_the_guests_language(
    app, client, create_event, create_contact, smtp_server, lang
):
    from tests.support.i18n import translated

    event = create_event(capacity=1)
    first, guest = create_contact(locale=lang), create_contact(locale=lang)
    _invite(event, first, guest)
    _answer(client, _invitation(event, first), "yes")
    _answer(client, _invitation(event, guest), "yes")  # waits
    _answer(client, _invitation(event, first), "no")  # the place is offered to the guest
    deliver_due()
    received = [email.message_from_bytes(m.as_bytes(), policy=policy.default)
                for m in smtp_server.received if m["To"] == guest.email]
    title = event.titles[lang]
    expected = [translated(app, lang, subject, title=title) for subject in (
        "Invitation: %(title)s", "You are on the waiting list: %(title)s",
        "A place has become free for you: %(title)s")]
    assert [m["Subject"] for m in received] == expected
    if lang != "en":
        assert expected[0] != f"Invitation: {title}"  # the catalog has it in this language
    for message in received:
        assert message["Content-Language"] == lang
        body = message.get_body(("plain",)).get_content()
        assert translated(app, lang, "Seoul time") in body
        if lang != "en":
            assert "Seoul time" not in body


def test_a_mail_overtaken_by_a_later_answer_is_not_sent(app, client, create_event,
                                                        create_contact, smtp_server):
    event = create_event()
    guest = create_contact()
    _invite(event, guest)
    _answer(client, _invitation(event, guest), "yes")
    _answer(client, _invitation(event, guest), "no")  # before the worker ran
    report = deliver_due()
    assert (report.sent, report.dropped) == (2, 1)  # the invitation and the "no" are sent
    subjects = [m["Subject"] for m in smtp_server.received]
    assert subjects == ["Invitation: Autumn concert", "We have noted your answer: Autumn concert"]
