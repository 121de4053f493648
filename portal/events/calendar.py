"""iCalendar files: one event to download or attach, and a person's feed of their events."""

from collections.abc import Iterable

from ..calendars import Entry, calendar_bytes, uid
from ..mail.service import external_url
from .models import Event
from .service import event_description, event_title


def _entry(event: Event, lang: str) -> Entry:
    description = event_description(event, lang)
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    return Entry(uid=uid("event", event.id), starts_at=event.starts_at, ends_at=event.ends_at,
                 summary=event_title(event, lang), stamp=event.updated_at,
                 description=description, location=event.venue,
                 url=external_url("events.detail", lang=lang, event_id=event.id))


def event_ics(event: Event, lang: str) -> bytes:
    """One event, in ``lang`` (its title and description), times in UTC."""
    return calendar_bytes([_entry(event, lang)])


def feed_ics(events: Iterable[Event], lang: str, *, name: str) -> bytes:
    return calendar_bytes((_entry(event, lang) for event in events), name=name)
