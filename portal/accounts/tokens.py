"""Signed, expiring links carried in mail, and the account each one is for."""

import hashlib
from collections.abc import Callable

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import ValidationError
from ..extensions import db
from .models import User

CONFIRM_SALT = "confirm-email"
RESET_SALT = "reset-password"
EMAIL_CHANGE_SALT = "change-email"
STAFF_INVITATION_SALT = "staff-invitation"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the current hash: a reset link dies once the password changes."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user: User) -> str:
    return _serializer(CONFIRM_SALT).dumps({"u": user.id, "e": user.email})


def make_email_change_token(user: User, new_email: str) -> str:
    # The current address is inside: once the address changes, every older link is dead.
    return _serializer(EMAIL_CHANGE_SALT).dumps({"u": user.id, "e": user.email, "n": new_email})


def make_reset_token(user: User) -> str:
    # Bound to the password (used once) and to the address it was mailed to (a link in the
    # mailbox of an address the account has since left opens nothing).
    return _serializer(RESET_SALT).dumps(
        {"u": user.id, "e": user.email, "p": password_fingerprint(user.password_hash)}
    )


def make_staff_invitation_token(user: User) -> str:
    # Bound to the unusable first password: once the colleague sets theirs, the link is dead.
    return _serializer(STAFF_INVITATION_SALT).dumps(
        {"u": user.id, "e": user.email, "p": password_fingerprint(user.password_hash)}
    )


class TokenError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def read_token(token: str, *, salt: str, max_age: int) -> dict:
    """Return a token's payload, or raise TokenError telling whether it expired."""
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenError(expired=True) from error
    except BadSignature as error:
        raise TokenError(expired=False) from error
    if not isinstance(payload, dict):
        raise TokenError(expired=False)
    return payload


def user_for_token(token: str, *, salt: str, max_age_key: str, expired: str, invalid: str,
                   still_valid: Callable[[User, dict], bool]) -> tuple[User, dict]:
    """Read a mailed link's token; return its live user and payload, or raise ValidationError.

    ``still_valid(user, payload)`` tells whether the account is still in the state the link
    was made for (the same address, the same password).
    """
    try:
        payload = read_token(token, salt=salt, max_age=current_app.config[max_age_key])
    except TokenError as error:
        raise ValidationError(None, expired if error.expired else invalid) from error
    user_id = payload.get("u")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.deleted_at is not None or not still_valid(user, payload):
        raise ValidationError(None, invalid)
    return user, payload
