"""Residents' mentoring pages: the application, the mentor's classes, families' places."""

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.guards import confirmed_required
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..i18n import current_lang
from ..paging import paginate
from . import bp, calendar_bp, service
from .calendar import sessions_ics as calendar_file
from .forms import ApplicationForm, EnrolmentForm, MaxClassesForm, application_data
from .models import ApplicationStatus, Enrolment, MentoringClass, PlaceStatus
from .tokens import calendar_token, read_calendar_token

UPCOMING_ON_CLASS_PAGE = 10


def _active_mentor():
    """The signed-in person's mentor record, if approved and not suspended."""
    mentor = service.mentor_of(current_user)
    return mentor if mentor is not None and mentor.suspended_at is None else None


def _render_home(settings_form: MaxClassesForm | None = None, status: int = 200):
    application = service.application_of(current_user)
    mentor = service.mentor_of(current_user)
    context = {"application": application, "mentor": mentor, "settings_form": settings_form,
               "max_limit": service.MAX_CLASSES_LIMIT}
    if mentor is not None:
        placements = service.placements_of(mentor)
        sessions = service.upcoming_sessions_of(mentor, limit=10)
        context.update(
            placements=placements, sessions=sessions,
            hours=service.volunteer_hours([mentor.id])[mentor.id],
            check_state=service.check_state(mentor),
            feed=url_for("mentoring_calendar.feed", token=calendar_token(mentor.id),
                         _external=True),
        )
        if settings_form is None:
            context["settings_form"] = MaxClassesForm(prefix="settings",
                                                      data={"max_classes": mentor.max_classes})
    enrolments = service.enrolments_of(current_user)
    context["enrolments"] = enrolments
    context["form"] = settings_form  # a form with errors puts "Error:" in the title
    return render_template("mentoring/home.html", **context), status


@bp.route("/")
@login_required
def home():
    """Show the person's mentoring: their application, places, sessions and family requests."""
    return _render_home()


@bp.route("/settings", methods=["POST"])
@login_required
def settings():
    """Set the most classes the mentor takes at once."""
    mentor = service.mentor_of(current_user)
    if mentor is None:
        abort(404)
    form = MaxClassesForm(prefix="settings")
    if form.validate_on_submit():
        try:
            service.set_max_classes(mentor, form.max_classes.data)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your settings have been saved."), "success")
            return redirect(url_for("mentoring.home"))
    return _render_home(settings_form=form, status=400)


