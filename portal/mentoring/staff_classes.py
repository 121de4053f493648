"""Staff pages for classes: the class form, sessions, places, suggestions, families, attendance."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from ..audit import history_of
from ..columns import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..forms import apply_error, locale_data
from ..paging import paginate
from . import service, staff_bp
from .models import (
    Attendance,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    MentoringClass,
    Placement,
    PlaceStatus,
    Program,
)
from .staff_class_forms import ActionForm, AttendanceForm, ClassForm, MoveSessionForm

# -- The list of classes -----------------------------------------------------------------------


@staff_bp.route("/classes")
def classes():
    """List the running classes (or the ended ones) with their places taken and waiting."""
    past = request.args.get("past") == "1"
    program = Program.__members__.get(request.args.get("program") or "")
    page = paginate(service.classes(program=program, past=past))
    return render_template("mentoring/staff/classes.html", page=page, past=past,
                           program=program, programs=list(Program),
                           language_name=service.language_name,
                           counts=_place_counts([c.id for c in page.items]))


def _place_counts(class_ids: list[int]) -> dict[int, dict[str, int]]:
    """Mentor places and learner places, confirmed and waiting, per class, in one query."""
    counts = {class_id: {"mentors": 0, "mentors_waiting": 0, "learners": 0,
                         "learners_waiting": 0, "requests": 0} for class_id in class_ids}
    if not class_ids:
        return counts
    mentors = (sa.select(Placement.class_id, sa.literal("mentor").label("who"),
                         sa.type_coerce(Placement.status, sa.String).label("status"),
                         sa.func.count().label("number"))
               .where(Placement.class_id.in_(class_ids))
               .group_by(Placement.class_id, Placement.status))
    learners = (sa.select(Enrolment.class_id, sa.literal("learner").label("who"),
                          sa.type_coerce(Enrolment.status, sa.String).label("status"),
                          sa.func.count().label("number"))
                .where(Enrolment.class_id.in_(class_ids))
                .group_by(Enrolment.class_id, Enrolment.status))
    keys = {("mentor", PlaceStatus.confirmed.name): "mentors",
            ("mentor", PlaceStatus.waiting.name): "mentors_waiting",
            ("learner", EnrolmentStatus.confirmed.name): "learners",
            ("learner", EnrolmentStatus.waiting.name): "learners_waiting",
            ("learner", EnrolmentStatus.requested.name): "requests"}
    # Statuses read as the names stored: the two enums share no type.
    for class_id, who, status, number in db.session.execute(sa.union_all(mentors, learners)):
        key = keys.get((who, status))
        if key is not None:
            counts[class_id][key] = int(number)
    return counts


# -- The class form ----------------------------------------------------------------------------


@staff_bp.route("/classes/new", methods=["GET", "POST"])
def new_class():
    """Add a class; its sessions are made from its weekly schedule."""
    return _class_form(None)


@staff_bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
def edit_class(class_id: int):
    """Change a class; sessions still to come follow a changed schedule."""
    return _class_form(service.get_class_or_404(class_id))


def _class_data(mentoring_class: MentoringClass) -> dict:
    return {
        "program": mentoring_class.program, "language": mentoring_class.language,
        "level": mentoring_class.level, **locale_data(mentoring_class.titles, "title"),
        **locale_data(mentoring_class.descriptions, "description"),
        "district": mentoring_class.district, "address": mentoring_class.address,
        "online": mentoring_class.online, "weekday": mentoring_class.weekday,
        "start_time": mentoring_class.start_time, "end_time": mentoring_class.end_time,
        "first_date": mentoring_class.first_date, "last_date": mentoring_class.last_date,
        "learner_capacity": mentoring_class.learner_capacity,
        "mentor_places": mentoring_class.mentor_places, "children": mentoring_class.children,
    }


def _class_form(existing: MentoringClass | None):
    data = _class_data(existing) if existing is not None and request.method == "GET" else None
    form = ClassForm(data=data)
    if form.validate_on_submit():
        try:
            saved = service.save_class(existing, by=current_user, **form.values())
        except ValidationError as error:
            db.session.rollback()
            apply_error(form, error)
        else:
            db.session.commit()
            flash(_("The class has been saved."), "success")
            return redirect(url_for("mentoring_staff.class_detail", class_id=saved.id))
    return render_template("mentoring/staff/class_form.html", form=form,
                           mentoring_class=existing), 400 if form.errors else 200


# -- A class: sessions, mentors, suggestions, families ---------------------------------------


@staff_bp.route("/classes/<int:class_id>")
def class_detail(class_id: int):
    """Show a class: its sessions, its mentors and waiting list, suggested mentors, families."""
    return _class_page(service.get_class_or_404(class_id))


def _class_page(mentoring_class: MentoringClass, *, move_form: MoveSessionForm | None = None,
                moving: int | None = None):
    """The class page; ``move_form`` is a refused move of session ``moving``, shown open."""
    sessions = db.session.scalars(service.sessions_of(mentoring_class)).all()
    places = service.places_of(mentoring_class)
    enrolments = service.enrolments_in(mentoring_class)
    full = (sum(p.status is PlaceStatus.confirmed for p in places)
            >= mentoring_class.mentor_places)
    learners = sum(e.status is EnrolmentStatus.confirmed for e in enrolments)
    return render_template(
        "mentoring/staff/class.html", mentoring_class=mentoring_class, sessions=sessions,
        places=places, enrolments=enrolments, full=full, learners=learners,
        suggestions=service.suggested_mentors(mentoring_class),
        history=history_of(("mentoring_class", mentoring_class.id)),
        move_form=move_form or MoveSessionForm(formdata=None), moving=moving, form=move_form,
        now=utcnow(), seoul=service.SEOUL,
        language=service.language_name(mentoring_class.language)), 400 if move_form else 200


def _back_to(mentoring_class: MentoringClass, anchor: str):
    return redirect(url_for("mentoring_staff.class_detail", class_id=mentoring_class.id,
                            _anchor=anchor))


def _refused(form) -> bool:
    """Whether a button's form failed its checks (each problem flashed as a warning)."""
    if form.validate_on_submit():
        return False
    for field in form:
        for error in field.errors:
            flash(error if field.type == "CSRFTokenField" else
                  _("%(field)s: %(problem)s", field=field.label.text, problem=error), "warning")
    return True


