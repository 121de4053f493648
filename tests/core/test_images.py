"""Report photos: only decodable JPEG, PNG, WebP and HEIC are kept, as clean upright JPEGs.

The uploads part drives a throwaway Flask app whose request class is ``PortalRequest``, so an
oversized file is cut short while the rest of the form still arrives.
"""

import io
import struct
import time
import uuid
import warnings
import zlib

import pillow_heif
import pytest
from flask import Flask, request
from flask_babel.speaklater import LazyString
from PIL import Image
from werkzeug.datastructures import FileStorage

from portal import uploads
from portal.errors import ValidationError
from portal.images import (
    MAX_PHOTO_BYTES,
    MAX_SIDE,
    PhotoProblem,
    PhotoRejected,
    ProcessedPhoto,
    process_photo,
)
from portal.uploads import CappedFileStream, upload_too_large

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MB = 1024 * 1024

pillow_heif.register_heif_opener()


def picture(size=(64, 48), mode="RGB"):
    """A left-red, right-blue picture, so both its content and its rotation can be checked."""
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    return image.convert(mode)


def encode(image, fmt, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def noisy_jpeg() -> bytes:
    """A JPEG big enough that cutting it in half loses real image data."""
    return encode(Image.effect_noise((400, 300), 80).convert("RGB"), "JPEG", quality=95)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (37.0, 33.0, 59.0)
    gps[3] = "E"
    gps[4] = (126.0, 58.0, 40.0)
    return exif


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1×1 PNG whose header (with a correct CRC) claims ``width``×``height`` pixels."""
    data = bytearray(encode(Image.new("1", (1, 1)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def reopen(photo: ProcessedPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(photo.data))
    image.load()
    return image


def rejection(data: bytes) -> PhotoProblem:
    with pytest.raises(PhotoRejected) as caught:
        process_photo(data)
    return caught.value.reason


# Accepted formats


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_comes_back_as_the_same_picture_in_jpeg(fmt):
    data = encode(picture(), fmt)
    if fmt == "HEIF":
        assert data[4:12] == b"ftypheic"  # a real HEIC, as iPhones write it

    photo = process_photo(data)

    assert photo.content_type == "image/jpeg"
    assert photo.data[:3] == b"\xff\xd8\xff"
    image = reopen(photo)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (photo.width, photo.height) == (64, 48)
    red, _, blue = image.getpixel((8, 24))
    assert red > 150 and blue < 100
    red, _, blue = image.getpixel((56, 24))
    assert blue > 150 and red < 100


def test_a_multi_picture_jpeg_from_a_phone_is_accepted_as_its_first_picture():
    second = Image.new("RGB", (64, 48), "green")
    data = encode(picture(), "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    photo = process_photo(data)

    image = reopen(photo)
    assert getattr(image, "n_frames", 1) == 1
    assert image.getpixel((8, 24))[0] > 150


# Refused files


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script></svg>",
        b"Just some text, not a photo.\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b"",
    ],
    ids=["html", "svg", "text", "pdf", "empty"],
)
def test_files_that_are_not_images_are_refused_whatever_they_are_called(data):
    assert rejection(data) is PhotoProblem.not_an_image


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "AVIF"])
def test_images_of_other_kinds_are_refused_as_unsupported(fmt):
    assert rejection(encode(picture(), fmt)) is PhotoProblem.unsupported_format


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8_000, 8_000),  # 64 Mpx: under Pillow's own limit, over ours
        (10_000, 10_000),  # 100 Mpx: Pillow warns
        (100_000, 100_000),  # 10 Gpx: Pillow raises
    ],
)
def test_a_small_file_claiming_huge_dimensions_is_refused_before_decoding(width, height):
    data = png_claiming(width, height)
    assert len(data) < 100

    started = time.perf_counter()
    # Had the pixels been decoded, the missing data would make this "damaged" instead.
    assert rejection(data) is PhotoProblem.too_many_pixels
    assert time.perf_counter() - started < 1


def test_pillows_bomb_warning_becomes_a_refusal_whatever_the_warning_filters():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert rejection(png_claiming(10_000, 10_000)) is PhotoProblem.too_many_pixels
    assert caught == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_cut_off_image_is_refused_as_damaged(fmt):
    noise = Image.effect_noise((400, 300), 80).convert("RGB")
    data = encode(noise, fmt) if fmt != "JPEG" else noisy_jpeg()
    process_photo(data)  # whole, it is fine

    assert rejection(data[: len(data) // 2]) is PhotoProblem.damaged


def test_an_oversized_file_is_refused_before_any_decoding():
    # A JPEG marker then zeros: decoding it would call it damaged.
    data = b"\xff\xd8\xff" + bytes(11 * MB)

    assert rejection(data) is PhotoProblem.too_large


def test_a_file_of_exactly_the_limit_is_not_refused_for_its_size(monkeypatch, app):
    data = noisy_jpeg()
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", len(data))
    assert process_photo(data).width == 400

    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", len(data) - 1)
    assert rejection(data) is PhotoProblem.too_large


def test_a_refusal_carries_a_message_rendered_when_shown(app):
    with pytest.raises(PhotoRejected) as too_large:
        process_photo(bytes(MAX_PHOTO_BYTES + 1))
    with pytest.raises(PhotoRejected) as not_an_image:
        process_photo(b"<html></html>")

    assert isinstance(too_large.value, ValidationError)
    assert too_large.value.field is None
    assert isinstance(too_large.value.message, LazyString)
    with app.test_request_context("/en/"):
        assert (
            str(too_large.value.message) == "This photo is larger than 10 MB. Send a smaller one."
        )
        assert str(not_an_image.value.message) == (
            "This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC image."
        )


# What comes out


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_gps_and_all_other_exif_are_removed(fmt):
    data = encode(picture(), fmt, exif=gps_exif().tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the input has a location

    photo = process_photo(data)

    assert len(reopen(photo).getexif()) == 0
    assert b"Exif" not in photo.data
    assert b"PhoneMaker" not in photo.data


def test_comments_xmp_and_colour_profiles_are_removed():
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description>SecretPlace</rdf:Description></rdf:RDF>'
        b"</x:xmpmeta>"
    )
    icc = b"\0" * 128 + b"FakeProfileData"
    data = encode(picture(), "JPEG", comment=b"Home: 12 Mapo-ro", xmp=xmp, icc_profile=icc)
    info = Image.open(io.BytesIO(data)).info
    assert {"comment", "xmp", "icc_profile"} <= info.keys()

    photo = process_photo(data)

    assert not {"comment", "xmp", "icc_profile", "exif"} & reopen(photo).info.keys()
    for secret in (b"Mapo-ro", b"SecretPlace", b"xmpmeta", b"ICC_PROFILE", b"FakeProfile"):
        assert secret not in photo.data


def test_a_photo_taken_sideways_is_turned_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # the camera was turned: rotate 90° clockwise to view
    data = encode(picture((60, 40)), "JPEG", exif=exif.tobytes())

    photo = process_photo(data)

    assert (photo.width, photo.height) == (40, 60)
    image = reopen(photo)
    # The red left half of the stored pixels is the top once turned clockwise.
    assert image.getpixel((20, 5))[0] > 150
    assert image.getpixel((20, 55))[2] > 150


def test_a_big_photo_is_shrunk_to_the_longest_side_limit():
    photo = process_photo(encode(picture((3200, 1200)), "JPEG"))

    assert (photo.width, photo.height) == (MAX_SIDE, 960)
    assert reopen(photo).size == (MAX_SIDE, 960)


def test_transparency_is_laid_on_white():
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 0, 16, 32))

    photo = reopen(process_photo(encode(image, "PNG")))

    assert photo.mode == "RGB"
    assert min(photo.getpixel((28, 16))) > 240  # transparent: white, not black
    assert max(photo.getpixel((4, 16))) < 20


# Uploads cut short at the limit


def upload_app(**config) -> Flask:
    """A bare app with the portal's request class and one view that reports what it got."""
    app = Flask(__name__)
    app.config.update(config)
    uploads.init_app(app)

    @app.post("/upload")
    def upload():
        """Report the form and files as the view saw them."""
        seen = {"note": request.form.get("note"), "files": {}}
        for name, file in request.files.items():
            stream = file.stream
            kept = file.read()
            problem = None
            try:
                process_photo(kept)
            except PhotoRejected as error:
                problem = error.reason.name
            seen["files"][name] = {
                "kept": len(kept),
                "too_large": upload_too_large(file),
                "truncated": getattr(stream, "truncated", None),
                "capped": isinstance(stream, CappedFileStream),
                "problem": problem,
            }
        return seen

    return app


def multipart(*parts) -> tuple[bytes, str]:
    """A multipart body in exactly this order: (name, value) fields, (name, file, bytes) files."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for part in parts:
        body.write(f"--{boundary}\r\n".encode())
        if len(part) == 2:
            name, value = part
            body.write(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            body.write(value.encode())
        else:
            name, filename, content = part
            body.write(
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: image/jpeg\r\n\r\n".encode()
            )
            body.write(content)
        body.write(b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def post(app: Flask, *parts) -> dict:
    body, content_type = multipart(*parts)
    response = app.test_client().post("/upload", data=body, content_type=content_type)
    assert response.status_code == 200
    return response.get_json()


def test_an_oversized_upload_is_cut_short_and_the_rest_of_the_form_kept():
    small = encode(picture(), "JPEG")

    seen = post(
        upload_app(),
        ("photo", "big.jpg", b"\xff\xd8\xff" + bytes(11 * MB)),
        ("note", "The streetlight on Mapo-ro is broken"),
        ("second", "small.jpg", small),
    )

    assert seen["note"] == "The streetlight on Mapo-ro is broken"
    big = seen["files"]["photo"]
    assert big["capped"] and big["truncated"] and big["too_large"]
    assert big["kept"] == MAX_PHOTO_BYTES + 1
    assert big["problem"] == "too_large"
    assert seen["files"]["second"] == {
        "kept": len(small),
        "too_large": False,
        "truncated": False,
        "capped": True,
        "problem": None,
    }


def test_the_upload_cap_follows_the_app_setting_to_the_byte():
    seen = post(
        upload_app(MAX_PHOTO_BYTES=1000),
        ("at_limit", "a.jpg", b"a" * 1000),
        ("one_over", "b.jpg", b"b" * 1001),
        ("far_over", "c.jpg", b"c" * 5000),
    )

    files = seen["files"]
    assert (files["at_limit"]["kept"], files["at_limit"]["too_large"]) == (1000, False)
    assert (files["one_over"]["kept"], files["one_over"]["too_large"]) == (1001, True)
    assert not files["one_over"]["truncated"]  # nothing had to be dropped
    assert (files["far_over"]["kept"], files["far_over"]["too_large"]) == (1001, True)
    assert files["far_over"]["truncated"]


def test_an_html_file_claiming_to_be_a_jpeg_is_refused_as_not_an_image():
    seen = post(upload_app(), ("photo", "photo.jpg", b"<html><script>alert(1)</script></html>"))

    assert seen["files"]["photo"]["problem"] == "not_an_image"


def test_the_capped_stream_spools_large_files_to_disk_and_reads_back():
    stream = CappedFileStream(2 * MB)
    for _ in range(3):
        stream.write(b"x" * MB)

    assert stream._rolled  # past werkzeug's in-memory size, as its default stream does
    assert (stream.received, stream.kept, stream.truncated) == (3 * MB, 2 * MB + 1, True)
    stream.seek(0)
    assert len(stream.read()) == 2 * MB + 1
    stream.close()


def test_too_large_is_measured_for_files_parsed_by_another_request_class(monkeypatch, app):
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 100)
    over = FileStorage(io.BytesIO(b"x" * 101), "a.jpg")
    at_limit = FileStorage(io.BytesIO(b"x" * 100), "b.jpg")
    over.stream.seek(7)

    assert upload_too_large(over)
    assert not upload_too_large(at_limit)
    assert over.stream.tell() == 7
