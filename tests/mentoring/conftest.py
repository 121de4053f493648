"""Factories for mentoring: an approved mentor, a class with its sessions."""

from datetime import date, time, timedelta

import pytest

from portal.districts import District
from portal.extensions import db
from portal.mentoring import service
from portal.mentoring.models import ClassLevel, KoreanLevel, Program, Weekday

AVAILABLE = [{"day": "saturday", "start": "09:00", "end": "18:00"},
             {"day": "wednesday", "start": "18:00", "end": "22:00"}]


def application_values(**changes) -> dict:
    values = {
        "programs": ["korean", "native_language"],
        "languages": [{"code": "vi", "level": "native"}, {"code": "ko", "level": "c1"}],
        "korean_level": KoreanLevel.topik6, "districts": ["guro", "mapo"], "online": True,
        "availability": AVAILABLE, "experience": "Taught at a church school.",
        "motivation": "I want to help families like mine.", "code_accepted": True,
    }
    values.update(changes)
    return values


@pytest.fixture
def make_mentor(create_user, staff_user):
    """Return a factory: an approved mentor (``check=True`` gives a valid safety check)."""

    def factory(*, check: bool = False, user=None, **changes):
        user = user or create_user()
        application = service.save_application(user, submit=True,
                                                **application_values(**changes))
        mentor = service.review(application, "approve", by=staff_user)
        if check:
            mentor.check_date = date.today() - timedelta(days=10)
            mentor.check_expires = date.today() + timedelta(days=700)
        db.session.commit()
        return mentor

    return factory


@pytest.fixture
def make_class(staff_user):
    """Return a factory: a class starting next week, weekly for ``weeks`` weeks."""

    def factory(*, weeks: int = 4, **changes):
        first = service.today_in_seoul() + timedelta(days=7)
        values = {
            "program": Program.native_language, "language": "vi",
            "level": ClassLevel.beginner,
            "titles": {"en": "Vietnamese for children", "vi": "Tiếng Việt cho trẻ em"},
            "descriptions": {"en": "Songs and stories."}, "district": District.guro,
            "address": "Guro Family Centre, 2F", "online": False,
            "weekday": Weekday.saturday, "start_time": time(10, 0), "end_time": time(12, 0),
            "first_date": first, "last_date": first + timedelta(days=7 * weeks - 1),
            "learner_capacity": 10, "mentor_places": 2, "children": False,
        }
        values.update(changes)
        mentoring_class = service.save_class(None, by=staff_user, **values)
        db.session.commit()
        return mentoring_class

    return factory


@pytest.fixture
def one_mentor_two_classes(make_class, make_mentor, create_user):
    """Lan Pham, with a place in "Saturday Vietnamese" and in "Sunday Vietnamese"."""
    mentor = make_mentor(user=create_user(name="Lan Pham"))
    saturday = make_class(titles={"en": "Saturday Vietnamese"})
    sunday = make_class(weekday=Weekday.sunday, titles={"en": "Sunday Vietnamese"})
    service.take_place(mentor, saturday)
    service.take_place(mentor, sunday)
    db.session.commit()
    return mentor, saturday, sunday
