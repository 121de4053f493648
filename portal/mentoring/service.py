"""The rules of mentoring: applications and their review, mentors, classes and their sessions,
mentor places and waiting lists, families' places, attendance and volunteer hours.

Places are guarded by a locked read: taking, leaving or assigning a place first locks the
class's row (``FOR UPDATE`` on PostgreSQL; on SQLite every writing transaction holds the write
lock from ``BEGIN IMMEDIATE``), then counts. Two mentors taking the last place at once are
served one after the other.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, contains_eager, joinedload

from ..accounts.models import User
from ..audit import audit
from ..columns import utcnow
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..i18n import localized
from ..notifications.service import notify
from .models import (
    PROGRAM_LANGUAGES,
    SPOKEN_LANGUAGES,
    ApplicationStatus,
    Attendance,
    ClassSession,
    Enrolment,
    EnrolmentStatus,
    KoreanLevel,
    Level,
    Mentor,
    MentorApplication,
    MentoringClass,
    Placement,
    PlaceStatus,
    Program,
    Weekday,
)

SEOUL = ZoneInfo("Asia/Seoul")
WITHDRAW_BEFORE = timedelta(hours=48)
CHECK_WARNING = timedelta(days=30)
MAX_CLASSES_LIMIT = 10
EDITABLE = (ApplicationStatus.draft, ApplicationStatus.more_information)


def seoul_datetime(day: date, at: time) -> datetime:
    """A Seoul wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=SEOUL).astimezone(UTC)


def today_in_seoul() -> date:
    return utcnow().astimezone(SEOUL).date()


# -- Applications ------------------------------------------------------------------------------


def application_of(user: User) -> MentorApplication | None:
    """The person's latest application."""
    return db.session.scalar(sa.select(MentorApplication).where(
        MentorApplication.user_id == user.id).order_by(MentorApplication.id.desc()).limit(1))


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def check_availability(ranges: list[dict[str, str]]) -> None:
    """Each range ends after it starts; two ranges of one day do not overlap."""
    by_day: dict[str, list[tuple[time, time]]] = {}
    for index, item in enumerate(ranges):
        if item.get("day") not in Weekday.__members__:
            raise ValidationError("availability", _("Choose a day for each time range."))
        start, end = _clock(item["start"]), _clock(item["end"])
        if end <= start:
            raise ValidationError("availability", _(
                "Time range %(number)s ends before it starts.", number=index + 1))
        by_day.setdefault(item["day"], []).append((start, end))
    for day, spans in by_day.items():
        spans.sort()
        for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
            if next_start < end:
                raise ValidationError("availability", _(
                    "Two time ranges on %(day)s overlap. Join them into one.",
                    day=Weekday[day].label))


def _check_complete(values: dict[str, Any]) -> None:
    """What a submitted application must hold (a draft may still miss it)."""
    if not values["programs"]:
        raise ValidationError("programs", _("Choose at least one program."))
    if not values["languages"]:
        raise ValidationError("languages", _("Add at least one language you speak."))
    if not values["districts"] and not values["online"]:
        raise ValidationError("districts", _(
            "Choose the districts you can reach, or say that you can mentor online."))
    if not values["availability"]:
        raise ValidationError("availability", _("Add at least one time when you are free."))
    if values["korean_level"] is None:
        raise ValidationError("korean_level", _("Choose your Korean level."))
    if not values["motivation"].strip():
        raise ValidationError("motivation", _("Tell us why you would like to mentor."))
    if not values["code_accepted"]:
        raise ValidationError("code_accepted", _(
            "You must agree to the mentor code of conduct to apply."))
    if Program.native_language.name in values["programs"]:
        taught = PROGRAM_LANGUAGES[Program.native_language]
        if not any(item["code"] in taught and item["level"] in ("native", "c2", "c1")
                   for item in values["languages"]):
            raise ValidationError("languages", _(
                "To mentor in the parents’ native language program, add a language the "
                "program teaches that you speak at level C1 or above."))


def save_application(user: User, *, submit: bool, **values: Any) -> MentorApplication:
    """Save the person's application as a draft, or submit it once it is complete.

    ``values``: programs (names), languages ([{"code", "level"}]), korean_level, districts
    (names), online, availability ([{"day", "start", "end"}]), experience, motivation,
    code_accepted.
    """
    application = application_of(user)
    if application is not None and application.status not in EDITABLE:
        if application.status is not ApplicationStatus.declined:
            raise ValidationError(None, _("Your application has already been sent. You can "
                                          "change it again if the city asks you to."))
        application = None  # declined: a new application starts
    for item in values["languages"]:
        if item["code"] not in SPOKEN_LANGUAGES or item["level"] not in Level.__members__:
            raise ValidationError("languages", _("Choose a language and a level from the "
                                                 "lists."))
    codes = [item["code"] for item in values["languages"]]
    if len(codes) != len(set(codes)):
        raise ValidationError("languages", _("Each language can be given only once."))
    check_availability(values["availability"])
    if submit:
        _check_complete(values)
    if application is None:
        application = MentorApplication(user_id=user.id)
        db.session.add(application)
    application.programs = list(values["programs"])
    application.languages = list(values["languages"])
    application.korean_level = values["korean_level"]
    application.districts = list(values["districts"])
    application.online = bool(values["online"])
    application.availability = list(values["availability"])
    application.experience = values["experience"] or ""
    application.motivation = values["motivation"] or ""
    if values["code_accepted"] and application.code_accepted_at is None:
        application.code_accepted_at = utcnow()
    if submit:
        application.status = ApplicationStatus.submitted
        application.submitted_at = utcnow()
    db.session.flush()
    return application


def applications(status: ApplicationStatus | None = None) -> sa.Select:
    """Applications for staff, the oldest waiting first."""
    stmt = sa.select(MentorApplication).where(
        MentorApplication.status != ApplicationStatus.draft)
    if status is not None:
        stmt = stmt.where(MentorApplication.status == status)
    return stmt.order_by(MentorApplication.submitted_at, MentorApplication.id)


def get_application_or_404(application_id: int) -> MentorApplication:
    application = db.session.get(MentorApplication, application_id)
    if application is None or application.status is ApplicationStatus.draft:
        abort(404)  # a draft is the applicant's alone
    return application


DECISIONS = ("approve", "decline", "ask")


