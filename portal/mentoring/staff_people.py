"""Staff pages for mentors: applications to decide, mentors, their checks and suspensions,
and the export of volunteer hours."""

import io
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import User
from ..audit import history_of
from ..csvfiles import csv_lines
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error
from ..paging import paginate
from . import service, staff_bp
from .models import (
    Attendance,
    ClassSession,
    KoreanLevel,
    Level,
    Mentor,
    MentorApplication,
    MentoringClass,
    Program,
    Weekday,
)
from .staff_people_forms import (
    ONLINE,
    ApplicationFilterForm,
    CheckForm,
    DecisionForm,
    HoursForm,
    MaxClassesForm,
    MentorFilterForm,
    ReinstateForm,
    SuspendForm,
    this_month,
)

BATCH = 500


def _labels() -> dict[str, dict[str, str]]:
    """The names an application holds, in the page's language, translated once a page."""
    return {key: {member.name: str(member.label) for member in enum}
            for key, enum in (("programs", Program), ("districts", District),
                              ("levels", Level), ("korean", KoreanLevel),
                              ("weekdays", Weekday))}


def _render(template: str, **context):
    return render_template(template, labels=_labels(), language_name=service.language_name,
                           **context)


# -- Applications ------------------------------------------------------------------------------


@staff_bp.route("/applications")
def applications():
    """List the applications to mentor, those waiting for a decision first and oldest first."""
    form = ApplicationFilterForm(request.args)
    status = form.chosen()
    stmt = service.applications(status).options(joinedload(MentorApplication.user))
    page = paginate(stmt)
    return _render("mentoring/staff/applications.html", form=form, page=page,
                           status=status)


def _application_page(application: MentorApplication, form: DecisionForm, status: int = 200):
    mentor = service.mentor_of(application.user)
    return _render(
        "mentoring/staff/application.html", application=application, form=form,
        mentor=mentor, history=history_of(("mentor_application", application.id)),
    ), status


@staff_bp.route("/applications/<int:application_id>")
def application(application_id: int):
    """Show everything an applicant said, the history, and the decision form."""
    application = service.get_application_or_404(application_id)
    return _application_page(application, DecisionForm(formdata=None))


