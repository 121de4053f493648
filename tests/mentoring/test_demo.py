"""``flask demo seed`` gives every mentoring page something to show, once."""

import sqlalchemy as sa
from click.testing import CliRunner

from portal.extensions import db
from portal.mentoring.models import (
    ApplicationStatus,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    Mentor,
    MentorApplication,
    MentoringClass,
    Placement,
    Program,
)


def test_the_demo_has_classes_a_mentor_with_hours_an_application_and_a_family(app):
    result = CliRunner().invoke(app.cli, ["demo", "seed"])
    assert "mentoring: 4 classes" in result.output, result.output
    programs = set(db.session.scalars(sa.select(MentoringClass.program)))
    assert programs == set(Program)
    assert len(set(db.session.scalars(sa.select(MentoringClass.language)))) >= 3
    mentor = db.session.scalar(sa.select(Mentor))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Placement).where(
        Placement.mentor_id == mentor.id)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance).where(
        Attendance.mentor_id == mentor.id, Attendance.present)) >= 1
    statuses = set(db.session.scalars(sa.select(MentorApplication.status)))
    assert statuses == {ApplicationStatus.approved, ApplicationStatus.submitted}
    assert {e.status for e in db.session.scalars(sa.select(Enrolment))} == {
        EnrolmentStatus.confirmed, EnrolmentStatus.requested}
    assert "mentoring: already present" in CliRunner().invoke(app.cli, ["demo", "seed"]).output