def review(application: MentorApplication, decision: str, *, by: User,
           message: str | None = None) -> Mentor | None:
    """Approve, decline (with a reason) or ask for more information; tell the applicant."""
    if application.status is not ApplicationStatus.submitted:
        raise ValidationError(None, _("Only a submitted application can be decided."))
    message = (message or "").strip() or None
    now = utcnow()
    mentor = None
    if decision == "approve":
        application.status = ApplicationStatus.approved
        mentor = db.session.scalar(sa.select(Mentor).where(
            Mentor.user_id == application.user_id))
        if mentor is None:
            mentor = Mentor(user_id=application.user_id, application_id=application.id)
            db.session.add(mentor)
        else:  # approved again after a new application: it now describes them
            mentor.application_id = application.id
            mentor.suspended_at = None
    elif decision in ("decline", "ask"):
        if message is None:
            raise ValidationError("message", _("Write the reason for the applicant.")
                                  if decision == "decline" else
                                  _("Write what the applicant should add."))
        application.status = (ApplicationStatus.declined if decision == "decline"
                              else ApplicationStatus.more_information)
    else:
        raise ValidationError(None, _("Choose a decision."))
    application.staff_message = message
    application.decided_at = now
    application.decided_by_id = by.id
    db.session.flush()
    audit(f"mentoring.{decision}", actor=by, obj_type="mentor_application",
          obj_id=application.id, after={"status": application.status.name})
    notify(application.user, "mentoring.application", obj_type="mentor_application",
           obj_id=application.id, params={"status": application.status.name})
    return mentor


# -- Mentors -----------------------------------------------------------------------------------


def mentor_of(user: User) -> Mentor | None:
    return db.session.scalar(sa.select(Mentor).where(Mentor.user_id == user.id))


def get_mentor_or_404(mentor_id: int) -> Mentor:
    return db.session.get(Mentor, mentor_id) or abort(404)


def mentors() -> sa.Select:
    return (sa.select(Mentor).join(User, User.id == Mentor.user_id)
            .options(contains_eager(Mentor.user)).order_by(User.name, Mentor.id))


def check_valid(mentor: Mentor, until: date) -> bool:
    """Whether the child-safety record check covers every day up to ``until``."""
    return (mentor.check_date is not None and mentor.check_expires is not None
            and mentor.check_expires >= until)


def check_state(mentor: Mentor, *, today: date | None = None) -> str:
    """The child-safety check as staff and the mentor read it: missing, expired, expiring
    (within 30 days) or valid."""
    today = today or today_in_seoul()
    if mentor.check_date is None or mentor.check_expires is None:
        return "missing"
    if mentor.check_expires < today:
        return "expired"
    if mentor.check_expires <= today + CHECK_WARNING:
        return "expiring"
    return "valid"


def check_state_is(state: str, *, today: date | None = None) -> sa.ColumnElement[bool]:
    """The mentors whose check ``check_state`` says is in ``state``, as a SQL condition."""
    today = today or today_in_seoul()
    recorded = sa.and_(Mentor.check_date.is_not(None), Mentor.check_expires.is_not(None))
    conditions = {
        "missing": sa.not_(recorded),
        "expired": sa.and_(recorded, Mentor.check_expires < today),
        "expiring": sa.and_(recorded, Mentor.check_expires >= today,
                            Mentor.check_expires <= today + CHECK_WARNING),
        "valid": sa.and_(recorded, Mentor.check_expires > today + CHECK_WARNING),
    }
    return conditions[state]


def record_check(mentor: Mentor, *, checked_on: date, expires_on: date, by: User) -> None:
    if expires_on <= checked_on:
        raise ValidationError("expires_on", _("The check must expire after the date it was "
                                              "made."))
    if checked_on > today_in_seoul():
        raise ValidationError("checked_on", _("The date of the check cannot be in the "
                                              "future."))
    mentor.check_date, mentor.check_expires = checked_on, expires_on
    mentor.check_reminded_at = None
    audit("mentoring.check", actor=by, obj_type="mentor", obj_id=mentor.id,
          after={"checked_on": checked_on.isoformat(), "expires_on": expires_on.isoformat()})


def set_max_classes(mentor: Mentor, max_classes: int) -> None:
    if not 1 <= max_classes <= MAX_CLASSES_LIMIT:
        raise ValidationError("max_classes", _("Choose between 1 and %(most)s classes.",
                                               most=MAX_CLASSES_LIMIT))
    mentor.max_classes = max_classes


def suspend(mentor: Mentor, *, by: User, reason: str) -> int:
    """Suspend a mentor: their places in classes still running are released and the staff
    who run those classes are told. Returns how many places were released."""
    if not reason.strip():
        raise ValidationError("reason", _("Write the reason for the suspension."))
    mentor.suspended_at = utcnow()
    mentor.suspension_reason = reason.strip()
    released = 0
    for placement in db.session.scalars(
        sa.select(Placement).join(MentoringClass, MentoringClass.id == Placement.class_id)
        .where(Placement.mentor_id == mentor.id, MentoringClass.last_date >= today_in_seoul())
    ).all():
        mentoring_class = lock_class(placement.mentoring_class)
        was_confirmed = placement.status is PlaceStatus.confirmed
        db.session.delete(placement)
        db.session.flush()
        released += 1
        if was_confirmed:
            fill_freed_place(mentoring_class)
            if mentoring_class.created_by_id is not None:
                coordinator = db.session.get(User, mentoring_class.created_by_id)
                if coordinator is not None:
                    notify(coordinator, "mentoring.mentor_left", obj_type="mentoring_class",
                           obj_id=mentoring_class.id,
                           params={"mentor": mentor.user.name, "class": mentoring_class.id})
    audit("mentoring.suspend", actor=by, obj_type="mentor", obj_id=mentor.id,
          after={"reason": mentor.suspension_reason, "released": released})
    notify(mentor.user, "mentoring.suspended", obj_type="mentor", obj_id=mentor.id)
    return released


def reinstate(mentor: Mentor, *, by: User) -> None:
    if mentor.suspended_at is None:
        return
    mentor.suspended_at = None
    mentor.suspension_reason = None
    audit("mentoring.reinstate", actor=by, obj_type="mentor", obj_id=mentor.id)


