"""Email addresses as the portal stores and compares them."""

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .errors import ValidationError


def normalise_email(address: str, *, field: str = "email") -> str:
    """Return the canonical, lower-case form of an address, or raise ValidationError.

    NFKC first: Chinese and Japanese keyboards type full-width letters and signs
    (``ｌｉｗｅｉ＠example.cn``, ``。`` for a dot), which are the same address.
    """
    folded = unicodedata.normalize("NFKC", address).strip()
    try:
        result = validate_email(folded, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(field, _("Enter a valid email address.")) from error
    return result.normalized.lower()


def email_key(address: str) -> str:
    """The form of an address to count attempts against: normalised when it is valid."""
    try:
        return normalise_email(address)
    except ValidationError:
        return unicodedata.normalize("NFKC", address).strip().lower()
