"""A mentor's sessions as iCalendar (a download and a private feed)."""

from flask_babel import force_locale, gettext

from ..calendars import Entry, calendar_bytes, uid
from ..mail.service import external_url
from .models import ClassSession
from .service import class_title


def _entry(session: ClassSession, lang: str) -> Entry:
    mentoring_class = session.mentoring_class
    if mentoring_class.online:
        with force_locale(lang):
            location = gettext("Online")
    else:
        location = mentoring_class.address
    return Entry(uid=uid("class-session", session.id), starts_at=session.starts_at,
                 ends_at=session.ends_at, summary=class_title(mentoring_class, lang),
                 stamp=mentoring_class.updated_at, location=location,
                 cancelled=session.cancelled_at is not None,
                 url=external_url("mentoring.class_detail", lang=lang,
                                  class_id=mentoring_class.id))


def sessions_ics(sessions: list[ClassSession], lang: str, *, name: str) -> bytes:
    return calendar_bytes((_entry(session, lang) for session in sessions), name=name)
