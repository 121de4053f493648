"""Signed, expiring links carried in mail."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_SALT = "confirm-email"
RESET_SALT = "reset-password"
EMAIL_CHANGE_SALT = "change-email"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(password_hash: str) -> str:
    """A short digest of the current hash: a reset link dies once the password changes."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user) -> str:
    return _serializer(CONFIRM_SALT).dumps({"u": user.id, "e": user.email})


def make_email_change_token(user, new_email: str) -> str:
    # The current address is inside: once the address changes, every older link is dead.
    return _serializer(EMAIL_CHANGE_SALT).dumps({"u": user.id, "e": user.email, "n": new_email})


def make_reset_token(user) -> str:
    return _serializer(RESET_SALT).dumps(
        {"u": user.id, "p": password_fingerprint(user.password_hash)}
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
