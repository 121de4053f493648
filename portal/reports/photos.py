"""Photos sent with a report: checked, re-encoded, stored, and kept across a form's retries."""

from dataclasses import dataclass

from flask_babel import gettext as _

from ..images import PhotoRejected, process_photo
from ..signing import sign as sign_value
from ..signing import unsign as unsign_value
from ..storage import get_storage

MAX_PHOTOS = 5


@dataclass(frozen=True)
class StoredPhoto:
    """A checked photo already in storage, waiting to join its report."""

    key: str
    width: int
    height: int
    size: int


SALT = "report-photos"


def sign(photos: list[StoredPhoto]) -> str:
    """The photos as a hidden field's value that nobody can alter to point at other files."""
    if not photos:
        return ""
    return sign_value([[p.key, p.width, p.height, p.size] for p in photos], salt=SALT)


def unsign(value: str | None) -> list[StoredPhoto]:
    """The photos a form kept from an earlier try; a tampered value keeps none."""
    if not value:
        return []
    rows = unsign_value(value, salt=SALT)
    photos = []
    for row in rows if isinstance(rows, list) else []:
        try:
            key, width, height, size = row
            photos.append(StoredPhoto(str(key), int(width), int(height), int(size)))
        except (TypeError, ValueError):
            continue
    return photos


def store_uploads(field, *, room: int) -> list[StoredPhoto]:
    """Check and store the files of an upload field, at most ``room`` of them.

    A file that is not a photo we accept gets an error on the field (in the page's language)
    and is not stored; the good ones are, so a retry of the form does not lose them. A file
    over the size limit arrives cut short (``portal.uploads``) and is refused as too large.
    """
    stored: list[StoredPhoto] = []
    for upload in field.data or []:
        if len(stored) >= room:
            field.errors.append(_("A report holds at most %(num)d photos; the others were not "
                                  "added.", num=MAX_PHOTOS))
            break
        try:
            photo = process_photo(upload.read())
        except PhotoRejected as error:
            field.errors.append(_("%(file)s: %(problem)s", file=upload.filename or "?",
                                  problem=str(error.message)))
            continue
        key = get_storage().save(photo.data, suffix=".jpg")
        stored.append(StoredPhoto(key, photo.width, photo.height, len(photo.data)))
    return stored


def discard(photos: list[StoredPhoto]) -> None:
    """Delete photos stored for a form that was refused and keeps none for its next try."""
    for photo in photos:
        get_storage().delete(photo.key)