@staff_bp.route("/classes/<int:class_id>/sessions/<int:session_id>/cancel", methods=["POST"])
def cancel_session(class_id: int, session_id: int):
    """Cancel one session and tell the mentors and families of the class."""
    mentoring_class = service.get_class_or_404(class_id)
    session = service.get_session_or_404(mentoring_class, session_id)
    if _refused(ActionForm()):
        return _back_to(mentoring_class, "sessions")
    try:
        service.cancel_session(session, by=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return _back_to(mentoring_class, "sessions")
    db.session.commit()
    flash(_("The session of %(when)s is cancelled; the mentors and families have been told.",
            when=_when(session)), "success")
    return _back_to(mentoring_class, "sessions")


@staff_bp.route("/classes/<int:class_id>/sessions/<int:session_id>/move", methods=["POST"])
def move_session(class_id: int, session_id: int):
    """Move one session to another date or time (Seoul) and tell those concerned."""
    mentoring_class = service.get_class_or_404(class_id)
    session = service.get_session_or_404(mentoring_class, session_id)
    form = MoveSessionForm(session_id=session.id)
    if form.validate_on_submit():
        before = _when(session)
        try:
            service.move_session(
                session, starts_at=service.seoul_datetime(form.day.data, form.start.data),
                ends_at=service.seoul_datetime(form.day.data, form.end.data), by=current_user)
        except ValidationError as error:
            db.session.rollback()
            form.show_error(error)
        else:
            db.session.commit()
            flash(_("The session of %(before)s now meets %(when)s; the mentors and families "
                    "have been told.", before=before, when=_when(session)), "success")
            return _back_to(mentoring_class, "sessions")
    return _class_page(mentoring_class, move_form=form, moving=session.id)


def _when(session: ClassSession) -> str:
    from ..i18n import format_time_range

    return format_time_range(session.starts_at, session.ends_at)


@staff_bp.route("/classes/<int:class_id>/assign/<int:mentor_id>", methods=["POST"])
def assign(class_id: int, mentor_id: int):
    """Give a mentor a place in the class (an assignment never waits: a full class refuses)."""
    mentoring_class = service.get_class_or_404(class_id)
    mentor = service.get_mentor_or_404(mentor_id)
    if _refused(ActionForm()):
        return _back_to(mentoring_class, "suggestions")
    name = mentor.user.name
    try:
        service.take_place(mentor, mentoring_class, by=current_user)
    except ValidationError as error:
        db.session.rollback()
        flash(_("%(name)s was not assigned: %(problem)s", name=name, problem=error.message),
              "warning")
        return _back_to(mentoring_class, "suggestions")
    db.session.commit()
    flash(_("%(name)s has a mentor place in this class and has been told.", name=name),
          "success")
    return _back_to(mentoring_class, "mentors")


@staff_bp.route("/classes/<int:class_id>/enrolments/<int:enrolment_id>", methods=["POST"])
def decide_enrolment(class_id: int, enrolment_id: int):
    """Confirm a family's request (a place, or the waiting list when full) or decline it."""
    mentoring_class = service.get_class_or_404(class_id)
    enrolment = service.get_enrolment_or_404(mentoring_class, enrolment_id)
    decision = request.form.get("decision")
    if _refused(ActionForm()):
        return _back_to(mentoring_class, "families")
    if decision not in ("confirm", "decline"):
        flash(pgettext("class place request", "Choose to confirm or to decline the request."),
              "warning")
        return _back_to(mentoring_class, "families")
    service.decide_enrolment(enrolment, confirm=decision == "confirm", by=current_user)
    db.session.commit()
    name = enrolment.learner_name
    if enrolment.status is EnrolmentStatus.confirmed:
        flash(_("%(name)s has a place in this class; the family has been told.", name=name),
              "success")
    elif enrolment.status is EnrolmentStatus.waiting:
        flash(_("The class is full: %(name)s is on the waiting list; the family has been told.",
                name=name), "success")
    else:
        flash(pgettext("class place request",
                       "The request for %(name)s has been declined; the family has been told.",
                       name=name), "success")
    return _back_to(mentoring_class, "families")


# -- Attendance --------------------------------------------------------------------------------


@staff_bp.route("/classes/<int:class_id>/sessions/<int:session_id>", methods=["GET", "POST"])
def session(class_id: int, session_id: int):
    """Record who came to a session: the class's confirmed mentors and learners."""
    mentoring_class = service.get_class_or_404(class_id)
    class_session = service.get_session_or_404(mentoring_class, session_id)
    form = AttendanceForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                service.record_attendance(class_session, mentors_present=form.mentor.data,
                                          learners_present=form.learner.data, by=current_user)
            except ValidationError as error:
                db.session.rollback()
                apply_error(form, error)
            else:
                db.session.commit()
                flash(_("Attendance has been recorded."), "success")
                return redirect(url_for("mentoring_staff.session", class_id=mentoring_class.id,
                                        session_id=class_session.id))
        status = 400
    places = [p for p in service.places_of(mentoring_class)
              if p.status is PlaceStatus.confirmed]
    enrolments = [e for e in service.enrolments_in(mentoring_class)
                  if e.status is EnrolmentStatus.confirmed]
    if request.method == "POST":
        present = {"mentors": set(form.mentor.data or ()),
                   "learners": set(form.learner.data or ())}
    else:
        present = service.attendance_of(class_session)
    recorded = db.session.scalar(sa.select(sa.exists().where(
        Attendance.session_id == class_session.id)))
    return render_template(
        "mentoring/staff/session.html", mentoring_class=mentoring_class,
        class_session=class_session, form=form, places=places, enrolments=enrolments,
        present=present, recorded=bool(recorded),
        started=class_session.starts_at <= utcnow()), status
