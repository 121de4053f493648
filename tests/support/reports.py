"""Drive the residents' report pages, and look at what they stored."""

import io
import mimetypes
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.extensions import db
from portal.reports import photos, service
from portal.reports.models import EventKind, Report, ReportEvent, ReportPhoto
from portal.storage import get_storage
from tests.fixtures.reports import jpeg_bytes
from tests.support.html import field_attributes
from tests.support.http import csrf_token

VIETNAMESE_TITLE = "Vỉa hè trước nhà bị hỏng"
VIETNAMESE_TEXT = ("Vỉa hè trước nhà tôi bị hỏng nặng từ tuần trước. Người già và trẻ em rất dễ "
                   "bị ngã khi đi qua đây vào buổi tối.")


def report_form(categories, **changes) -> dict:
    """A complete report form for the housing category; a change of None leaves a field out."""
    data = {
        "category": str(categories["housing"].id), "area": "mapo", "title": VIETNAMESE_TITLE,
        "description": VIETNAMESE_TEXT,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def post_form(client, url: str, data: dict, *, page: str | None = None):
    """Open ``page`` (default ``url``) for its CSRF token, then POST ``data`` as multipart.

    A value may be a list; a file is ``(stream, filename)``. The body is encoded here because
    the test client spools a large one to a temporary file it never closes.
    """
    fields = MultiDict()
    for name, value in {"csrf_token": csrf_token(client, page or url), **data}.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, tuple):
                stream, filename = item
                item = FileStorage(stream, filename=filename,
                                   content_type=mimetypes.guess_type(filename)[0])
            fields.add(name, item)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def send_report(client, data: dict, *, lang: str = "vi"):
    """Post the report form as a browser does, files and all."""
    return post_form(client, f"/{lang}/reports/new", data)


def report_count() -> int:
    """How many reports exist, pending ones included."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def stored_files(app) -> set[Path]:
    """Every file in the app's photo store."""
    root = Path(app.config["STORAGE_DIR"])
    return {path for path in root.rglob("*") if path.is_file()}


def stored_photo(app, data: bytes | None = None) -> photos.StoredPhoto:
    """A photo already in storage, ready to join a report made by ``create_report``."""
    data = data or jpeg_bytes()
    with app.test_request_context("/en/"):
        key = get_storage().save(data, suffix=".jpg")
    return photos.StoredPhoto(key, 64, 48, len(data))


def photos_of(report) -> list[ReportPhoto]:
    """The photo rows of a report, oldest first."""
    return list(db.session.scalars(
        sa.select(ReportPhoto).where(ReportPhoto.report_id == report.id).order_by(ReportPhoto.id)
    ))


def unsign(app, value: str) -> list[photos.StoredPhoto]:
    """The photos a signed ``kept_photos`` value names."""
    with app.test_request_context("/en/"):
        return photos.unsign(value)


def read_stored(app, key: str) -> bytes:
    """The bytes the store keeps under ``key``."""
    with app.test_request_context("/en/"):
        return get_storage().read(key)


def staff_action(app, report, action, *, by, message=None):
    """Have staff take a workflow action on a report, committed."""
    with app.test_request_context("/en/"):
        service.change_status(report, action, by=by, message=message)
        db.session.commit()


def events_of(report, kind: EventKind) -> list[ReportEvent]:
    """A report's timeline entries of one kind, oldest first."""
    return list(db.session.scalars(
        sa.select(ReportEvent).where(ReportEvent.report_id == report.id, ReportEvent.kind == kind)
        .order_by(ReportEvent.id)
    ))


def kept_value(client, categories) -> str:
    """Try the form without a title but with a photo; return the signed photos it kept."""
    response = send_report(client, report_form(
        categories, title=None, photos=(io.BytesIO(jpeg_bytes()), "kept.jpg"),
    ))
    assert response.status_code == 200
    value = field_attributes(response.get_data(as_text=True), "kept_photos")["value"]
    assert value
    return value


def follow_up(client, report, data: dict, *, lang: str = "vi"):
    """Post the follow-up form of a report's page."""
    return post_form(client, f"/{lang}/reports/{report.id}/follow-up", data,
                     page=f"/{lang}/reports/{report.id}")
