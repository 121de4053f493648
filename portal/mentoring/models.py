"""Mentoring: volunteers' applications, mentors, classes and their sessions, places, attendance."""

from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import UTCDateTime, enum_column, utcnow
from ..districts import District
from ..enums import LabelledEnum
from ..extensions import db


class Program(LabelledEnum):
    korean = _l("Korean language for multicultural families")
    native_language = _l("Parents’ native language for children")


# The languages each program teaches. Korean classes teach Korean; native-language classes
# teach children the language of their foreign parent.
PROGRAM_LANGUAGES = {
    Program.korean: ("ko",),
    Program.native_language: ("zh", "vi", "ja", "en", "tl", "th", "mn", "ru", "uz", "ne",
                              "km", "id", "fr", "es"),
}
# Languages a mentor may say they speak (the taught ones and Korean).
SPOKEN_LANGUAGES = tuple(dict.fromkeys(("ko", *PROGRAM_LANGUAGES[Program.native_language])))


class Level(LabelledEnum):
    """How well a mentor speaks a language (CEFR levels, and native)."""

    a1 = _l("A1 – beginner")
    a2 = _l("A2 – elementary")
    b1 = _l("B1 – intermediate")
    b2 = _l("B2 – upper intermediate")
    c1 = _l("C1 – advanced")
    c2 = _l("C2 – proficient")
    native = _l("Native speaker")


class KoreanLevel(LabelledEnum):
    """A mentor's Korean, as TOPIK measures it."""

    none = _l("No TOPIK level")
    topik1 = _l("TOPIK level 1")
    topik2 = _l("TOPIK level 2")
    topik3 = _l("TOPIK level 3")
    topik4 = _l("TOPIK level 4")
    topik5 = _l("TOPIK level 5")
    topik6 = _l("TOPIK level 6")


class ClassLevel(LabelledEnum):
    beginner = lazy_pgettext("class level", "Beginner")
    elementary = lazy_pgettext("class level", "Elementary")
    intermediate = lazy_pgettext("class level", "Intermediate")
    advanced = lazy_pgettext("class level", "Advanced")


class Weekday(LabelledEnum):
    """Ordered Monday first, as ``date.weekday()`` counts."""

    monday = _l("Monday")
    tuesday = _l("Tuesday")
    wednesday = _l("Wednesday")
    thursday = _l("Thursday")
    friday = _l("Friday")
    saturday = _l("Saturday")
    sunday = _l("Sunday")

    @property
    def number(self) -> int:
        return self.value - 1


class ApplicationStatus(LabelledEnum):
    draft = _l("Draft")
    submitted = _l("Submitted")
    more_information = _l("More information requested")
    approved = _l("Approved")
    declined = lazy_pgettext("mentor application", "Declined")


class PlaceStatus(LabelledEnum):
    confirmed = _l("Place confirmed")
    waiting = _l("On the waiting list")


class EnrolmentStatus(LabelledEnum):
    requested = _l("Requested")
    confirmed = _l("Place confirmed")
    waiting = _l("On the waiting list")
    declined = lazy_pgettext("class place request", "Declined")


class MentorApplication(db.Model):
    """A resident's application to mentor, from draft to the city's decision."""

    __tablename__ = "mentor_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[ApplicationStatus] = enum_column(ApplicationStatus,
                                                    default=ApplicationStatus.draft, index=True)
    programs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # [{"code": "vi", "level": "native"}, ...]
    languages: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    korean_level: Mapped[KoreanLevel | None] = enum_column(KoreanLevel)
    districts: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    online: Mapped[bool] = mapped_column(default=False)
    # [{"day": "monday", "start": "18:00", "end": "21:00"}, ...] in Seoul time.
    availability: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    experience: Mapped[str] = mapped_column(sa.Text, default="")
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    code_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The reason for a refusal, or the question staff asked.
    staff_message: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __mapper_args__ = {"version_id_col": version}