def remind_expiring_checks(*, today: date | None = None) -> int:
    """Tell mentors whose child-safety check ends within 30 days to renew it, once."""
    today = today or today_in_seoul()
    due = db.session.scalars(sa.select(Mentor).where(
        Mentor.check_expires.is_not(None), Mentor.check_expires <= today + CHECK_WARNING,
        Mentor.check_reminded_at.is_(None), Mentor.suspended_at.is_(None))).all()
    for mentor in due:
        notify(mentor.user, "mentoring.check_expiring", obj_type="mentor", obj_id=mentor.id,
               params={"expires": mentor.check_expires.isoformat()})
        mentor.check_reminded_at = utcnow()
    return len(due)


# -- Classes and sessions ----------------------------------------------------------------------


def get_class_or_404(class_id: int) -> MentoringClass:
    return db.session.get(MentoringClass, class_id) or abort(404)


def class_title(mentoring_class: MentoringClass, lang: str | None = None) -> str:
    return localized(mentoring_class.titles, lang)


def classes(*, program: Program | None = None, past: bool = False) -> sa.Select:
    today = today_in_seoul()
    stmt = sa.select(MentoringClass)
    stmt = (stmt.where(MentoringClass.last_date < today) if past
            else stmt.where(MentoringClass.last_date >= today))
    if program is not None:
        stmt = stmt.where(MentoringClass.program == program)
    return stmt.order_by(MentoringClass.first_date, MentoringClass.id)


def _session_times(first: date, last: date, weekday: Weekday, start: time, end: time
                   ) -> list[tuple[datetime, datetime]]:
    day = first + timedelta(days=(weekday.number - first.weekday()) % 7)
    times = []
    while day <= last:
        times.append((seoul_datetime(day, start), seoul_datetime(day, end)))
        day += timedelta(days=7)
    return times


def save_class(mentoring_class: MentoringClass | None, *, by: User, **values: Any
               ) -> MentoringClass:
    """Create or change a class and (re)generate its sessions from the weekly schedule.

    Sessions already held, cancelled or moved by hand are kept as they are.
    """
    program, language = values["program"], values["language"]
    if language not in PROGRAM_LANGUAGES[program]:
        raise ValidationError("language", _("This program does not teach that language."))
    if values["last_date"] < values["first_date"]:
        raise ValidationError("last_date", _("The last date must not be before the first."))
    if values["end_time"] <= values["start_time"]:
        raise ValidationError("end_time", _("A session must end after it starts."))
    if not values.get("online") and (values.get("district") is None
                                     or not (values.get("address") or "").strip()):
        raise ValidationError("address", _("Give the district and the address, or make the "
                                           "class an online one."))
    if (values["last_date"] - values["first_date"]).days > 366:
        raise ValidationError("last_date", _("A class runs for a year at most."))
    created = mentoring_class is None
    if not created:
        confirmed_mentors = _count_places(mentoring_class)
        if values["mentor_places"] < confirmed_mentors:
            raise ValidationError("mentor_places", _(
                "%(taken)s mentors already hold a place: the class needs at least that many.",
                taken=confirmed_mentors))
        enrolled = _count_learners(mentoring_class)
        if values["learner_capacity"] < enrolled:
            raise ValidationError("learner_capacity", _(
                "%(taken)s learners already hold a place: the class needs at least that many.",
                taken=enrolled))
    schedule = ("weekday", "start_time", "end_time", "first_date", "last_date")
    if created:
        mentoring_class = MentoringClass(created_by_id=by.id)
        db.session.add(mentoring_class)
        changed = True
    else:
        changed = any(getattr(mentoring_class, name) != values[name] for name in schedule)
    for name, value in values.items():
        setattr(mentoring_class, name, value)
    db.session.flush()
    if changed:
        _regenerate_sessions(mentoring_class)
    audit("mentoring.class_create" if created else "mentoring.class_update", actor=by,
          obj_type="mentoring_class", obj_id=mentoring_class.id,
          after={"titles": mentoring_class.titles})
    return mentoring_class


def _regenerate_sessions(mentoring_class: MentoringClass) -> None:
    now = utcnow()
    kept = db.session.scalars(sa.select(ClassSession).where(
        ClassSession.class_id == mentoring_class.id,
        sa.or_(ClassSession.starts_at <= now, ClassSession.cancelled_at.is_not(None),
               ClassSession.moved_from.is_not(None),
               ClassSession.id.in_(sa.select(Attendance.session_id))))).all()
    kept_ids = [session.id for session in kept]
    db.session.execute(sa.delete(ClassSession).where(
        ClassSession.class_id == mentoring_class.id, ClassSession.id.not_in(kept_ids)))
    # One session a week: a day that keeps its session (held, cancelled, moved) gets no other.
    taken = {(session.moved_from or session.starts_at).astimezone(SEOUL).date()
             for session in kept}
    db.session.add_all(
        ClassSession(class_id=mentoring_class.id, starts_at=start, ends_at=end)
        for start, end in _session_times(mentoring_class.first_date, mentoring_class.last_date,
                                         mentoring_class.weekday, mentoring_class.start_time,
                                         mentoring_class.end_time)
        if start > now and start.astimezone(SEOUL).date() not in taken)
    db.session.flush()


def sessions_of(mentoring_class: MentoringClass, *, upcoming_only: bool = False) -> sa.Select:
    stmt = sa.select(ClassSession).where(ClassSession.class_id == mentoring_class.id)
    if upcoming_only:
        stmt = stmt.where(ClassSession.ends_at > utcnow(), ClassSession.cancelled_at.is_(None))
    return stmt.order_by(ClassSession.starts_at)


def get_session_or_404(mentoring_class: MentoringClass, session_id: int) -> ClassSession:
    session = db.session.get(ClassSession, session_id)
    if session is None or session.class_id != mentoring_class.id:
        abort(404)
    return session


def next_session(mentoring_class: MentoringClass) -> ClassSession | None:
    return db.session.scalar(sessions_of(mentoring_class, upcoming_only=True).limit(1))


def _people_of(mentoring_class: MentoringClass) -> list[User]:
    """Everyone a change of the class concerns: its mentors and the families enrolled."""
    mentors_ = db.session.scalars(
        sa.select(User).join(Mentor, Mentor.user_id == User.id)
        .join(Placement, Placement.mentor_id == Mentor.id)
        .where(Placement.class_id == mentoring_class.id,
               Placement.status == PlaceStatus.confirmed)).all()
    families = db.session.scalars(
        sa.select(User).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.class_id == mentoring_class.id,
               Enrolment.status == EnrolmentStatus.confirmed).distinct()).all()
    return list({user.id: user for user in [*mentors_, *families]}.values())


