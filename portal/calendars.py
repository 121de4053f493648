"""iCalendar files (RFC 5545) written with the ``icalendar`` library: events, class sessions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import icalendar
from flask import current_app

PRODID = "-//Seoul Metropolitan Government//Foreigner Portal//EN"


@dataclass(frozen=True)
class Entry:
    """One calendar entry; times are aware datetimes, written in UTC."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    stamp: datetime
    description: str = ""
    location: str | None = None
    url: str | None = None
    cancelled: bool = False


def uid(kind: str, object_id: int) -> str:
    """A stable identifier: the same entry keeps it in every file and feed."""
    host = current_app.config["SITE_URL"].split("://", 1)[-1].split("/", 1)[0] or "localhost"
    return f"{kind}-{object_id}@{host}"


def calendar_bytes(entries: Iterable[Entry], *, name: str | None = None) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        component = icalendar.Event()
        component.add("uid", entry.uid)
        component.add("dtstamp", entry.stamp)
        component.add("dtstart", entry.starts_at)
        component.add("dtend", entry.ends_at)
        component.add("summary", entry.summary)
        if entry.description:
            component.add("description", entry.description)
        if entry.location:
            component.add("location", entry.location)
        if entry.url:
            component.add("url", entry.url)
        if entry.cancelled:
            component.add("status", "CANCELLED")
        calendar.add_component(component)
    return calendar.to_ical()