class Mentor(db.Model):
    """An approved volunteer: what they offer comes from their approved application."""

    __tablename__ = "mentors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("mentor_applications.id"))
    max_classes: Mapped[int] = mapped_column(default=2)
    # The child-safety record check (needed for classes with children).
    check_date: Mapped[date | None] = mapped_column(sa.Date)
    check_expires: Mapped[date | None] = mapped_column(sa.Date)
    check_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship()
    application: Mapped[MentorApplication] = relationship()


class MentoringClass(db.Model):
    """A class with a weekly schedule; its sessions are generated from it."""

    __tablename__ = "mentoring_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    program: Mapped[Program] = enum_column(Program, index=True)
    language: Mapped[str] = mapped_column(sa.String(8), index=True)
    level: Mapped[ClassLevel] = enum_column(ClassLevel)
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # None with online: an online class.
    district: Mapped[District | None] = enum_column(District, index=True)
    address: Mapped[str | None] = mapped_column(sa.String(300))
    online: Mapped[bool] = mapped_column(default=False)
    weekday: Mapped[Weekday] = enum_column(Weekday)
    # Seoul time.
    start_time: Mapped[time] = mapped_column(sa.Time)
    end_time: Mapped[time] = mapped_column(sa.Time)
    first_date: Mapped[date] = mapped_column(sa.Date)
    last_date: Mapped[date] = mapped_column(sa.Date)
    learner_capacity: Mapped[int] = mapped_column()
    mentor_places: Mapped[int] = mapped_column()
    # Children take part: mentors need a valid child-safety record check.
    children: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ClassSession(db.Model):
    """One meeting of a class; it may be cancelled or moved one by one."""

    __tablename__ = "class_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_classes.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when moved from its generated time (kept to tell people what changed).
    moved_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mentoring_class: Mapped[MentoringClass] = relationship()

    # AUTOINCREMENT on SQLite: a session made again after a schedule change never takes the id
    # of one deleted (an old attendance link would open another session).
    __table_args__ = (sa.Index("ix_class_sessions_class_starts", "class_id", "starts_at"),
                      sa.Index("ix_class_sessions_starts", "starts_at"),
                      {"sqlite_autoincrement": True})

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class Placement(db.Model):
    """A mentor's place in a class, or their turn on its waiting list (ordered by time)."""

    __tablename__ = "mentor_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_classes.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id", ondelete="CASCADE"),
                                           index=True)
    status: Mapped[PlaceStatus] = enum_column(PlaceStatus)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Assigned by staff rather than taken by the mentor.
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    mentoring_class: Mapped[MentoringClass] = relationship()
    mentor: Mapped[Mentor] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("class_id", "mentor_id", name="uq_mentor_placements_class_mentor"),
        sa.Index("ix_mentor_placements_class_status", "class_id", "status", "created_at"),
    )


class Enrolment(db.Model):
    """A family's request for a learner's place in a class (a parent, or their child)."""

    __tablename__ = "class_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_classes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    learner_name: Mapped[str] = mapped_column(sa.String(120))
    child: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EnrolmentStatus] = enum_column(EnrolmentStatus,
                                                  default=EnrolmentStatus.requested)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentoring_class: Mapped[MentoringClass] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("class_id", "user_id", "learner_name",
                            name="uq_class_enrolments_learner"),
        sa.Index("ix_class_enrolments_class_status", "class_id", "status", "created_at"),
    )


class Attendance(db.Model):
    """Whether a mentor or a learner came to a session (volunteer hours follow from it)."""

    __tablename__ = "session_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("class_sessions.id", ondelete="CASCADE"))
    mentor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mentors.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("class_enrolments.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column()
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("session_id", "mentor_id", name="uq_session_attendance_mentor"),
        sa.UniqueConstraint("session_id", "enrolment_id",
                            name="uq_session_attendance_enrolment"),
    )