def cancel_session(session: ClassSession, *, by: User) -> None:
    if session.cancelled_at is not None:
        return
    if session.starts_at <= utcnow():
        raise ValidationError(None, _("A session that has started cannot be cancelled."))
    session.cancelled_at = utcnow()
    audit("mentoring.session_cancel", actor=by, obj_type="mentoring_class",
          obj_id=session.class_id, after={"session": session.id})
    for person in _people_of(session.mentoring_class):
        notify(person, "mentoring.session_cancelled", obj_type="mentoring_class",
               obj_id=session.class_id,
               params={"class": session.class_id, "when": session.starts_at.isoformat()})


def move_session(session: ClassSession, *, starts_at: datetime, ends_at: datetime, by: User
                 ) -> None:
    """Move one session to a new time that clashes with no session of the class or of its
    mentors' other classes, and tell those concerned."""
    mentoring_class = lock_class(session.mentoring_class)
    if ends_at <= starts_at:
        raise ValidationError("ends_at", _("A session must end after it starts."))
    if starts_at <= utcnow():
        raise ValidationError("starts_at", _("Move the session to a time still to come."))
    if session.cancelled_at is not None:
        raise ValidationError(None, _("This session is cancelled."))
    sibling = _session_during(mentoring_class, starts_at, ends_at, without=session.id)
    if sibling is not None:
        raise ValidationError("starts_at", _(
            "This class already has a session at that time (%(when)s). Choose another time.",
            when=_format_span(sibling)))
    clash = _mentor_clash_during(mentoring_class, starts_at, ends_at)
    if clash is not None:
        mentor, other = clash
        raise ValidationError("starts_at", _(
            "%(name)s, a mentor of this class, mentors “%(title)s” at that time (%(when)s). "
            "Choose another time.", name=mentor.user.name,
            title=class_title(other.mentoring_class), when=_format_span(other)))
    if session.moved_from is None:
        session.moved_from = session.starts_at
    session.starts_at, session.ends_at = starts_at, ends_at
    session.reminded_at = None
    audit("mentoring.session_move", actor=by, obj_type="mentoring_class",
          obj_id=session.class_id, after={"session": session.id,
                                          "starts_at": starts_at.isoformat()})
    for person in _people_of(session.mentoring_class):
        notify(person, "mentoring.session_moved", obj_type="mentoring_class",
               obj_id=session.class_id,
               params={"class": session.class_id, "when": session.moved_from.isoformat(),
                       "new": starts_at.isoformat()})


def _session_during(mentoring_class: MentoringClass, starts_at: datetime, ends_at: datetime,
                    *, without: int) -> ClassSession | None:
    """The first session of the class, other than ``without`` and not cancelled, that
    overlaps the span."""
    return db.session.scalar(
        sa.select(ClassSession)
        .where(ClassSession.class_id == mentoring_class.id, ClassSession.id != without,
               ClassSession.cancelled_at.is_(None), ClassSession.starts_at < ends_at,
               starts_at < ClassSession.ends_at)
        .order_by(ClassSession.starts_at).limit(1))


def _mentor_clash_during(mentoring_class: MentoringClass, starts_at: datetime,
                         ends_at: datetime) -> tuple[Mentor, ClassSession] | None:
    """A confirmed mentor of the class and the first session of another of their running
    classes (as ``_active_classes`` counts them) that overlaps the span."""
    ours, theirs = aliased(Placement), aliased(Placement)
    row = db.session.execute(
        sa.select(ClassSession, theirs.mentor_id)
        .join(theirs, sa.and_(theirs.class_id == ClassSession.class_id,
                              theirs.status == PlaceStatus.confirmed))
        .join(ours, sa.and_(ours.mentor_id == theirs.mentor_id,
                            ours.class_id == mentoring_class.id,
                            ours.status == PlaceStatus.confirmed))
        .join(MentoringClass, MentoringClass.id == ClassSession.class_id)
        .where(ClassSession.class_id != mentoring_class.id,
               MentoringClass.last_date >= today_in_seoul(),
               ClassSession.cancelled_at.is_(None), ClassSession.starts_at < ends_at,
               starts_at < ClassSession.ends_at)
        .order_by(ClassSession.starts_at, theirs.mentor_id).limit(1)).first()
    if row is None:
        return None
    other, mentor_id = row
    return db.session.get(Mentor, mentor_id), other


def _format_span(session: ClassSession) -> str:
    from ..i18n import format_time_range

    return format_time_range(session.starts_at, session.ends_at)


# -- Mentor places -----------------------------------------------------------------------------


def lock_class(mentoring_class: MentoringClass) -> MentoringClass:
    """Take the class's row lock (a no-op on SQLite, whose writers already queue)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(MentoringClass.id).where(
            MentoringClass.id == mentoring_class.id).with_for_update())
    return mentoring_class


def _count_places(mentoring_class: MentoringClass) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Placement).where(
        Placement.class_id == mentoring_class.id, Placement.status == PlaceStatus.confirmed))


def _count_learners(mentoring_class: MentoringClass) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment).where(
        Enrolment.class_id == mentoring_class.id, Enrolment.status == EnrolmentStatus.confirmed))


def _active_classes(mentor: Mentor, *, without: int | None = None) -> list[MentoringClass]:
    stmt = (sa.select(MentoringClass).join(Placement, Placement.class_id == MentoringClass.id)
            .where(Placement.mentor_id == mentor.id, Placement.status == PlaceStatus.confirmed,
                   MentoringClass.last_date >= today_in_seoul()))
    if without is not None:
        stmt = stmt.where(MentoringClass.id != without)
    return list(db.session.scalars(stmt))


def _clash(mentoring_class: MentoringClass, others: list[MentoringClass]
           ) -> tuple[MentoringClass, ClassSession] | None:
    """The first upcoming session of another class of the mentor overlapping this class's."""
    if not others:
        return None
    now = utcnow()
    mine, theirs = aliased(ClassSession), aliased(ClassSession)
    row = db.session.execute(
        sa.select(theirs).join(mine, sa.and_(mine.starts_at < theirs.ends_at,
                                             theirs.starts_at < mine.ends_at))
        .where(mine.class_id == mentoring_class.id, mine.cancelled_at.is_(None),
               mine.ends_at > now, theirs.class_id.in_([c.id for c in others]),
               theirs.cancelled_at.is_(None), theirs.ends_at > now)
        .order_by(theirs.starts_at).limit(1)).scalar()
    if row is None:
        return None
    return next(c for c in others if c.id == row.class_id), row


