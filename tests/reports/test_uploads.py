"""Photos sent with reports over HTTP: what is not a photo is refused, what is kept is clean."""

import io
import re

import pytest
import sqlalchemy as sa
from markupsafe import escape
from PIL import Image

from portal.extensions import db
from portal.reports.models import EventKind, Report, ReportPhoto
from tests.core.test_images import GPS_IFD, encode, gps_exif, noisy_jpeg, picture, png_claiming
from tests.fixtures.reports import jpeg_bytes
from tests.support.html import field_attributes
from tests.support.i18n import translated
from tests.support.reports import (
    events_of,
    follow_up,
    kept_value,
    photos_of,
    read_stored,
    report_count,
    report_form,
    send_report,
    stored_files,
    stored_photo,
    unsign,
)

MB = 1024 * 1024
TITLE = "Broken streetlight on Mapo-ro"
NOT_A_PHOTO = "This file is not a photo we can read. Send a JPEG, PNG, WebP or HEIC image."
TOO_MANY_PIXELS = "This photo has too many pixels. Send a smaller one."
DAMAGED = "This photo is damaged or incomplete. Please send it again."
UNSUPPORTED = "This kind of image is not accepted. Send a JPEG, PNG, WebP or HEIC photo."
TOO_LARGE = "This photo is larger than %(megabytes)d MB. Send a smaller one."
TOO_MANY_PHOTOS = "A report holds at most %(num)d photos; the others were not added."

ATTACKS = {
    "html": (b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
             NOT_A_PHOTO),
    "svg": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>', NOT_A_PHOTO),
    "bomb": (png_claiming(100_000, 100_000), TOO_MANY_PIXELS),
    "truncated": (noisy_jpeg()[:20_000], DAMAGED),
    "gif": (encode(picture(), "GIF"), UNSUPPORTED),
    "oversized": (b"\xff\xd8\xff" + bytes(11 * MB), TOO_LARGE),
}


def photo_errors(html: str) -> str:
    """The text of the error under the photos field."""
    match = re.search(r'<p class="error" id="photos-error">(.*?)</p>', html, re.S)
    assert match, "no error on the photos field"
    return match.group(1)


def shown(app, message: str) -> str:
    """A photo problem as an English page shows it."""
    return str(escape(translated(app, "en", message, megabytes=10, num=5)))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_file_that_is_not_an_acceptable_photo_is_refused_and_nothing_is_stored(
        app, client, login, resident, categories, attack):
    data, problem = ATTACKS[attack]
    files = stored_files(app)
    login(resident)

    response = send_report(client, report_form(
        categories, title=TITLE, photos=(io.BytesIO(data), f"{attack}.jpg"),
    ), lang="en")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    errors = photo_errors(html)
    assert f"{attack}.jpg" in errors
    assert shown(app, problem) in errors
    # What was typed survives the refused file.
    assert field_attributes(html, "title")["value"] == TITLE
    assert field_attributes(html, "kept_photos")["value"] == ""
    assert report_count() == 0
    assert stored_files(app) == files


def test_an_oversized_photo_does_not_lose_the_good_one_beside_it(app, client, login, resident,
                                                                categories):
    files = stored_files(app)
    login(resident)

    response = send_report(client, report_form(categories, title=TITLE, photos=[
        (io.BytesIO(b"\xff\xd8\xff" + bytes(11 * MB)), "huge.jpg"),
        (io.BytesIO(jpeg_bytes()), "small.jpg"),
    ]), lang="en")

    html = response.get_data(as_text=True)
    assert "huge.jpg" in photo_errors(html) and "small.jpg" not in photo_errors(html)
    [kept] = unsign(app, field_attributes(html, "kept_photos")["value"])
    assert {path.relative_to(app.config["STORAGE_DIR"]).as_posix()
            for path in stored_files(app) - files} == {kept.key}
    assert report_count() == 0