# -- The application ---------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
@confirmed_required
def apply():
    """Fill in, save as a draft and send the application to mentor."""
    application = service.application_of(current_user)
    if application is not None and application.status in (ApplicationStatus.submitted,
                                                          ApplicationStatus.approved):
        flash(_("Your application has already been sent. You can change it again if the city "
                "asks you to."), "warning")
        return redirect(url_for("mentoring.home"))
    form = ApplicationForm(data=application_data(application) if request.method == "GET"
                           else None)
    if request.method == "GET":
        return render_template("mentoring/apply.html", form=form, application=application)
    submit = request.form.get("action") == "send"
    if form.validate_on_submit():
        try:
            service.save_application(current_user, submit=submit, **form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            if submit:
                flash(_("Thank you. Your application has been sent. We will tell you of the "
                        "city’s decision by email and on this portal."), "success")
                return redirect(url_for("mentoring.home"))
            flash(_("Your draft has been saved. You can come back to it at any time."),
                  "success")
            return redirect(url_for("mentoring.apply"))
    return render_template("mentoring/apply.html", form=form, application=application), 400


# -- Classes -----------------------------------------------------------------------------------


@bp.route("/classes")
@login_required
def classes():
    """Classes that fit an approved mentor, or the running classes for families."""
    mentor = _active_mentor()
    if mentor is not None:
        suitable = service.classes_for(mentor)
        held = {p.class_id: p.status for p in service.placements_of(mentor)}
        return render_template("mentoring/classes.html", mentor=mentor, suitable=suitable,
                               held=held, page=None, language_name=service.language_name)
    return render_template("mentoring/classes.html", mentor=None, suitable=None, held={},
                           page=paginate(service.classes()),
                           language_name=service.language_name)


def _render_class(mentoring_class: MentoringClass, enrol_form: EnrolmentForm | None = None,
                  status: int = 200):
    sessions = db.session.scalars(service.sessions_of(mentoring_class, upcoming_only=True)
                                  .limit(UPCOMING_ON_CLASS_PAGE)).all()
    mentor = service.mentor_of(current_user)
    placement = refusal = None
    if mentor is not None:
        placement = service.placement_of(mentor, mentoring_class)
        if placement is None:
            refusal = service.refusal(mentor, mentoring_class)
    places = service.places_of(mentoring_class)
    taken = sum(1 for p in places if p.status is PlaceStatus.confirmed)
    requests = [e for e in service.enrolments_of(current_user)
                if e.class_id == mentoring_class.id]
    ended = mentoring_class.last_date < service.today_in_seoul()
    return render_template(
        "mentoring/class_detail.html", mentoring_class=mentoring_class, sessions=sessions,
        mentor=mentor, placement=placement, refusal=refusal,
        free=max(mentoring_class.mentor_places - taken, 0), requests=requests, ended=ended,
        enrol_form=enrol_form or EnrolmentForm(prefix="enrol"), form=enrol_form,
        language_name=service.language_name,
        withdraw_before=service.WITHDRAW_BEFORE // timedelta(hours=1),
    ), status


@bp.route("/classes/<int:class_id>")
@login_required
def class_detail(class_id: int):
    """A class: what it teaches, when and where, and how to take part."""
    return _render_class(service.get_class_or_404(class_id))


@bp.route("/classes/<int:class_id>/place", methods=["POST"])
@confirmed_required
def take_place(class_id: int):
    """Take a mentor place in a class, or a turn on its waiting list."""
    mentoring_class = service.get_class_or_404(class_id)
    back = redirect(url_for("mentoring.class_detail", class_id=class_id))
    mentor = service.mentor_of(current_user)
    if mentor is None:
        flash(_("Only approved mentors can take places in classes. Apply to mentor first."),
              "warning")
        return back
    try:
        placement = service.take_place(mentor, mentoring_class)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return back
    db.session.commit()
    if placement.status is PlaceStatus.confirmed:
        flash(_("You have a mentor place in this class. Its sessions are now in your "
                "calendar."), "success")
    else:
        flash(_("Every mentor place is taken: you are on the waiting list. We will tell you "
                "if a place becomes free."), "success")
    return back


@bp.route("/classes/<int:class_id>/withdraw", methods=["POST"])
@login_required
def withdraw(class_id: int):
    """Give up a mentor place, or leave the waiting list."""
    mentoring_class = service.get_class_or_404(class_id)
    mentor = service.mentor_of(current_user)
    if mentor is None:
        abort(404)
    try:
        service.withdraw(mentor, mentoring_class)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "warning")
    else:
        db.session.commit()
        flash(_("You have withdrawn from this class."), "success")
    return redirect(url_for("mentoring.class_detail", class_id=class_id))


@bp.route("/classes/<int:class_id>/enrol", methods=["POST"])
@confirmed_required
def enrol(class_id: int):
    """Ask for a learner's place in a class, for oneself or one's child."""
    mentoring_class = service.get_class_or_404(class_id)
    form = EnrolmentForm(prefix="enrol")
    if form.validate_on_submit():
        try:
            service.request_enrolment(current_user, mentoring_class,
                                      learner_name=form.learner_name.data,
                                      child=bool(form.child.data))
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("Your request has been sent. The city will confirm the place, and we will "
                    "tell you."), "success")
            return redirect(url_for("mentoring.class_detail", class_id=class_id))
    return _render_class(mentoring_class, enrol_form=form, status=400)


@bp.route("/enrolments/<int:enrolment_id>/cancel", methods=["POST"])
@login_required
def cancel_enrolment(enrolment_id: int):
    """Withdraw a family's request or give up its place."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.user_id != current_user.id:
        abort(404)
    service.cancel_enrolment(enrolment)
    db.session.commit()
    flash(_("The request has been cancelled."), "success")
    return redirect(url_for("mentoring.home", _anchor="family"))


# -- Calendars ---------------------------------------------------------------------------------


def _ics_response(body: bytes, **headers) -> Response:
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.route("/sessions.ics")
@login_required
def sessions_ics():
    """Download the mentor's sessions as a calendar file."""
    mentor = service.mentor_of(current_user)
    if mentor is None:
        abort(404)
    body = calendar_file(service.sessions_for_calendar(mentor.id), current_lang(),
                         name=_("My mentoring sessions"))
    return _ics_response(body, **{
        "Content-Disposition": 'attachment; filename="mentoring-sessions.ics"'})


@calendar_bp.route("/<token>.ics")
def feed(token: str):
    """A mentor's private feed of their sessions, for a calendar app to subscribe to."""
    mentor_id = read_calendar_token(token)
    mentor = service.get_mentor_or_404(mentor_id) if mentor_id is not None else abort(404)
    lang = mentor.user.locale or "en"
    with force_locale(lang):
        name = _("My mentoring sessions")
        body = calendar_file(service.sessions_for_calendar(mentor.id), lang, name=name)
    return _ics_response(body, **{"Cache-Control": "private, max-age=300"})