def refusal(mentor: Mentor, mentoring_class: MentoringClass) -> str | None:
    """Why this mentor may not take a place in this class now, in the reader's words."""
    if mentor.suspended_at is not None:
        return _("Your mentoring is suspended. Please contact the city.")
    if mentoring_class.program.name not in (mentor.application.programs or []):
        return _("You have not been approved for this program.")
    if mentoring_class.last_date < today_in_seoul():
        return _("This class has ended.")
    if mentoring_class.children and not check_valid(mentor, mentoring_class.last_date):
        if mentor.check_expires is None:
            return _("This class is with children: a child-safety record check is needed "
                     "first. Please contact the city to arrange one.")
        return _("This class is with children, and your child-safety record check expires "
                 "before the class ends. Please renew it first.")
    others = _active_classes(mentor, without=mentoring_class.id)
    if len(others) >= mentor.max_classes:
        return _("You already mentor %(num)s classes, the most you chose to take at once.",
                 num=len(others))
    clash = _clash(mentoring_class, others)
    if clash is not None:
        other, session = clash
        return _("This class clashes with “%(title)s”, which you mentor (%(when)s).",
                 title=class_title(other), when=_format_when(session.starts_at))
    return None


def _format_when(moment: datetime) -> str:
    from ..i18n import format_datetime

    return format_datetime(moment, "medium")


def placement_of(mentor: Mentor, mentoring_class: MentoringClass) -> Placement | None:
    return db.session.scalar(sa.select(Placement).where(
        Placement.class_id == mentoring_class.id, Placement.mentor_id == mentor.id))


def take_place(mentor: Mentor, mentoring_class: MentoringClass, *, by: User | None = None
               ) -> Placement:
    """Give the mentor a place, or a turn on the waiting list when the class is full.

    ``by`` is the staff member assigning the mentor: an assignment never waits.
    """
    lock_class(mentoring_class)
    existing = placement_of(mentor, mentoring_class)
    if existing is not None:
        raise ValidationError(None, _("You already have a place in this class, or a turn on "
                                      "its waiting list.") if by is None else
                              _("This mentor already has a place in this class, or a turn "
                                "on its waiting list."))
    reason = refusal(mentor, mentoring_class)
    if reason is not None:
        raise ValidationError(None, reason)
    full = _count_places(mentoring_class) >= mentoring_class.mentor_places
    if full and by is not None:
        raise ValidationError(None, _("Every mentor place of this class is taken."))
    placement = Placement(class_id=mentoring_class.id, mentor_id=mentor.id,
                          status=PlaceStatus.waiting if full else PlaceStatus.confirmed,
                          created_at=utcnow(), assigned_by_id=by.id if by else None)
    db.session.add(placement)
    db.session.flush()
    if by is not None:
        audit("mentoring.assign", actor=by, obj_type="mentoring_class",
              obj_id=mentoring_class.id, after={"mentor": mentor.id})
        notify(mentor.user, "mentoring.place", obj_type="mentoring_class",
               obj_id=mentoring_class.id, params={"class": mentoring_class.id})
    return placement


def withdraw(mentor: Mentor, mentoring_class: MentoringClass) -> None:
    """Leave a class (or its waiting list) until 48 hours before its next session."""
    lock_class(mentoring_class)
    placement = placement_of(mentor, mentoring_class)
    if placement is None:
        abort(404)
    upcoming = next_session(mentoring_class)
    if (placement.status is PlaceStatus.confirmed and upcoming is not None
            and upcoming.starts_at - utcnow() < WITHDRAW_BEFORE):
        raise ValidationError(None, _(
            "The next session is less than 48 hours away. To withdraw now, please contact "
            "the class coordinator."))
    was_confirmed = placement.status is PlaceStatus.confirmed
    db.session.delete(placement)
    db.session.flush()
    if was_confirmed:
        fill_freed_place(mentoring_class)


def fill_freed_place(mentoring_class: MentoringClass) -> Placement | None:
    """Give a freed place to the first mentor waiting who may still take it, and tell them."""
    if _count_places(mentoring_class) >= mentoring_class.mentor_places:
        return None
    for placement in db.session.scalars(
        sa.select(Placement).where(Placement.class_id == mentoring_class.id,
                                   Placement.status == PlaceStatus.waiting)
        .order_by(Placement.created_at, Placement.id).limit(50)
    ).all():
        if refusal(placement.mentor, mentoring_class) is not None:
            continue  # they could not take it now (a clash since, an expired check)
        placement.status = PlaceStatus.confirmed
        db.session.flush()
        notify(placement.mentor.user, "mentoring.place", obj_type="mentoring_class",
               obj_id=mentoring_class.id, params={"class": mentoring_class.id})
        return placement
    return None


def places_of(mentoring_class: MentoringClass) -> list[Placement]:
    return list(db.session.scalars(
        sa.select(Placement).options(joinedload(Placement.mentor).joinedload(Mentor.user))
        .where(Placement.class_id == mentoring_class.id)
        .order_by(Placement.status, Placement.created_at, Placement.id)))


def placements_of(mentor: Mentor) -> list[Placement]:
    return list(db.session.scalars(
        sa.select(Placement).join(MentoringClass, MentoringClass.id == Placement.class_id)
        .options(contains_eager(Placement.mentoring_class))
        .where(Placement.mentor_id == mentor.id)
        .order_by(MentoringClass.last_date < today_in_seoul(), MentoringClass.first_date)))


# -- Fit between mentors and classes -----------------------------------------------------------


LEVEL_SCORE = {Level.native: 6, Level.c2: 5, Level.c1: 4, Level.b2: 3, Level.b1: 2,
               Level.a2: 1, Level.a1: 0}


@dataclass
class Fit:
    score: int
    reasons: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _level_of(application: MentorApplication, code: str) -> Level | None:
    for item in application.languages or []:
        if item.get("code") == code:
            return Level.__members__.get(item.get("level", ""))
    return None


