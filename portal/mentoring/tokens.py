"""The signed address of a mentor's private calendar feed (``portal.signing``)."""

from ..signing import sign, unsign

SALT = "mentoring-calendar"


def calendar_token(mentor_id: int) -> str:
    return sign(mentor_id, salt=SALT)


def read_calendar_token(token: str) -> int | None:
    value = unsign(token, salt=SALT)
    return value if isinstance(value, int) else None