@staff_bp.route("/applications/<int:application_id>/decision", methods=["POST"])
def decide(application_id: int):
    """Approve, decline or ask for more information; the applicant is told."""
    application = service.get_application_or_404(application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _application_page(application, form, 400)
    name = application.user.name
    try:
        mentor = service.review(application, form.decision.data, by=current_user,
                                message=form.message.data)
    except ValidationError as error:
        db.session.rollback()
        apply_error(form, error)
        return _application_page(application, form, 400)
    db.session.commit()
    if mentor is not None:
        flash(_("%(name)s is now a mentor.", name=name), "success")
        return redirect(url_for("mentoring_staff.mentor", mentor_id=mentor.id))
    if form.decision.data == "decline":
        flash(pgettext("mentor application",
                       "The application of %(name)s has been declined. They have been told why.",
                       name=name), "success")
    else:
        flash(_("%(name)s has been asked for more information.", name=name), "success")
    return redirect(url_for("mentoring_staff.application", application_id=application.id))


# -- Mentors -----------------------------------------------------------------------------------


def _json_has(column, *patterns: str):
    """Whether a JSON column's text holds one of ``patterns`` (a value in a list of names).

    Portable between SQLite and PostgreSQL's ``json`` type, which both keep the text as
    written; both spellings of a JSON pair are looked for.
    """
    text = sa.cast(column, sa.Text)
    return sa.or_(*(text.like(f"%{pattern}%") for pattern in patterns))


def _filtered_mentors(filters: dict[str, str], today: date) -> sa.Select:
    stmt = (service.mentors()
            .join(MentorApplication, MentorApplication.id == Mentor.application_id)
            .options(contains_eager(Mentor.application)))
    if "program" in filters:
        stmt = stmt.where(_json_has(MentorApplication.programs, f'"{filters["program"]}"'))
    if "language" in filters:
        code = filters["language"]
        stmt = stmt.where(_json_has(MentorApplication.languages, f'"code": "{code}"',
                                    f'"code":"{code}"'))
    if filters.get("district") == ONLINE:
        stmt = stmt.where(MentorApplication.online.is_(True))
    elif "district" in filters:
        stmt = stmt.where(_json_has(MentorApplication.districts, f'"{filters["district"]}"'))
    check = filters.get("check")
    if check in ("valid", "expiring"):
        stmt = stmt.where(service.check_state_is(check, today=today))
    elif check == "missing":  # the filter says "Missing or expired"
        stmt = stmt.where(sa.or_(service.check_state_is("missing", today=today),
                                 service.check_state_is("expired", today=today)))
    if filters.get("suspended") == "yes":
        stmt = stmt.where(Mentor.suspended_at.is_not(None))
    elif filters.get("suspended") == "no":
        stmt = stmt.where(Mentor.suspended_at.is_(None))
    return stmt


def _mentors_page(hours_form: HoursForm, status: int = 200):
    form = MentorFilterForm(request.args)
    filters = form.filters()
    today = service.today_in_seoul()
    page = paginate(_filtered_mentors(filters, today))
    ids = [mentor.id for mentor in page.items]
    return _render(
        "mentoring/staff/mentors.html", filters=form, page=page, hours_form=hours_form,
        form=hours_form, hours=service.volunteer_hours(ids), loads=service.mentor_loads(ids),
        checks={mentor.id: service.check_state(mentor, today=today) for mentor in page.items},
    ), status


@staff_bp.route("/mentors")
def mentors():
    """List the approved mentors, filtered as the URL says, with their load and hours."""
    first, last = this_month()
    return _mentors_page(HoursForm(formdata=None, data={"from": first, "to": last}))


def _mentor_page(mentor: Mentor, status: int = 200, **given):
    placements = service.placements_of(mentor)
    # The classes of the places in one query, not one each.
    class_ids = list({placement.class_id for placement in placements})
    classes = {c.id: c for c in db.session.scalars(
        sa.select(MentoringClass).where(MentoringClass.id.in_(class_ids)))} if class_ids else {}
    forms = {
        "check_form": CheckForm(formdata=None, prefix="check",
                                data={"checked_on": mentor.check_date,
                                      "expires_on": mentor.check_expires}),
        "max_form": MaxClassesForm(formdata=None, prefix="max",
                                   data={"max_classes": mentor.max_classes}),
        "suspend_form": SuspendForm(formdata=None, prefix="suspend"),
        "reinstate_form": ReinstateForm(formdata=None, prefix="reinstate"),
    }
    forms.update(given)
    today = service.today_in_seoul()
    return _render(
        "mentoring/staff/mentor.html", mentor=mentor, placements=placements, classes=classes,
        today=today, check=service.check_state(mentor, today=today),
        load=service.mentor_loads([mentor.id]).get(mentor.id, 0),
        hours=service.volunteer_hours([mentor.id])[mentor.id],
        history=history_of(("mentor", mentor.id)),
        form=next(iter(given.values()), None), **forms,  # the form in error titles the page
    ), status


@staff_bp.route("/mentors/<int:mentor_id>")
def mentor(mentor_id: int):
    """Show a mentor: what they offer, their classes, hours and check, and staff's actions."""
    return _mentor_page(service.get_mentor_or_404(mentor_id))


def _mentor_action(mentor_id: int, form_class, prefix: str, name: str, action):
    """Validate ``form_class``, run ``action(mentor, form)``, commit; or show the error."""
    mentor = service.get_mentor_or_404(mentor_id)
    form = form_class(prefix=prefix)
    if form.validate_on_submit():
        try:
            done = action(mentor, form)
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            done()
            return redirect(url_for("mentoring_staff.mentor", mentor_id=mentor.id))
    return _mentor_page(mentor, 400, **{name: form})


@staff_bp.route("/mentors/<int:mentor_id>/check", methods=["POST"])
def record_check(mentor_id: int):
    """Record a mentor's child-safety record check."""

    def action(mentor, form):
        service.record_check(mentor, checked_on=form.checked_on.data,
                             expires_on=form.expires_on.data, by=current_user)
        return lambda: flash(_("The child-safety check has been recorded."), "success")

    return _mentor_action(mentor_id, CheckForm, "check", "check_form", action)


@staff_bp.route("/mentors/<int:mentor_id>/max-classes", methods=["POST"])
def set_max_classes(mentor_id: int):
    """Set the most classes a mentor takes at once."""

    def action(mentor, form):
        service.set_max_classes(mentor, form.max_classes.data)
        return lambda: flash(_("The most classes at once has been changed."), "success")

    return _mentor_action(mentor_id, MaxClassesForm, "max", "max_form", action)


@staff_bp.route("/mentors/<int:mentor_id>/suspend", methods=["POST"])
def suspend(mentor_id: int):
    """Suspend a mentor: their places in classes still running are released."""

    def action(mentor, form):
        released = service.suspend(mentor, by=current_user, reason=form.reason.data)
        return lambda: flash(ngettext(
            "The mentor has been suspended. %(num)d place was released.",
            "The mentor has been suspended. %(num)d places were released.", released),
            "success")

    return _mentor_action(mentor_id, SuspendForm, "suspend", "suspend_form", action)


@staff_bp.route("/mentors/<int:mentor_id>/reinstate", methods=["POST"])
def reinstate(mentor_id: int):
    """Lift a mentor's suspension (the places released are not given back)."""

    def action(mentor, form):
        service.reinstate(mentor, by=current_user)
        return lambda: flash(_("The mentor has been reinstated."), "success")

    return _mentor_action(mentor_id, ReinstateForm, "reinstate", "reinstate_form", action)


# -- Volunteer hours ---------------------------------------------------------------------------


@staff_bp.route("/hours.csv")
def hours_csv():
    """Download each mentor's volunteer hours in a period, as CSV that spreadsheets read."""
    form = HoursForm(request.args)
    period = form.period()
    if period is None:
        return _mentors_page(form, 400)
    start, end = period
    output = io.BytesIO()
    for line in csv_lines(_hours_rows(start, end)):
        output.write(line.encode("utf-8"))
    output.seek(0)
    filename = f"mentor-hours-{start:%Y%m%d}-{end:%Y%m%d}.csv"
    return send_file(output, mimetype="text/csv", as_attachment=True, download_name=filename,
                     max_age=0)


def _sessions_attended(ids: list[int], start: date, end: date) -> dict[int, int]:
    """How many sessions each mentor was recorded present at in the period (as hours are)."""
    rows = db.session.execute(
        sa.select(Attendance.mentor_id, sa.func.count())
        .join(ClassSession, ClassSession.id == Attendance.session_id)
        .where(Attendance.mentor_id.in_(ids), Attendance.present,
               ClassSession.starts_at >= service.seoul_datetime(start, time()),
               ClassSession.starts_at < service.seoul_datetime(end + timedelta(days=1), time()))
        .group_by(Attendance.mentor_id))
    return dict(rows.all())


def _hours_rows(start: date, end: date):
    yield [_("Name"), _("Email address"), _("Programs"), _("Volunteer hours"),
           _("Sessions attended")]
    programs = {member.name: str(member.label) for member in Program}
    stmt = (sa.select(Mentor.id, User.name, User.email, MentorApplication.programs)
            .join(User, User.id == Mentor.user_id)
            .join(MentorApplication, MentorApplication.id == Mentor.application_id)
            .order_by(User.name, Mentor.id))
    rows = db.session.execute(stmt).all()
    for offset in range(0, len(rows), BATCH):
        batch = rows[offset:offset + BATCH]
        ids = [row[0] for row in batch]
        hours = service.volunteer_hours(ids, start=start, end=end)
        sessions = _sessions_attended(ids, start, end)
        for mentor_id, name, email, chosen in batch:
            yield [name, email, "; ".join(programs.get(p, p) for p in chosen or []),
                   f"{hours.get(mentor_id, 0.0):.2f}", sessions.get(mentor_id, 0)]