def _available(application: MentorApplication, mentoring_class: MentoringClass) -> bool:
    for item in application.availability or []:
        if (item.get("day") == mentoring_class.weekday.name
                and _clock(item["start"]) <= mentoring_class.start_time
                and mentoring_class.end_time <= _clock(item["end"])):
            return True
    return False


def language_name(code: str) -> str:
    from babel import Locale

    from ..i18n import current_lang

    return Locale.parse(current_lang()).languages.get(code, code)


def fit(mentor: Mentor, mentoring_class: MentoringClass, *, load: int | None = None) -> Fit:
    """How well a mentor suits a class, with the reasons (for staff and for the mentor)."""
    application = mentor.application
    result = Fit(score=0)
    if mentoring_class.program is Program.korean:
        korean = _level_of(application, "ko")
        topik = application.korean_level or KoreanLevel.none
        strong = korean in (Level.native, Level.c2, Level.c1) or topik.value >= 6
        if strong:
            result.score += 6
            result.reasons.append(_("Speaks Korean well"))
        else:
            result.problems.append(_("Korean below TOPIK level 5"))
    else:
        level = _level_of(application, mentoring_class.language)
        if level is None:
            result.problems.append(_("Does not speak %(language)s",
                                     language=language_name(mentoring_class.language)))
        else:
            result.score += LEVEL_SCORE[level]
            result.reasons.append(_("%(language)s: %(level)s",
                                    language=language_name(mentoring_class.language),
                                    level=level.label))
    if mentoring_class.online:
        if application.online:
            result.score += 3
            result.reasons.append(_("Can mentor online"))
        else:
            result.problems.append(_("Does not mentor online"))
    elif mentoring_class.district is not None:
        if mentoring_class.district.name in (application.districts or []):
            result.score += 3
            result.reasons.append(_("Can reach %(district)s",
                                    district=mentoring_class.district.label))
        else:
            result.problems.append(_("Cannot reach %(district)s",
                                     district=mentoring_class.district.label))
    if _available(application, mentoring_class):
        result.score += 4
        result.reasons.append(_("Free at the class’s time"))
    else:
        result.problems.append(_("Not free at the class’s time"))
    if mentoring_class.children:
        if check_valid(mentor, mentoring_class.last_date):
            result.reasons.append(_("Child-safety check valid"))
        else:
            result.score -= 10
            result.problems.append(_("No valid child-safety check"))
    if load is not None:
        if load >= mentor.max_classes:
            result.score -= 10
            result.problems.append(_("Already mentors as many classes as they chose"))
        else:
            result.reasons.append(_("Mentors %(load)s of at most %(most)s classes",
                                    load=load, most=mentor.max_classes))
    return result


def mentor_loads(mentor_ids: Iterable[int]) -> dict[int, int]:
    """How many running classes each mentor holds a confirmed place in."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        sa.select(Placement.mentor_id, sa.func.count())
        .join(MentoringClass, MentoringClass.id == Placement.class_id)
        .where(Placement.mentor_id.in_(ids), Placement.status == PlaceStatus.confirmed,
               MentoringClass.last_date >= today_in_seoul())
        .group_by(Placement.mentor_id)).all())


def suggested_mentors(mentoring_class: MentoringClass, *, limit: int = 20
                      ) -> list[tuple[Mentor, Fit]]:
    """Approved, active mentors of the class's program not yet in it, best fit first."""
    placed = sa.select(Placement.mentor_id).where(Placement.class_id == mentoring_class.id)
    candidates = db.session.scalars(
        sa.select(Mentor).join(MentorApplication, MentorApplication.id == Mentor.application_id)
        .options(joinedload(Mentor.user), joinedload(Mentor.application))
        .where(Mentor.suspended_at.is_(None), Mentor.id.not_in(placed))).all()
    candidates = [m for m in candidates
                  if mentoring_class.program.name in (m.application.programs or [])]
    loads = mentor_loads(m.id for m in candidates)
    ranked = [(m, fit(m, mentoring_class, load=loads.get(m.id, 0))) for m in candidates]
    ranked.sort(key=lambda pair: (-pair[1].score, len(pair[1].problems), pair[0].user.name))
    return ranked[:limit]


def classes_for(mentor: Mentor, *, limit: int = 50) -> list[tuple[MentoringClass, Fit, int]]:
    """Classes still running of the mentor's programs, best fit first: (class, fit, free)."""
    programs = [Program[name] for name in mentor.application.programs or []
                if name in Program.__members__]
    if not programs:
        return []
    running = db.session.scalars(
        sa.select(MentoringClass).where(MentoringClass.program.in_(programs),
                                        MentoringClass.last_date >= today_in_seoul())
        .order_by(MentoringClass.first_date).limit(200)).all()
    taken = dict(db.session.execute(
        sa.select(Placement.class_id, sa.func.count())
        .where(Placement.class_id.in_([c.id for c in running]),
               Placement.status == PlaceStatus.confirmed)
        .group_by(Placement.class_id)).all())
    result = []
    for mentoring_class in running:
        result.append((mentoring_class, fit(mentor, mentoring_class),
                       max(mentoring_class.mentor_places - taken.get(mentoring_class.id, 0), 0)))
    result.sort(key=lambda item: (len(item[1].problems), -item[1].score, item[2] == 0,
                                  item[0].first_date))
    return result[:limit]


# -- Families ----------------------------------------------------------------------------------


