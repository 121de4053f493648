"""Password rules, hashing (Argon2id) and the common-password check."""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from ..errors import ValidationError

# OWASP ASVS level 2 (V2.1.1, V2.1.2): at least 12 characters, and at least 128 allowed.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128

_hasher = PasswordHasher()


# Both are made on first use, not at import: every process imports this module (mail workers,
# commands), and the two took a quarter of a second of each one's start.
@cache
def _dummy_hash() -> str:
    """Verified against when an email is unknown, so sign-in takes as long whether or not the
    account exists."""
    return _hasher.hash("not-a-real-password-but-a-timing-equaliser")


@cache
def _common() -> dict[str, int]:
    """The 30,000 most common passwords from leaked password lists, ranked (from zxcvbn)."""
    from zxcvbn.matching import RANKED_DICTIONARIES

    return RANKED_DICTIONARIES["passwords"]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# The hash of an account nobody can sign in to with a password (a deleted account, an invited
# colleague, a resident who reported first and has not chosen a password yet).
NO_PASSWORD = "!"  # noqa: S105 - matches no password


def has_password(password_hash: str | None) -> bool:
    """Whether an account has a password one could sign in with."""
    return bool(password_hash) and password_hash != NO_PASSWORD


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; always does the work of one verification."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def is_common_password(password: str) -> bool:
    """True when the password, or it without trailing digits, is a well-known one."""
    lowered = password.casefold()
    common = _common()
    return lowered in common or lowered.rstrip("0123456789!") in common


def check_password_rules(password: str, *, field: str = "password") -> None:
    """Refuse passwords that are too short, too long or among the commonest."""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            field, _("Use at least %(count)d characters.", count=PASSWORD_MIN_LENGTH)
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(
            field, _("Use at most %(count)d characters.", count=PASSWORD_MAX_LENGTH)
        )
    if is_common_password(password):
        raise ValidationError(
            field, _("This password is too common. Choose one that is harder to guess.")
        )
