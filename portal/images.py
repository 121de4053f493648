"""Residents' report photos: decoded to prove they are photos, then re-encoded as plain JPEG.

A photo is trusted only once Pillow has decoded every pixel of it; its name and claimed type say
nothing. What we keep is a fresh JPEG, upright, at most ``MAX_SIDE`` pixels on its longest side,
and without any of the original's metadata: phones write the place a photo was taken (EXIF GPS)
into it, and a report must not publish where a resident lives.
"""

import enum
import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass

import pillow_heif
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .errors import ValidationError

pillow_heif.register_heif_opener()

MAX_PHOTO_BYTES = 10 * 1024 * 1024
# A 50-megapixel photo decodes to 150 MB of RGB; phones take 12 to 48 megapixels.
MAX_PIXELS = 50_000_000
MAX_SIDE = 2560
JPEG_QUALITY = 85

# Pillow's decoders for the formats we take; no other decoder ever sees an upload. HEIC and HEIF
# both open as "HEIF"; a JPEG holding several pictures, as many phones write, opens through
# "JPEG" as an "MPO" image, whose first picture is the photo.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
# Images we recognise only to say "this kind is not accepted" instead of "this is not an image".
_REFUSED_FORMATS = ("GIF", "BMP", "TIFF", "AVIF", "ICO", "PSD", "JPEG2000")

# What decoders raise for a file whose header looked right but whose content is broken.
_DAMAGE = (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error, zlib.error)


class PhotoProblem(enum.Enum):
    """Why a photo was refused."""

    not_an_image = "not_an_image"
    unsupported_format = "unsupported_format"
    too_large = "too_large"
    too_many_pixels = "too_many_pixels"
    damaged = "damaged"


class PhotoRejected(ValidationError):
    """An upload that is not a photo we accept; ``reason`` says why, ``message`` tells the user."""

    def __init__(
        self,
        reason: PhotoProblem,
        *,
        field: str | None = None,
        max_bytes: int = MAX_PHOTO_BYTES,
    ):
        super().__init__(field, _message(reason, max_bytes))
        self.reason = reason


def _message(reason: PhotoProblem, max_bytes: int):
    """The lazy message for ``reason``, rendered in the reader's language when shown."""
    if reason is PhotoProblem.too_large:
        return _l(
            "This photo is larger than %(megabytes)d MB. Send a smaller one.",
            megabytes=max_bytes // (1024 * 1024),
        )
    if reason is PhotoProblem.unsupported_format:
        return _l("This kind of image is not accepted. Send a JPEG, PNG, WebP or HEIC photo.")
    if reason is PhotoProblem.too_many_pixels:
        return _l("This photo has too many pixels. Send a smaller one.")
    if reason is PhotoProblem.damaged:
        return _l("This photo is damaged or incomplete. Please send it again.")
    return _l("This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC image.")


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: JPEG bytes without metadata, and their size in pixels."""

    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def photo_byte_limit() -> int:
    """The largest photo accepted, in bytes: the app's MAX_PHOTO_BYTES, or ours outside one."""
    if has_app_context():
        return int(current_app.config.get("MAX_PHOTO_BYTES", MAX_PHOTO_BYTES))
    return MAX_PHOTO_BYTES


def process_photo(data: bytes, *, max_bytes: int | None = None) -> ProcessedPhoto:
    """Decode an uploaded photo and return it upright, shrunk and re-encoded without metadata."""
    if max_bytes is None:
        max_bytes = photo_byte_limit()
    if len(data) > max_bytes:
        raise PhotoRejected(PhotoProblem.too_large, max_bytes=max_bytes)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # Set process-wide by someone else, it would let a cut-off upload decode as half grey.
        raise RuntimeError("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False")
    # Pillow's own bomb check warns (then raises past twice its limit) inside Image.open; turn
    # the warning into an error here rather than rely on how the process filters warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _decode(data)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise PhotoRejected(PhotoProblem.too_many_pixels) from error
    with image:
        image = _flatten_to_rgb(image)
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        # A fresh image carries no info dict: Pillow's JPEG writer would otherwise copy the
        # original's comment, and future versions may copy more.
        clean = Image.new("RGB", image.size)
        clean.paste(image)
    output = io.BytesIO()
    # No optimize=True: its second pass over the file costs three times the encoding for a
    # file a few percent smaller.
    clean.save(output, format="JPEG", quality=JPEG_QUALITY)
    return ProcessedPhoto(data=output.getvalue(), width=clean.width, height=clean.height)


def _decode(data: bytes) -> Image.Image:
    """Open, size-check and fully decode ``data``; return the image turned upright."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as error:
        raise PhotoRejected(_unidentified_problem(data)) from error
    except _DAMAGE as error:
        raise PhotoRejected(PhotoProblem.damaged) from error
    # Checked before any pixel is decoded: a few kilobytes may claim gigapixels.
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise PhotoRejected(PhotoProblem.too_many_pixels)
    try:
        # JPEG only: decode at a reduced scale (1/2, 1/4...) as long as the photo keeps at
        # least three quarters of the size we keep; a phone's 4032-pixel photo then decodes
        # at 2016 pixels, several times faster, and needs no resizing.
        longest = max(image.size)
        if longest > MAX_SIDE:
            goal = MAX_SIDE * 3 / 4
            image.draft("RGB", (math.ceil(image.width * goal / longest),
                                math.ceil(image.height * goal / longest)))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
    except _DAMAGE as error:
        image.close()
        raise PhotoRejected(PhotoProblem.damaged) from error
    return image


def _unidentified_problem(data: bytes) -> PhotoProblem:
    """Tell an image of a kind we refuse (a GIF) from something that is no image at all."""
    try:
        with Image.open(io.BytesIO(data), formats=_REFUSED_FORMATS):
            return PhotoProblem.unsupported_format
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return PhotoProblem.unsupported_format
    except Exception:  # noqa: BLE001 - whatever the parsers make of it, it is not an image
        return PhotoProblem.not_an_image


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """Return ``image`` in RGB, with any transparent parts laid on white."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if not has_alpha:
        return image if image.mode == "RGB" else image.convert("RGB")
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat
