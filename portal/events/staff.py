"""Staff pages for events: the list, the event form, audiences and invitations, guests, check-in."""

import io
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_time, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import history_of
from ..columns import utcnow
from ..contacts import service as contacts
from ..contacts.models import Contact
from ..csvfiles import csv_lines
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error, locale_data
from ..i18n import LOCALES, country_name, localized
from ..paging import paginate
from . import service, staff_bp
from .models import Answer, AnswerChannel, Event, Invitation, Place, Segment
from .staff_forms import (
    AUDIENCE_LABELS,
    RESERVED_FIELDS,
    AudienceForm,
    CheckInForm,
    CheckInSearchForm,
    EventForm,
    GuestFilterForm,
    RecordAnswerForm,
    RemindForm,
    SegmentForm,
    SendForm,
)

SEOUL = ZoneInfo("Asia/Seoul")
# What the address of a guest list may carry back after a POST (the rest is dropped).
LIST_ARGUMENTS = ("show", "q", "page")


# -- Events -----------------------------------------------------------------------------------


@staff_bp.route("/events")
def events():
    """List the upcoming events (or past ones) with how many were invited and answered."""
    past = request.args.get("past") == "1"
    page = paginate(service.staff_events(past=past))
    return render_template("events/staff/events.html", page=page, past=past,
                           counts=_guest_counts([event.id for event in page.items]))