def request_enrolment(user: User, mentoring_class: MentoringClass, *, learner_name: str,
                      child: bool) -> Enrolment:
    learner_name = learner_name.strip()
    if not learner_name:
        raise ValidationError("learner_name", _("Enter the learner’s name."))
    if mentoring_class.last_date < today_in_seoul():
        raise ValidationError(None, _("This class has ended."))
    exists = db.session.scalar(sa.select(Enrolment.id).where(
        Enrolment.class_id == mentoring_class.id, Enrolment.user_id == user.id,
        Enrolment.learner_name == learner_name))
    if exists:
        raise ValidationError("learner_name", _("You have already asked for a place for "
                                                "%(name)s in this class.", name=learner_name))
    enrolment = Enrolment(class_id=mentoring_class.id, user_id=user.id,
                          learner_name=learner_name, child=child, created_at=utcnow())
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def decide_enrolment(enrolment: Enrolment, *, confirm: bool, by: User) -> Enrolment:
    """Staff confirm a family's request (a place, or the waiting list when full) or decline."""
    mentoring_class = lock_class(enrolment.mentoring_class)
    before = enrolment.status
    if not confirm:
        was_confirmed = enrolment.status is EnrolmentStatus.confirmed
        enrolment.status = EnrolmentStatus.declined
        db.session.flush()
        if was_confirmed:
            _fill_learner_place(mentoring_class)
    elif enrolment.status in (EnrolmentStatus.requested, EnrolmentStatus.declined):
        full = _count_learners(mentoring_class) >= mentoring_class.learner_capacity
        enrolment.status = EnrolmentStatus.waiting if full else EnrolmentStatus.confirmed
        enrolment.created_at = utcnow() if full else enrolment.created_at
    db.session.flush()
    if enrolment.status is before:
        return enrolment  # already so: nobody is told twice
    audit("mentoring.enrolment", actor=by, obj_type="mentoring_class",
          obj_id=mentoring_class.id, after={"enrolment": enrolment.id,
                                            "status": enrolment.status.name})
    notify(enrolment.user, "mentoring.enrolment", obj_type="mentoring_class",
           obj_id=mentoring_class.id, params={"class": mentoring_class.id,
                                              "learner": enrolment.learner_name,
                                              "status": enrolment.status.name})
    return enrolment


def cancel_enrolment(enrolment: Enrolment) -> None:
    mentoring_class = lock_class(enrolment.mentoring_class)
    was_confirmed = enrolment.status is EnrolmentStatus.confirmed
    db.session.delete(enrolment)
    db.session.flush()
    if was_confirmed:
        _fill_learner_place(mentoring_class)


def _fill_learner_place(mentoring_class: MentoringClass) -> None:
    if _count_learners(mentoring_class) >= mentoring_class.learner_capacity:
        return
    first = db.session.scalar(
        sa.select(Enrolment).where(Enrolment.class_id == mentoring_class.id,
                                   Enrolment.status == EnrolmentStatus.waiting)
        .order_by(Enrolment.created_at, Enrolment.id).limit(1))
    if first is not None:
        first.status = EnrolmentStatus.confirmed
        db.session.flush()
        notify(first.user, "mentoring.enrolment", obj_type="mentoring_class",
               obj_id=mentoring_class.id, params={"class": mentoring_class.id,
                                                  "learner": first.learner_name,
                                                  "status": first.status.name})


def enrolments_of(user: User) -> list[Enrolment]:
    return list(db.session.scalars(
        sa.select(Enrolment).options(joinedload(Enrolment.mentoring_class))
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.created_at.desc())))


def enrolments_in(mentoring_class: MentoringClass) -> list[Enrolment]:
    return list(db.session.scalars(
        sa.select(Enrolment).options(joinedload(Enrolment.user))
        .where(Enrolment.class_id == mentoring_class.id)
        .order_by(Enrolment.status, Enrolment.created_at, Enrolment.id)))


