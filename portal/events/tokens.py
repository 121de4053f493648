"""Signed links carried in mail: a guest's answer page and a person's calendar feed.

They hold ids and a signature, nothing else: unguessable without the secret key, and any
change to them breaks the signature. An answer link works as long as its invitation exists.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

RSVP_SALT = "events-rsvp"
CALENDAR_SALT = "events-calendar"


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def rsvp_token(invitation_id: int, event_id: int, contact_id: int) -> str:
    # Event and contact are inside too: an id given again to another row opens nothing.
    return _serializer(RSVP_SALT).dumps([invitation_id, event_id, contact_id])


def read_rsvp_token(token: str) -> tuple[int, int, int] | None:
    try:
        value = _serializer(RSVP_SALT).loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 3
            and all(isinstance(part, int) for part in value)):
        return None
    return value[0], value[1], value[2]


def calendar_token(contact_id: int) -> str:
    return _serializer(CALENDAR_SALT).dumps(contact_id)


def read_calendar_token(token: str) -> int | None:
    try:
        value = _serializer(CALENDAR_SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