def test_a_photo_with_a_location_is_accepted_and_stored_without_any_exif(app, client, login,
                                                                        resident, categories):
    data = encode(picture(), "JPEG", exif=gps_exif().tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the upload has a place
    login(resident)

    response = send_report(client, report_form(categories, photos=(io.BytesIO(data),
                                                                   "IMG_0001.jpg")))

    assert response.status_code == 302
    [row] = db.session.scalars(sa.select(ReportPhoto)).all()
    stored = read_stored(app, row.storage_key)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert len(image.getexif()) == 0
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    served = client.get(f"/en/reports/{row.report_id}/photos/{row.id}.jpg")
    assert served.data == stored
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_a_png_is_stored_as_a_jpeg(app, client, login, resident, categories):
    login(resident)
    response = send_report(client, report_form(
        categories, photos=(io.BytesIO(encode(picture(), "PNG")), "screenshot.png")))
    assert response.status_code == 302
    [row] = db.session.scalars(sa.select(ReportPhoto)).all()
    assert read_stored(app, row.storage_key)[:3] == b"\xff\xd8\xff"


def test_a_sixth_photo_is_refused_and_the_first_five_are_kept(app, client, login, resident,
                                                             categories):
    login(resident)
    uploads = [(io.BytesIO(jpeg_bytes(color=(n * 40, 0, 0))), f"p{n}.jpg") for n in range(6)]

    response = send_report(client, report_form(categories, photos=uploads), lang="en")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert shown(app, TOO_MANY_PHOTOS) in photo_errors(html)
    value = field_attributes(html, "kept_photos")["value"]
    assert len(unsign(app, value)) == 5
    assert report_count() == 0

    assert send_report(client, report_form(categories, kept_photos=value)).status_code == 302
    assert len(photos_of(db.session.scalars(sa.select(Report)).one())) == 5


def test_sending_the_same_kept_photo_twice_files_it_once(app, client, login, resident,
                                                        categories):
    login(resident)
    value = kept_value(client, categories)
    [kept] = unsign(app, value)
    assert send_report(client, report_form(categories, kept_photos=value)).status_code == 302

    again = send_report(client, report_form(categories, kept_photos=value))  # a double click

    assert again.status_code == 302
    first, second = db.session.scalars(sa.select(Report).order_by(Report.id)).all()
    assert [row.storage_key for row in photos_of(first)] == [kept.key]
    assert photos_of(second) == []


def test_removing_a_kept_photo_never_deletes_a_filed_reports_photo(app, client, login,
                                                                   resident, categories):
    login(resident)
    value = kept_value(client, categories)
    [kept] = unsign(app, value)
    assert send_report(client, report_form(categories, kept_photos=value)).status_code == 302
    [row] = db.session.scalars(sa.select(ReportPhoto)).all()

    send_report(client, report_form(categories, kept_photos=value, remove_photo=kept.key))

    assert client.get(f"/en/reports/{row.report_id}/photos/{row.id}.jpg").status_code == 200


# Follow-ups


@pytest.mark.parametrize("attack", ["html", "svg", "oversized"])
def test_a_follow_up_with_a_bad_file_adds_nothing_and_keeps_no_file(app, client, login,
                                                                   resident, create_report,
                                                                   attack):
    report = create_report(reporter=resident)
    files = stored_files(app)
    login(resident)
    data, problem = ATTACKS[attack]

    response = follow_up(client, report, {
        "message": "Two more photos of the leak",
        "photos": [(io.BytesIO(jpeg_bytes()), "good.jpg"), (io.BytesIO(data), "bad.jpg")],
    }, lang="en")

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert shown(app, problem) in photo_errors(html)
    assert "Two more photos of the leak" in html
    assert events_of(report, EventKind.follow_up) == []
    assert photos_of(report) == []
    assert stored_files(app) == files


def test_a_report_takes_at_most_five_photos_with_its_follow_ups(app, client, login, resident,
                                                               create_report):
    report = create_report(reporter=resident,
                           photos=[stored_photo(app) for _ in range(4)])
    login(resident)

    response = follow_up(client, report, {"photos": [
        (io.BytesIO(jpeg_bytes()), "fifth.jpg"), (io.BytesIO(jpeg_bytes()), "sixth.jpg"),
    ]}, lang="en")

    assert response.status_code == 400
    assert shown(app, TOO_MANY_PHOTOS) in photo_errors(response.get_data(as_text=True))
    assert len(photos_of(report)) == 4
    assert events_of(report, EventKind.follow_up) == []
