"""Signed links carried in mail: a guest's answer page and a person's calendar feed.

They hold ids and a signature, nothing else (``portal.signing``). An answer link works as long
as its invitation exists.
"""

from ..signing import sign, unsign

RSVP_SALT = "events-rsvp"
CALENDAR_SALT = "events-calendar"


def rsvp_token(invitation_id: int, event_id: int, contact_id: int) -> str:
    # Event and contact are inside too: an id given again to another row opens nothing.
    return sign([invitation_id, event_id, contact_id], salt=RSVP_SALT)


def read_rsvp_token(token: str) -> tuple[int, int, int] | None:
    value = unsign(token, salt=RSVP_SALT)
    if not (isinstance(value, list) and len(value) == 3
            and all(isinstance(part, int) for part in value)):
        return None
    return value[0], value[1], value[2]


def calendar_token(contact_id: int) -> str:
    return sign(contact_id, salt=CALENDAR_SALT)


def read_calendar_token(token: str) -> int | None:
    value = unsign(token, salt=CALENDAR_SALT)
    return value if isinstance(value, int) else None
