"""iCalendar files: one event to download or attach, and a person's feed of their events."""

from collections.abc import Iterable

import icalendar
from flask import current_app

from ..mail.service import external_url
from .models import Event
from .service import event_description, event_title


def _uid(event: Event) -> str:
    host = current_app.config["SITE_URL"].split("://", 1)[-1].split("/", 1)[0] or "localhost"
    return f"event-{event.id}@{host}"


def _component(event: Event, lang: str) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", _uid(event))
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event_title(event, lang))
    description = event_description(event, lang)
    if event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        entry.add("description", description)
    if event.venue:
        entry.add("location", event.venue)
    entry.add("url", external_url("events.detail", lang=lang, event_id=event.id))
    return entry


def _calendar(events: Iterable[Event], lang: str, *, name: str | None = None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Seoul Metropolitan Government//Foreigner Portal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_component(event, lang))
    return calendar.to_ical()


def event_ics(event: Event, lang: str) -> bytes:
    """One event, in ``lang`` (its title and description), times in UTC."""
    return _calendar([event], lang)


def feed_ics(events: Iterable[Event], lang: str, *, name: str) -> bytes:
    return _calendar(events, lang, name=name)