def get_enrolment_or_404(mentoring_class: MentoringClass, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.class_id != mentoring_class.id:
        abort(404)
    return enrolment


# -- Attendance and hours ----------------------------------------------------------------------


def record_attendance(session: ClassSession, *, mentors_present: Iterable[int],
                      learners_present: Iterable[int], by: User) -> None:
    """Record who came to a session: every confirmed mentor and learner, present or not."""
    if session.cancelled_at is not None:
        raise ValidationError(None, _("This session is cancelled."))
    if session.starts_at > utcnow():
        raise ValidationError(None, _("Attendance can be recorded once the session has "
                                      "started."))
    mentors_present, learners_present = set(mentors_present), set(learners_present)
    mentor_ids = [p.mentor_id for p in places_of(session.mentoring_class)
                  if p.status is PlaceStatus.confirmed]
    enrolment_ids = [e.id for e in enrolments_in(session.mentoring_class)
                     if e.status is EnrolmentStatus.confirmed]
    db.session.execute(sa.delete(Attendance).where(Attendance.session_id == session.id))
    now = utcnow()
    db.session.add_all(
        [Attendance(session_id=session.id, mentor_id=mentor_id,
                    present=mentor_id in mentors_present, recorded_by_id=by.id,
                    recorded_at=now) for mentor_id in mentor_ids]
        + [Attendance(session_id=session.id, enrolment_id=enrolment_id,
                      present=enrolment_id in learners_present, recorded_by_id=by.id,
                      recorded_at=now) for enrolment_id in enrolment_ids])
    db.session.flush()
    audit("mentoring.attendance", actor=by, obj_type="mentoring_class",
          obj_id=session.class_id, after={"session": session.id})


def attendance_of(session: ClassSession) -> dict[str, set[int]]:
    rows = db.session.execute(sa.select(Attendance.mentor_id, Attendance.enrolment_id)
                              .where(Attendance.session_id == session.id, Attendance.present))
    present = {"mentors": set(), "learners": set()}
    for mentor_id, enrolment_id in rows:
        if mentor_id is not None:
            present["mentors"].add(mentor_id)
        if enrolment_id is not None:
            present["learners"].add(enrolment_id)
    return present


def volunteer_hours(mentor_ids: Iterable[int], *, start: date | None = None,
                    end: date | None = None) -> dict[int, float]:
    """Hours each mentor was recorded present, optionally within Seoul dates [start, end]."""
    ids = list(mentor_ids)
    if not ids:
        return {}
    stmt = (sa.select(Attendance.mentor_id, ClassSession.starts_at, ClassSession.ends_at)
            .join(ClassSession, ClassSession.id == Attendance.session_id)
            .where(Attendance.mentor_id.in_(ids), Attendance.present))
    if start is not None:
        stmt = stmt.where(ClassSession.starts_at >= seoul_datetime(start, time()))
    if end is not None:
        stmt = stmt.where(ClassSession.starts_at < seoul_datetime(end + timedelta(days=1),
                                                                  time()))
    hours: dict[int, float] = dict.fromkeys(ids, 0.0)
    for mentor_id, starts_at, ends_at in db.session.execute(stmt):
        hours[mentor_id] += (ends_at - starts_at).total_seconds() / 3600
    return hours


def upcoming_sessions_of(mentor: Mentor, *, limit: int = 20) -> list[ClassSession]:
    return list(db.session.scalars(
        sa.select(ClassSession).join(Placement, Placement.class_id == ClassSession.class_id)
        .options(joinedload(ClassSession.mentoring_class))
        .where(Placement.mentor_id == mentor.id, Placement.status == PlaceStatus.confirmed,
               ClassSession.ends_at > utcnow())
        .order_by(ClassSession.starts_at).limit(limit)))


def sessions_for_calendar(mentor_id: int) -> list[ClassSession]:
    """A mentor's sessions from 30 days ago on, cancelled ones included (shown cancelled)."""
    return list(db.session.scalars(
        sa.select(ClassSession).join(Placement, Placement.class_id == ClassSession.class_id)
        .options(joinedload(ClassSession.mentoring_class))
        .where(Placement.mentor_id == mentor_id, Placement.status == PlaceStatus.confirmed,
               ClassSession.ends_at > utcnow() - timedelta(days=30))
        .order_by(ClassSession.starts_at).limit(500)))


# -- Reminders ---------------------------------------------------------------------------------


def send_session_reminders(*, now: datetime | None = None) -> int:
    """Remind mentors and families of each session starting within the next day, once."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(ClassSession).where(
        ClassSession.starts_at > now, ClassSession.starts_at <= now + timedelta(days=1),
        ClassSession.cancelled_at.is_(None), ClassSession.reminded_at.is_(None))).all()
    for session in due:
        for person in _people_of(session.mentoring_class):
            notify(person, "mentoring.session_reminder", obj_type="mentoring_class",
                   obj_id=session.class_id,
                   params={"class": session.class_id, "when": session.starts_at.isoformat()})
        session.reminded_at = now
    return len(due)


# -- Dashboard ---------------------------------------------------------------------------------


def dashboard_counts() -> dict[str, int]:
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(MentorApplication)
                                .where(MentorApplication.status == ApplicationStatus.submitted))
    mentors_ = db.session.scalar(sa.select(sa.func.count()).select_from(Mentor)
                                 .where(Mentor.suspended_at.is_(None)))
    running = db.session.scalar(sa.select(sa.func.count()).select_from(MentoringClass)
                                .where(MentoringClass.last_date >= today_in_seoul()))
    families = db.session.scalar(sa.select(sa.func.count()).select_from(Enrolment)
                                 .where(Enrolment.status == EnrolmentStatus.requested))
    return {"applications": waiting, "mentors": mentors_, "classes": running,
            "requests": families}


# -- Accounts ----------------------------------------------------------------------------------


def district_choices() -> list[District]:
    return [d for d in District if d is not District.outside]


def existing_class_ids(ids: set[int]) -> set[int]:
    return set(db.session.scalars(sa.select(MentoringClass.id)
                                  .where(MentoringClass.id.in_(ids))))


def existing_application_ids(ids: set[int]) -> set[int]:
    return set(db.session.scalars(sa.select(MentorApplication.id)
                                  .where(MentorApplication.id.in_(ids))))


# -- The person's own data ---------------------------------------------------------------------


def forget_mentor(user: User, **extra: Any) -> None:
    """An account erased: its applications, mentor places and family requests go with it; the
    places they held pass to those waiting. Recorded attendance goes with the mentor."""
    mentor = mentor_of(user)
    if mentor is not None:
        for placement in db.session.scalars(sa.select(Placement).where(
                Placement.mentor_id == mentor.id)).all():
            mentoring_class = lock_class(placement.mentoring_class)
            was_confirmed = placement.status is PlaceStatus.confirmed
            db.session.delete(placement)
            db.session.flush()
            if was_confirmed:
                fill_freed_place(mentoring_class)
        db.session.execute(sa.delete(Attendance).where(Attendance.mentor_id == mentor.id))
        db.session.delete(mentor)
    for enrolment in db.session.scalars(sa.select(Enrolment).where(
            Enrolment.user_id == user.id)).all():
        cancel_enrolment(enrolment)
    db.session.execute(sa.delete(MentorApplication).where(MentorApplication.user_id == user.id))
    db.session.flush()


def export_mentoring(user: User, *, data: dict[str, Any], **extra: Any) -> None:
    """Add the person's applications, places, hours and family requests to their export."""
    rows = db.session.scalars(sa.select(MentorApplication).where(
        MentorApplication.user_id == user.id).order_by(MentorApplication.id)).all()
    section: dict[str, Any] = {"applications": [{
        "status": a.status.name, "programs": a.programs, "languages": a.languages,
        "korean_level": a.korean_level.name if a.korean_level else None,
        "districts": a.districts, "online": a.online, "availability": a.availability,
        "experience": a.experience, "motivation": a.motivation,
        "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
        "message_from_the_city": a.staff_message,
    } for a in rows]}
    mentor = mentor_of(user)
    if mentor is not None:
        section["mentor"] = {
            "max_classes": mentor.max_classes,
            "check_expires": mentor.check_expires.isoformat() if mentor.check_expires else None,
            "classes": [{"class": class_title(p.mentoring_class, "en"), "status": p.status.name}
                        for p in placements_of(mentor)],
            "volunteer_hours": round(volunteer_hours([mentor.id])[mentor.id], 2),
        }
    section["family_places"] = [{
        "class": class_title(e.mentoring_class, "en"), "learner": e.learner_name,
        "status": e.status.name} for e in enrolments_of(user)]
    if rows or mentor is not None or section["family_places"]:
        data["mentoring"] = section


def show_mentoring(user: User, *, sections: list, **extra: Any) -> None:
    from ..accounts.privacy import DataSection

    application = application_of(user)
    enrolments = enrolments_of(user)
    if application is None and not enrolments:
        return
    rows = []
    if application is not None:
        rows.append((_("Application to mentor"), str(application.status.label)))
    if enrolments:
        rows.append((_("Places asked for in classes"), str(len(enrolments))))
    sections.append(DataSection(_("Mentoring"), rows))


# -- Names for the audit log -------------------------------------------------------------------


def application_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(MentorApplication.id, User.name)
                              .join(User, User.id == MentorApplication.user_id)
                              .where(MentorApplication.id.in_(ids)))
    return {application_id: _("the application of %(name)s", name=name)
            for application_id, name in rows}


def mentor_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Mentor.id, User.name)
                              .join(User, User.id == Mentor.user_id).where(Mentor.id.in_(ids)))
    return dict(rows.all())


def class_titles(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(MentoringClass.id, MentoringClass.titles)
                              .where(MentoringClass.id.in_(ids)))
    return {class_id: localized(titles) for class_id, titles in rows}
