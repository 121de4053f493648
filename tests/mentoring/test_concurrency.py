"""Two mentors taking the last place at the same moment: one gets it, the other waits.

Real concurrent calls, each in its own thread, application context and database connection,
on a database that commits for real (SQLite serialises writers with BEGIN IMMEDIATE,
PostgreSQL with the class's row lock).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.columns import utcnow
from portal.database import writing
from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import Placement, PlaceStatus
from tests.mentoring.conftest import application_values

pytestmark = [pytest.mark.no_transaction, pytest.mark.slow]


def _setup(app, *, mentors: int) -> tuple[int, list[int]]:
    from datetime import time, timedelta

    from portal.districts import District
    from portal.mentoring.models import ClassLevel, Program, Weekday

    with app.app_context(), writing():
        staff = User(name="Staff", email="staff@city.example", password_hash="!",
                     role=Role.staff, locale="ko", confirmed_at=utcnow())
        db.session.add(staff)
        db.session.flush()
        first = service.today_in_seoul() + timedelta(days=7)
        mentoring_class = service.save_class(
            None, by=staff, program=Program.native_language, language="vi",
            level=ClassLevel.beginner, titles={"en": "Vietnamese"}, descriptions={},
            district=District.guro, address="Guro", online=False, weekday=Weekday.saturday,
            start_time=time(10, 0), end_time=time(12, 0), first_date=first,
            last_date=first + timedelta(days=27), learner_capacity=10, mentor_places=1,
            children=False)
        ids = []
        for n in range(mentors):
            user = User(name=f"Mentor {n}", email=f"mentor{n}@example.org", password_hash="!",
                        locale="vi", confirmed_at=utcnow())
            db.session.add(user)
            db.session.flush()
            application = service.save_application(user, submit=True, **application_values())
            ids.append(service.review(application, "approve", by=staff).id)
        db.session.commit()
        return mentoring_class.id, ids


def test_two_mentors_taking_the_last_place_at_once(shared_app):
    class_id, mentor_ids = _setup(shared_app, mentors=4)
    barrier = threading.Barrier(len(mentor_ids))

    def take(mentor_id: int) -> str:
        barrier.wait()  # before any statement: on SQLite the first one takes the write lock
        with shared_app.app_context(), writing():
            mentor = db.session.get(service.Mentor, mentor_id)
            mentoring_class = db.session.get(service.MentoringClass, class_id)
            placement = service.take_place(mentor, mentoring_class)
            db.session.commit()
            status = placement.status.name
            db.session.remove()
            return status

    with ThreadPoolExecutor(len(mentor_ids)) as pool:
        statuses = list(pool.map(take, mentor_ids))
    assert sorted(statuses) == ["confirmed"] + ["waiting"] * (len(mentor_ids) - 1)
    with shared_app.app_context():
        confirmed = db.session.scalar(sa.select(sa.func.count()).select_from(Placement).where(
            Placement.class_id == class_id, Placement.status == PlaceStatus.confirmed))
        assert confirmed == 1
