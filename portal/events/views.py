"""Public and resident pages: events, the invitations inbox, answer links and calendars."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..database import writing
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..i18n import current_lang
from ..paging import paginate
from ..staffdesk import STAFF
from . import bp, calendar_bp, invitations_bp, service
from .calendar import event_ics, feed_ics
from .forms import AnswerForm
from .mails import checkin_qr
from .models import AnswerChannel, Event, Invitation, Place
from .tokens import calendar_token, read_calendar_token, read_rsvp_token


def _my_contact():
    return getattr(current_user, "contact", None) if current_user.is_authenticated else None


def _staff_preview() -> bool:
    """Staff open any event's page (their event page links to it), invited or not."""
    return STAFF(current_user)


def _visible_or_404(event_id: int) -> Event:
    event = service.get_event_or_404(event_id)
    if not service.may_see(event, _my_contact()) and not _staff_preview():
        abort(404)  # an invitation-only event does not exist for those not invited
    return event


@bp.route("/")
def index():
    """Upcoming events: the public ones, and those the signed-in person is invited to."""
    page = paginate(service.visible_events(_my_contact()))
    return render_template("events/index.html", page=page)


@bp.route("/<int:event_id>")
def detail(event_id: int):
    event = _visible_or_404(event_id)
    invitation = service.invitation_for(event, _my_contact())
    return _render_detail(event, invitation)


def _answer_form(invitation: Invitation, **kwargs) -> AnswerForm:
    data = None
    if invitation.answer is not None:
        data = {"answer": invitation.answer.name, "companion": invitation.companion,
                "listed": invitation.listed}
    return AnswerForm(data=data, companions_allowed=invitation.event.companions_allowed,
                      **kwargs)


def _render_detail(event: Event, invitation: Invitation | None, form=None, status=200):
    if invitation is not None and form is None:
        form = _answer_form(invitation)
    return render_template(
        "events/detail.html", event=event, invitation=invitation, form=form,
        deadline_passed=service.deadline_passed(event),
        participants=_participants(event, invitation),
        qr=_qr(invitation),
        staff_preview=invitation is None and not event.public and _staff_preview(),
    ), status


def _participants(event: Event, invitation: Invitation | None) -> list[str] | None:
    """The opt-in list of participants, shown only to guests holding a confirmed place."""
    if invitation is None or invitation.place is not Place.confirmed:
        return None
    return service.participant_list(event)


def _qr(invitation: Invitation | None) -> Markup | None:
    if invitation is None or invitation.place is not Place.confirmed:
        return None
    # segno writes the SVG itself (no user text in it); the code is shown as text beside it.
    return Markup(checkin_qr(invitation).svg_inline(scale=5))  # noqa: S704


@bp.route("/<int:event_id>.ics")
def ics(event_id: int):
    event = _visible_or_404(event_id)
    return Response(event_ics(event, current_lang()), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})


# -- The invitations inbox of a signed-in resident ---------------------------------------------


@invitations_bp.route("/invitations/")
@login_required
def inbox():
    contact = _my_contact()
    page = paginate(service.invitations_of(contact)) if contact is not None else None
    forms = {}
    if page is not None:
        for invitation in page.items:
            forms[invitation.id] = _answer_form(invitation, prefix=f"i{invitation.id}")
    feed = (url_for("calendar.feed", token=calendar_token(contact.id), _external=True)
            if contact is not None else None)
    return render_template("events/inbox.html", page=page, forms=forms, feed=feed,
                           now_passed=service.deadline_passed)


@invitations_bp.route("/invitations/<int:invitation_id>", methods=["POST"])
@login_required
def answer_in_inbox(invitation_id: int):
    contact = _my_contact()
    invitation = db.session.get(Invitation, invitation_id)
    if contact is None or invitation is None or invitation.contact_id != contact.id:
        abort(404)
    form = _answer_form(invitation, prefix=f"i{invitation.id}")
    back = request.form.get("back") == "event"
    if form.validate_on_submit():
        try:
            result = service.answer(invitation, form.chosen(), companion=form.wants_companion(),
                                    listed=form.listed.data, via=AnswerChannel.inbox)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_answer_message(result.place, invitation), "success")
            if back:
                return redirect(url_for("events.detail", event_id=invitation.event_id))
            return redirect(url_for("invitations.inbox", _anchor=f"invitation-{invitation.id}"))
    return _render_detail(invitation.event, invitation, form=form, status=400)


def _answer_message(place: Place | None, invitation: Invitation) -> str:
    if place is Place.confirmed:
        return _("Thank you. Your place is confirmed.")
    if place is Place.waiting:
        return _("Thank you. The event is full: you are on the waiting list, and we will "
                 "email you if a place becomes free.")
    return _("Thank you. Your answer has been saved.")


# -- The personal answer link carried in the invitation mail ------------------------------------


def _invitation_from_token(token: str) -> Invitation | None:
    ids = read_rsvp_token(token)
    if ids is None:
        return None
    invitation_id, event_id, contact_id = ids
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or (invitation.event_id, invitation.contact_id) != (event_id,
                                                                             contact_id):
        return None
    return invitation


@invitations_bp.route("/rsvp/<token>", methods=["GET", "POST"])
def rsvp(token: str):
    """Answer an invitation without signing in, from the link in its mail."""
    invitation = _invitation_from_token(token)
    if invitation is None:
        return render_template("events/rsvp_invalid.html"), 404
    event = invitation.event
    form = _answer_form(invitation)
    status = 200
    if request.method == "GET" and invitation.viewed_at is None:
        with writing():
            service.mark_viewed(invitation)
            db.session.commit()
    if form.validate_on_submit():
        try:
            result = service.answer(invitation, form.chosen(), companion=form.wants_companion(),
                                    listed=form.listed.data, via=AnswerChannel.link)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
            status = 400
        else:
            db.session.commit()
            flash(_answer_message(result.place, invitation), "success")
            return redirect(url_for("invitations.rsvp", token=token))
    elif request.method == "POST":
        status = 400
    feed = url_for("calendar.feed", token=calendar_token(invitation.contact_id), _external=True)
    return render_template(
        "events/rsvp.html", event=event, invitation=invitation, form=form, token=token,
        deadline_passed=service.deadline_passed(event), over=service.is_over(event),
        participants=_participants(event, invitation), qr=_qr(invitation), feed=feed,
    ), status


@invitations_bp.route("/rsvp/<token>/event.ics")
def rsvp_ics(token: str):
    """The event of an invitation as a calendar file, for a guest without an account."""
    invitation = _invitation_from_token(token)
    if invitation is None:
        abort(404)
    return Response(event_ics(invitation.event, current_lang()), mimetype="text/calendar",
                    headers={"Content-Disposition": "attachment; filename=\"event.ics\""})


# -- Calendars ---------------------------------------------------------------------------------


@calendar_bp.route("/<token>.ics")
def feed(token: str):
    """A person's private feed of the events they hold a confirmed place at."""
    contact_id = read_calendar_token(token)
    contact = service.get_contact(contact_id) if contact_id is not None else None
    if contact is None:
        abort(404)
    with force_locale(contact.locale):
        name = _("Seoul events I attend")
    body = feed_ics(service.confirmed_events(contact.id), contact.locale, name=name)
    return Response(body, mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=300"})
