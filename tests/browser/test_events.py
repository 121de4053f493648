"""Invitations in a real browser: a guest answers from the link in the mail, a resident from
the invitations page; the public event list and the event page; every page checked with axe and
the HTML checker, each in two languages."""

import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.columns import utcnow
from portal.contacts.models import Contact, ContactTag, Tier
from portal.events import service
from portal.events.models import Answer, Event, EventKind, Invitation, Place
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.service import render_deferred
from tests.browser.conftest import account, axe_check

pytestmark = [pytest.mark.browser, pytest.mark.no_transaction]

PASSWORD = "lantern-bridge-river-58"  # noqa: S105 - test data
TITLES = {"en": "Lantern evening", "ja": "灯籠の夕べ", "zh": "灯笼之夜", "vi": "Đêm đèn lồng",
          "ko": "등불의 밤"}


def invite(live_server, *, locale: str, user_email: str | None = None, public: bool = False,
           capacity: int | None = 20) -> tuple[int, int, str]:
    """An event, one invited contact and the link of their invitation mail."""
    tag = uuid.uuid4().hex[:10]
    with live_server.app.app_context():
        starts = utcnow().replace(microsecond=0) + timedelta(days=12)
        event = Event(kind=EventKind.cultural, titles={k: f"{v} {tag}" for k, v in TITLES.items()},
                      descriptions={"en": "A walk along the stream."}, starts_at=starts,
                      ends_at=starts + timedelta(hours=2), venue="Cheonggye Plaza",
                      capacity=capacity, companions_allowed=True, public=public)
        user = None
        if user_email:
            user = account("Oliver Schmidt", user_email, password=PASSWORD, locale=locale)
            db.session.add(user)
            db.session.flush()
        contact = Contact(name=f"山田 花子 {tag}", email=user_email or f"guest-{tag}@example.jp",
                          locale=locale, tier=Tier.global_elite, user_id=user.id if user else None)
        db.session.add_all([event, contact])
        db.session.flush()
        db.session.add(ContactTag(contact_id=contact.id, tag=tag))
        db.session.flush()
        service.send_invitations(event, service.Audience.from_filters({"tag": [tag]}), by=None)
        db.session.commit()
        message = db.session.scalar(sa.select(OutboxMessage).where(
            OutboxMessage.recipient == contact.email,
            OutboxMessage.kind == service.MAIL_INVITATION))
        text = render_deferred(message).text
        link = re.search(r"http\S+/rsvp/\S+", text).group(0)
        result = event.id, contact.id, link
        db.session.remove()
        return result


def invitation_of(live_server, event_id: int, contact_id: int) -> tuple:
    with live_server.app.app_context():
        invitation = db.session.scalar(sa.select(Invitation).where(
            Invitation.event_id == event_id, Invitation.contact_id == contact_id))
        result = (invitation.answer, invitation.place, invitation.companion, invitation.listed,
                  invitation.checkin_code, invitation.viewed_at)
        db.session.remove()
        return result


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_a_guest_answers_from_the_link_in_the_mail(new_page, live_server, lang):
    event_id, contact_id, link = invite(live_server, locale=lang)
    assert f"/{lang}/rsvp/" in link
    page = new_page()
    page.goto(link)
    expect(page.locator("main h1")).to_contain_text(TITLES[lang])
    axe_check(page)
    page.locator("input[name=answer][value=yes]").check()
    page.locator("input[name=companion]").check()
    page.locator("input[name=listed]").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()
    answer, place, companion, listed, code, viewed = invitation_of(live_server, event_id,
                                                                   contact_id)
    assert (answer, place, companion, listed) == (Answer.yes, Place.confirmed, True, True)
    assert viewed is not None
    expect(page.locator(".checkin-code")).to_contain_text(code)
    expect(page.locator(".checkin-code svg")).to_be_visible()
    axe_check(page)
    # The guest changes their mind: the place is given back.
    page.locator("input[name=answer][value=no]").check()
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert invitation_of(live_server, event_id, contact_id)[:2] == (Answer.no, None)
    # An altered link changes nothing and says so.
    page.goto(link[:-3] + "xyz")
    expect(page.locator("main h1")).to_be_visible()
    axe_check(page)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_resident_answers_from_the_invitations_page(new_page, live_server, lang):
    email = f"oliver-{uuid.uuid4().hex[:8]}@example.de"
    event_id, contact_id, _link = invite(live_server, locale=lang, user_email=email,
                                         public=True)
    page = new_page()
    page.goto(f"/{lang}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto(f"/{lang}/invitations/")
    article = page.locator(f"article#invitation-{invitation_id(live_server, event_id)}")
    expect(article).to_contain_text(TITLES[lang])
    axe_check(page)
    article.locator("input[value=maybe]").check()
    article.locator("button[type=submit]").first.click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert invitation_of(live_server, event_id, contact_id)[0] is Answer.maybe
    axe_check(page)
    # The public list and the event page.
    page.goto(f"/{lang}/events/")
    page.locator(f"a[href$='/events/{event_id}']").click()
    expect(page.locator("main h1")).to_contain_text(TITLES[lang])
    axe_check(page)


def invitation_id(live_server, event_id: int) -> int:
    with live_server.app.app_context():
        result = db.session.scalar(sa.select(Invitation.id).where(
            Invitation.event_id == event_id))
        db.session.remove()
        return result