def _guest_counts(event_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """(invited, confirmed, waiting) for each event of a page, in one grouped query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        sa.select(Invitation.event_id, sa.func.count(),
                  sa.func.sum(sa.case((Invitation.place == Place.confirmed, 1), else_=0)),
                  sa.func.sum(sa.case((Invitation.place == Place.waiting, 1), else_=0)))
        .where(Invitation.event_id.in_(event_ids)).group_by(Invitation.event_id))
    return {event_id: (int(invited), int(confirmed or 0), int(waiting or 0))
            for event_id, invited, confirmed, waiting in rows}


@staff_bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    """Add an event."""
    return _event_form(None)


@staff_bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    """Change an event's texts, times, places and deadline."""
    return _event_form(service.get_event_or_404(event_id))


def _event_data(event: Event) -> dict:
    reserved = service.reservations_of(event)
    return {
        "kind": event.kind, **locale_data(event.titles, "title"),
        **locale_data(event.descriptions, "description"), "starts_at": event.starts_at,
        "ends_at": event.ends_at, "venue": event.venue, "online_url": event.online_url,
        "capacity": event.capacity, "companions_allowed": event.companions_allowed,
        "rsvp_deadline": event.rsvp_deadline, "public": event.public,
        "offer_hours": event.offer_hours,
        **{f"reserved_{tier.name}": places for tier, places in reserved.items()},
    }


def _event_form(existing: Event | None):
    data = _event_data(existing) if existing is not None and request.method == "GET" else None
    form = EventForm(data=data)
    if form.validate_on_submit():
        try:
            saved = service.save_event(existing, by=current_user,
                                       reservations=form.reservations(), **form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The event has been saved."), "success")
            return redirect(url_for("events_staff.event", event_id=saved.id))
    return render_template("events/staff/event_form.html", form=form, event=existing,
                           reserved_fields=RESERVED_FIELDS), 400 if form.errors else 200


@staff_bp.route("/events/<int:event_id>")
def event(event_id: int):
    """Show an event with the figures staff follow it by, and its waiting list in order."""
    event = service.get_event_or_404(event_id)
    return render_template(
        "events/staff/event.html", event=event, counts=service.event_counts(event),
        reservations=service.reservations_of(event), waiting=service.waiting_list(event),
        history=history_of(("event", event.id)))


# -- Audiences and invitations ----------------------------------------------------------------


def _describe(audience: service.Audience, group_names: dict[int, str]) -> list[tuple]:
    """The audience's filters as (label, values) pairs, in the page's language."""
    named = {
        "group": lambda value: group_names.get(value, str(value)),
        "language": lambda value: LOCALES.get(value, value),
        "nationality": country_name,
    }
    described = []
    for field in service.AUDIENCE_FIELDS:
        values = getattr(audience, field)
        if values:
            name = named.get(field, lambda value: str(getattr(value, "label", value)))
            described.append((AUDIENCE_LABELS[field], [name(value) for value in values]))
    return described


def _query(audience: service.Audience) -> dict[str, list | str]:
    """The audience as the builder's address holds it (tags typed as one text)."""
    filters = audience.to_filters()
    if "tag" in filters:
        filters["tag"] = ", ".join(filters["tag"])
    return filters


def _already_invited(event: Event, audience: service.Audience) -> int:
    """How many people of the audience this event has invited already."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.event_id == event.id, Invitation.contact_id.in_(audience.contact_ids())))


@staff_bp.route("/events/<int:event_id>/invite", methods=["GET", "POST"])
def invite(event_id: int):
    """Build an audience from the directory, see who is in it, save it, invite it."""
    event = service.get_event_or_404(event_id)
    segment_id = request.args.get("segment", type=int)
    if segment_id is not None and request.method == "GET":
        # Starting from a saved audience: its filters go into the address, ready to change.
        audience = service.Audience.from_filters(service.get_segment_or_404(segment_id).filters)
        return redirect(url_for("events_staff.invite", event_id=event.id, **_query(audience)))
    groups = contacts.groups()
    form = AudienceForm(request.args, groups=groups)
    audience = form.audience()
    here = url_for("events_staff.invite", event_id=event.id, **_query(audience))
    segment_form, send_form = SegmentForm(), SendForm()
    status = 200
    action = request.form.get("action")
    if action == "save" and segment_form.validate_on_submit():
        try:
            segment = service.save_segment(segment_form.name.data.strip(), audience,
                                           by=current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_error(segment_form, error)
        else:
            db.session.commit()
            flash(_("The audience %(name)s has been saved.", name=segment.name), "success")
            return redirect(here)
    elif action == "send" and send_form.validate_on_submit():
        try:
            count = service.send_invitations(event, audience, by=current_user)
        except ValidationError as error:
            db.session.rollback()
            flash(error.message, "warning")
            return redirect(here)
        db.session.commit()
        if count:
            flash(ngettext("%(num)d person invited; their invitation is on its way.",
                           "%(num)d people invited; their invitations are on their way.",
                           count), "success")
        else:
            flash(_("Everyone in this audience is already invited."), "info")
        return redirect(url_for("events_staff.event", event_id=event.id))
    if request.method == "POST":
        status = 400
    group_names = {group.id: localized(group.names) for group in groups}
    chosen = not audience.is_empty
    return render_template(
        "events/staff/invite.html", event=event, form=form, audience=audience,
        described=_describe(audience, group_names), segment_form=segment_form,
        send_form=send_form, here=here, saved=service.segments(),
        size=service.audience_size(audience) if chosen else None,
        sample=service.audience_sample(audience) if chosen else [],
        already=_already_invited(event, audience) if chosen else 0,
    ), status


@staff_bp.route("/events/audiences")
def segments():
    """List the saved audiences; opened from an event, each starts its invitations."""
    event_id = request.args.get("event", type=int)
    event = service.get_event_or_404(event_id) if event_id is not None else None
    page = paginate(sa.select(Segment).order_by(Segment.name, Segment.id))
    group_names = {group.id: localized(group.names) for group in contacts.groups()}
    return render_template(
        "events/staff/segments.html", page=page, event=event,
        described={segment.id: _describe(service.Audience.from_filters(segment.filters),
                                         group_names) for segment in page.items})


# -- Guests -----------------------------------------------------------------------------------


def _back(endpoint: str, event: Event) -> str:
    """The list a POST came from, rebuilt from the parts a list address may hold."""
    given = dict(parse_qsl((request.form.get("back") or "").lstrip("?"))[:10])
    kept = {key: value for key, value in given.items() if key in LIST_ARGUMENTS}
    return url_for(endpoint, event_id=event.id, **kept)


@staff_bp.route("/events/<int:event_id>/guests")
def guests(event_id: int):
    """List an event's guests with their answers, filtered as the URL says."""
    event = service.get_event_or_404(event_id)
    form = GuestFilterForm(request.args)
    show, q = form.filters()
    page = paginate(service.guest_list(event, show=show, q=q))
    return render_template(
        "events/staff/guests.html", event=event, form=form, page=page,
        answer_form=RecordAnswerForm(formdata=None), counts=service.event_counts(event),
        back=request.query_string.decode(), query=request.args.to_dict())


@staff_bp.route("/events/<int:event_id>/guests/<int:invitation_id>/answer", methods=["POST"])
def record_answer(event_id: int, invitation_id: int):
    """Record an answer a guest gave by phone or in person."""
    event = service.get_event_or_404(event_id)
    invitation = service.get_invitation_or_404(event, invitation_id)
    form = RecordAnswerForm()
    target = _back("events_staff.guests", event)
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(_("%(field)s: %(problem)s", field=field.label.text, problem=error),
                      "warning")
        return redirect(target)
    name = _name(invitation.contact)
    try:
        result = service.answer(invitation, Answer[form.answer.data],
                                companion=form.companion.data,
                                via=AnswerChannel[form.via.data], by=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(_("The answer of %(name)s was not recorded: %(problem)s", name=name,
                problem=error.message), "warning")
        return redirect(target)
    db.session.commit()
    if result.place is Place.waiting:
        flash(_("The answer of %(name)s has been recorded. The event is full: they are on "
                "the waiting list.", name=name), "success")
    else:
        flash(_("The answer of %(name)s has been recorded.", name=name), "success")
    return redirect(target)


@staff_bp.route("/events/<int:event_id>/remind", methods=["POST"])
def remind(event_id: int):
    """Mail the invitation again to the guests who have not answered (all, or those ticked)."""
    event = service.get_event_or_404(event_id)
    form = RemindForm()
    target = _back("events_staff.guests", event)
    ticked_only = request.form.get("scope") == "ticked"
    if not form.validate_on_submit() or (ticked_only and not form.invitation.data):
        flash(_("Tick the guests to remind first."), "warning")
        return redirect(target)
    count = service.remind_unanswered(event, by=current_user,
                                      invitation_ids=form.invitation.data if ticked_only
                                      else None)
    db.session.commit()
    if count:
        flash(ngettext("A reminder is on its way to %(num)d guest.",
                       "Reminders are on their way to %(num)d guests.", count), "success")
    else:
        flash(_("Nobody to remind: these guests have all answered, or were reminded in the "
                "last hour."), "info")
    return redirect(target)


@staff_bp.route("/events/<int:event_id>/guests.csv")
def guests_csv(event_id: int):
    """Download the guest list as filtered, as CSV that spreadsheet programs read."""
    event = service.get_event_or_404(event_id)
    show, q = GuestFilterForm(request.args).filters()
    stmt = service.guest_list(event, show=show, q=q).execution_options(yield_per=500)
    output = io.BytesIO()
    for line in csv_lines(_csv_rows(db.session.execute(stmt))):
        output.write(line.encode("utf-8"))
    output.seek(0)
    filename = f"guests-{event.id}-{utcnow().astimezone(SEOUL):%Y%m%d-%H%M}.csv"
    return send_file(output, mimetype="text/csv", as_attachment=True, download_name=filename,
                     max_age=0)


def _csv_rows(rows):
    yield [_("Name"), _("Email address"), _("Organisation"), _("Position"), _("Tier"),
           _("Language"), _("Answer"), _("Place status"), _("Companion"), _("Answered"),
           _("Checked in at")]
    # Labels translated once for the file, not once per row.
    labels = {member: str(member.label) for enum in (Answer, Place) for member in enum}
    tiers = {}
    no_answer, yes = _("No answer yet"), _("Yes")
    for invitation, contact in rows:
        tier = tiers.setdefault(contact.tier, str(contact.tier.label))
        yield [_name(contact), contact.email or "", contact.organisation or "",
               contact.title or "", tier, LOCALES.get(contact.locale, contact.locale),
               labels[invitation.answer] if invitation.answer else no_answer,
               labels[invitation.place] if invitation.place else "",
               yes if invitation.companion else "", _seoul(invitation.answered_at),
               _seoul(invitation.checked_in_at)]


def _seoul(value) -> str:
    return value.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(contact: Contact) -> str:
    return f"{contact.honorific} {contact.name}" if contact.honorific else contact.name


# -- Check-in at the door ---------------------------------------------------------------------


@staff_bp.route("/events/<int:event_id>/checkin", methods=["GET", "POST"])
def checkin(event_id: int):
    """Check guests in at the door by their code, or from the list of confirmed guests."""
    event = service.get_event_or_404(event_id)
    if request.method == "POST":
        form = CheckInForm()
        if form.validate_on_submit():
            result = service.check_in(event, by=current_user, code=form.code.data)
            db.session.commit()
            if result.invitation is None:
                flash(_("No confirmed guest has this code."), "warning")
                return redirect(url_for("events_staff.checkin", event_id=event.id,
                                        code=form.code.data))
            _flash_arrival(result)
            return redirect(url_for("events_staff.checkin", event_id=event.id))
    else:
        # A scanner app opens the page with the code the QR code holds.
        form = CheckInForm(formdata=None, data={"code": request.args.get("code", "")[:40]})
    search = CheckInSearchForm(request.args)
    search.validate()
    q = (search.q.data or "").strip() if not search.q.errors else ""
    page = paginate(service.guest_list(event, show="yes", q=q or None))
    return render_template("events/staff/checkin.html", event=event, form=form, search=search,
                           page=page, counts=service.event_counts(event),
                           back=request.query_string.decode()), 400 if form.errors else 200


@staff_bp.route("/events/<int:event_id>/checkin/<int:invitation_id>", methods=["POST"])
def checkin_guest(event_id: int, invitation_id: int):
    """Check in one confirmed guest from the list."""
    event = service.get_event_or_404(event_id)
    invitation = service.get_invitation_or_404(event, invitation_id)
    result = service.check_in(event, by=current_user, invitation_id=invitation.id)
    db.session.commit()
    if result.invitation is None:
        flash(_("%(name)s has no confirmed place and cannot be checked in.",
                name=_name(invitation.contact)), "warning")
    else:
        _flash_arrival(result)
    return redirect(_back("events_staff.checkin", event))


def _flash_arrival(result: service.CheckIn) -> None:
    invitation = result.invitation
    name = _name(invitation.contact)
    if result.repeated:
        flash(_("This code was already used at %(time)s: %(name)s was checked in then. "
                "They are not counted twice.",
                time=format_time(invitation.checked_in_at, "HH:mm"), name=name), "warning")
    elif invitation.companion:
        flash(_("Checked in: %(name)s, with a companion.", name=name), "success")
    else:
        flash(_("Checked in: %(name)s.", name=name), "success")
