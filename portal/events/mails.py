"""The mail this domain sends, rendered by the outbox worker at delivery in the guest's language.

Invitations are queued by the thousand in one statement (``service.send_invitations``); each
is written here, when it leaves, from the invitation as it then stands.
"""

import io

import segno
from flask import Flask
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..i18n import format_datetime, format_time_range
from ..mail.models import OutboxMessage
from ..mail.service import Attachment, RenderedMail, external_url, register_renderer, render_mail
from . import service
from .calendar import event_ics
from .models import Answer, Invitation, Place
from .tokens import rsvp_token

SUBJECTS = {
    service.MAIL_INVITATION: _l("Invitation: %(title)s"),
    service.MAIL_INVITATION_REMINDER: _l("Reminder: please answer the invitation to %(title)s"),
    service.MAIL_OFFER: _l("A place has become free for you: %(title)s"),
    service.MAIL_REMINDER: _l("See you soon: %(title)s"),
    service.MAIL_CONFIRMED: _l("Your place is confirmed: %(title)s"),
    service.MAIL_WAITING: _l("You are on the waiting list: %(title)s"),
    service.MAIL_ANSWER: _l("We have noted your answer: %(title)s"),
}


def stale(kind: str, invitation: Invitation) -> bool:
    """Whether a later change made this mail untrue (a newer mail then says what holds)."""
    if kind in (service.MAIL_CONFIRMED, service.MAIL_REMINDER):
        return invitation.place is not Place.confirmed
    if kind == service.MAIL_WAITING:
        return invitation.place is None
    if kind == service.MAIL_OFFER:
        return invitation.place is not Place.offered
    if kind == service.MAIL_ANSWER:
        return invitation.answer in (None, Answer.yes)
    return False


def rsvp_link(invitation: Invitation, lang: str) -> str:
    token = rsvp_token(invitation.id, invitation.event_id, invitation.contact_id)
    return external_url("invitations.rsvp", lang=lang, token=token)


def checkin_qr(invitation: Invitation) -> segno.QRCode:
    """The QR code staff scan at the door: it holds the guest's check-in code only."""
    return segno.make(invitation.checkin_code, error="m")


def qr_png(invitation: Invitation) -> bytes:
    buffer = io.BytesIO()
    checkin_qr(invitation).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def render(message: OutboxMessage) -> RenderedMail | None:
    invitation = db.session.get(Invitation, message.object_id, options=[
        joinedload(Invitation.event), joinedload(Invitation.contact)])
    if invitation is None or stale(message.kind, invitation):
        return None  # withdrawn, the person erased, or overtaken by a later change
    lang = message.locale
    event = invitation.event
    with force_locale(lang):
        title = service.event_title(event, lang)
        subject = SUBJECTS[message.kind]
        # The code goes with the confirmation and the reminder, not with the invitation.
        confirmed = (message.kind in (service.MAIL_CONFIRMED, service.MAIL_REMINDER)
                     and invitation.checkin_code)
        rendered = render_mail(
            "events/event", locale=lang, subject=subject % {"title": title},
            greeting_name=invitation.contact.name, kind=message.kind, event=event,
            title=title, description=service.event_description(event, lang),
            when=format_time_range(event.starts_at, event.ends_at),
            deadline=format_datetime(event.rsvp_deadline, "medium")
            if event.rsvp_deadline else None,
            offer_until=format_datetime(invitation.offer_expires_at, "medium")
            if invitation.offer_expires_at else None,
            invitation=invitation, Answer=Answer, Place=Place, link=rsvp_link(invitation, lang),
            qr_cid="checkin-code" if confirmed else None,
        )
    rendered.attachments.append(Attachment("event.ics", "text/calendar", event_ics(event, lang)))
    if confirmed:
        rendered.attachments.append(Attachment("check-in-code.png", "image/png",
                                               qr_png(invitation), content_id="checkin-code"))
    return rendered


def register(app: Flask) -> None:
    for kind in SUBJECTS:
        register_renderer(app, kind, render)
