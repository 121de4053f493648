"""Password hashing (Argon2id) and the common-password check."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.matching import RANKED_DICTIONARIES

_hasher = PasswordHasher()
# Hashed once at import, verified against when an email is unknown, so sign-in takes as long
# whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-a-timing-equaliser")
# zxcvbn ships the 30,000 most common passwords from leaked password lists, ranked.
_COMMON = RANKED_DICTIONARIES["passwords"]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; always does the work of one verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def is_common_password(password: str) -> bool:
    """True when the password, or it without trailing digits, is a well-known one."""
    lowered = password.casefold()
    return lowered in _COMMON or lowered.rstrip("0123456789!") in _COMMON
