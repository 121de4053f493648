"""Demo mentoring: classes of both programs in several languages and districts with their
sessions, an approved mentor with places and recorded attendance, an application waiting for
a decision, and a family's place in a class."""

from datetime import time, timedelta

import sqlalchemy as sa

from ..accounts.demo import STAFF_EMAIL
from ..accounts.service import find_user_by_email
from ..columns import utcnow
from ..districts import District
from ..extensions import db
from . import service
from .models import ClassLevel, KoreanLevel, MentoringClass, Program, Weekday


def _texts(en, ko, zh, ja, vi) -> dict[str, str]:
    return {"en": en, "ko": ko, "zh": zh, "ja": ja, "vi": vi}


# (program, language, level, titles, district, address, online, weekday, start, end,
#  learners, mentor places, children)
CLASSES = [
    (Program.korean, "ko", ClassLevel.beginner,
     _texts("Everyday Korean for parents", "부모를 위한 생활 한국어", "家长生活韩语",
            "保護者のための生活韓国語", "Tiếng Hàn giao tiếp cho phụ huynh"),
     District.guro, "Guro Multicultural Family Support Centre, 3F", False, Weekday.saturday,
     time(10, 0), time(12, 0), 12, 2, False),
    (Program.native_language, "vi", ClassLevel.beginner,
     _texts("Vietnamese for children", "어린이 베트남어 교실", "儿童越南语班",
            "子どものためのベトナム語教室", "Lớp tiếng Việt cho thiếu nhi"),
     District.geumcheon, "Geumcheon Family Centre, Room 2", False, Weekday.saturday,
     time(14, 0), time(16, 0), 10, 2, True),
    (Program.native_language, "zh", ClassLevel.elementary,
     _texts("Chinese stories for children", "어린이 중국어 이야기 교실", "儿童中文故事班",
            "子どものための中国語おはなし教室", "Lớp kể chuyện tiếng Trung cho thiếu nhi"),
     District.gwanak, "Gwanak Library, Seminar Room", False, Weekday.wednesday,
     time(17, 0), time(18, 30), 8, 1, True),
    (Program.korean, "ko", ClassLevel.intermediate,
     _texts("Korean for work and paperwork (online)", "직장·행정 한국어 (온라인)",
            "职场与办事韩语（线上）", "仕事と手続きの韓国語（オンライン）",
            "Tiếng Hàn cho công việc và thủ tục (trực tuyến)"),
     None, None, True, Weekday.wednesday, time(20, 0), time(21, 30), 20, 2, False),
]

MENTOR_EMAIL = "lan.nguyen@example.vn"
APPLICANT_EMAIL = "wang.xiaoming@example.cn"
FAMILY_EMAIL = "maria.santos@example.ph"


def seed() -> str | None:
    """Add the demo classes, mentor, application and family place through the services."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(MentoringClass)):
        return None
    staff = find_user_by_email(STAFF_EMAIL)
    mentor_user = find_user_by_email(MENTOR_EMAIL)
    if staff is None or mentor_user is None:
        return None
    # Classes that began four weeks ago, so some sessions are past and have attendance.
    first = service.today_in_seoul() - timedelta(days=28)
    classes = []
    for (program, language, level, titles, district, address, online, weekday, start, end,
         learners, places, children) in CLASSES:
        classes.append(service.save_class(
            None, by=staff, program=program, language=language, level=level, titles=titles,
            descriptions={}, district=district, address=address, online=online,
            weekday=weekday, start_time=start, end_time=end, first_date=first,
            last_date=first + timedelta(weeks=16), learner_capacity=learners,
            mentor_places=places, children=children))
    _past_sessions(classes)
    application = service.save_application(
        mentor_user, submit=True, programs=["korean", "native_language"],
        languages=[{"code": "vi", "level": "native"}, {"code": "ko", "level": "c1"},
                   {"code": "en", "level": "b2"}],
        korean_level=KoreanLevel.topik5, districts=["geumcheon", "guro", "gwanak"],
        online=True, availability=[{"day": "saturday", "start": "09:00", "end": "17:00"},
                                   {"day": "wednesday", "start": "19:00", "end": "22:00"}],
        experience="Volunteer interpreter at the Geumcheon Family Centre for three years.",
        motivation="I was helped when I arrived; I would like to help other families.",
        code_accepted=True)
    mentor = service.review(application, "approve", by=staff)
    service.record_check(mentor, checked_on=service.today_in_seoul() - timedelta(days=90),
                         expires_on=service.today_in_seoul() + timedelta(days=640), by=staff)
    mentor.max_classes = 3
    korean, vietnamese = classes[0], classes[1]
    service.take_place(mentor, korean, by=staff)
    service.take_place(mentor, vietnamese)
    family = find_user_by_email(FAMILY_EMAIL)
    if family is not None:
        enrolment = service.request_enrolment(family, korean, learner_name=family.name,
                                              child=False)
        service.decide_enrolment(enrolment, confirm=True, by=staff)
        service.request_enrolment(family, vietnamese, learner_name="Sofia Santos", child=True)
    for session in db.session.scalars(service.sessions_of(korean)).all():
        if session.ends_at < utcnow():
            service.record_attendance(session, mentors_present=[mentor.id],
                                      learners_present=[], by=staff)
    applicant = find_user_by_email(APPLICANT_EMAIL)
    if applicant is not None:
        service.save_application(
            applicant, submit=True, programs=["native_language"],
            languages=[{"code": "zh", "level": "native"}, {"code": "ko", "level": "b1"}],
            korean_level=KoreanLevel.topik3, districts=["guro", "gwanak"], online=False,
            availability=[{"day": "wednesday", "start": "16:00", "end": "20:00"}],
            experience="", motivation="I teach my own children Chinese at home.",
            code_accepted=True)
    return f"{len(classes)} classes, 1 mentor, 1 application waiting, 1 family place"


def _past_sessions(classes: list[MentoringClass]) -> None:
    """The seeder runs today: give the classes their four past weeks of sessions too."""
    from .models import ClassSession

    for mentoring_class in classes:
        day = mentoring_class.first_date
        day += timedelta(days=(mentoring_class.weekday.number - day.weekday()) % 7)
        while day < service.today_in_seoul():
            starts = service.seoul_datetime(day, mentoring_class.start_time)
            if starts < utcnow():
                db.session.add(ClassSession(
                    class_id=mentoring_class.id, starts_at=starts,
                    ends_at=service.seoul_datetime(day, mentoring_class.end_time)))
            day += timedelta(days=7)
    db.session.flush()


