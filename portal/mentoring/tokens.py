"""The signed address of a mentor's private calendar feed."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "mentoring-calendar"


def calendar_token(mentor_id: int) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).dumps(mentor_id)


def read_calendar_token(token: str) -> int | None:
    try:
        value = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
