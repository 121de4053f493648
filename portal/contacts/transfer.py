"""Staff pages that move the directory in and out as CSV: an import checked before it is
confirmed, and the directory as filtered for download."""

import io
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import HiddenField
from wtforms.validators import DataRequired

from ..audit import AuditAction, register_action
from ..columns import utcnow
from ..csvfiles import csv_lines
from ..extensions import db
from ..forms import REQUIRED, PortalForm
from ..images import photo_byte_limit
from ..storage import get_storage
from ..uploads import upload_too_large
from . import importer, service, staff_bp
from .staff import directory_form

SEOUL = ZoneInfo("Asia/Seoul")
TICKET_MAX_AGE = 3600  # seconds between checking a file and confirming its import


class ImportForm(PortalForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(REQUIRED)],
                     render_kw={"accept": ".csv,text/csv"})


class ConfirmImportForm(PortalForm):
    """The import of a checked file, named by a signed ticket."""

    ticket = HiddenField(validators=[DataRequired()])


@staff_bp.route("/contacts/import", methods=["GET", "POST"])
def import_contacts():
    """Check an uploaded CSV file and show what importing it would do, writing nothing."""
    form = ImportForm()
    form.file.description = _("UTF-8, at most %(size)s MB.", size=_megabytes())
    if form.validate_on_submit():
        upload = form.file.data
        filename = _display_name(upload.filename)
        if upload_too_large(upload):
            form.file.errors.append(_("This file is larger than %(size)s MB. Split it into "
                                      "smaller files.", size=_megabytes()))
        else:
            data = upload.read()
            try:
                checked = importer.check(data)
            except importer.FileProblem as problem:
                form.file.errors.extend(str(message) for message in problem.messages)
            else:
                confirm = None
                if checked.importable:
                    key = get_storage().save(data, suffix=".csv")
                    confirm = ConfirmImportForm(formdata=None,
                                                data={"ticket": _ticket(key, filename)})
                return render_template("contacts/import_report.html", checked=checked,
                                       confirm=confirm, filename=filename)
    return render_template("contacts/import.html", form=form, columns=importer.COLUMNS,
                           enums=importer.ENUMS, groups=service.groups())


@staff_bp.route("/contacts/import/confirm", methods=["POST"])
def confirm_import():
    """Import the rows of a checked file that are still good, all in one transaction."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        return _start_again(_("This import could not be confirmed. Upload the file again."))
    try:
        key, filename = _read_ticket(form.ticket.data)
    except SignatureExpired:
        return _start_again(_("More than an hour passed since the file was checked. Upload it "
                              "again to import it."))
    except BadSignature:
        return _start_again(_("This import could not be confirmed. Upload the file again."))
    importer.lock_checked_file(key)
    storage = get_storage()
    try:
        data = storage.read(key)
    except FileNotFoundError:
        return _start_again(_("This file has already been imported, or was checked too long "
                              "ago. Upload it again to import it."))
    try:
        counts = importer.import_file(data, by=current_user, filename=filename)
    except importer.FileProblem:
        return _start_again(_("This import could not be confirmed. Upload the file again."))
    except sa.exc.IntegrityError:
        db.session.rollback()
        return _start_again(_("The directory changed while the file was being imported, so "
                              "nothing was imported. Upload the file again."))
    storage.delete(key)  # before the commit: a second confirmation waiting for it finds no file
    db.session.commit()
    flash(_("Import finished. Added: %(new)s. Updated: %(updated)s.",
            new=format_number(counts.new), updated=format_number(counts.updated)), "success")
    return redirect(url_for("contacts_staff.contacts"))


@staff_bp.route("/contacts.csv")
def export_contacts():
    """Download the directory as filtered, in the columns the import reads."""
    _form, filters = directory_form()
    output = io.BytesIO()
    for line in csv_lines(importer.export_rows(service.directory(**filters))):
        output.write(line.encode("utf-8"))
    output.seek(0)
    filename = f"contacts-{utcnow().astimezone(SEOUL):%Y%m%d-%H%M}.csv"
    return send_file(output, mimetype="text/csv", as_attachment=True, download_name=filename,
                     max_age=0)


def _megabytes() -> int:
    return photo_byte_limit() // (1024 * 1024)


def _display_name(filename: str | None) -> str:
    """The uploaded file's name as pages and the audit log show it: printable, short."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in name if char.isprintable())[:100]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="contacts-import")


def _ticket(key: str, filename: str) -> str:
    """A signed ticket naming a checked file, good for its checker only, for an hour."""
    return _serializer().dumps({"key": key, "by": current_user.id, "file": filename})


def _read_ticket(ticket: str) -> tuple[str, str]:
    """The stored file and name a ticket names; BadSignature unless this person made it."""
    payload = _serializer().loads(ticket, max_age=TICKET_MAX_AGE)
    if not isinstance(payload, dict) or payload.get("by") != current_user.id:
        raise BadSignature("made for someone else")
    return str(payload.get("key")), str(payload.get("file") or "")


def _start_again(message: str):
    flash(message, "warning")
    return redirect(url_for("contacts_staff.import_contacts"))


def _describe_import(entry, name) -> str:
    counts = entry.after or {}
    return _("%(actor)s imported contacts from a CSV file (added: %(new)s, updated: "
             "%(updated)s).", actor=name("user", entry.actor_id),
             new=format_number(counts.get("new", 0)),
             updated=format_number(counts.get("updated", 0)))


def register(app: Flask) -> None:
    """Teach the audit log to read imports."""
    register_action(app, AuditAction("contact.import", _l("Contacts imported"), _describe_import))
