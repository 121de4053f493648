"""The staff desk for reports: the triage queue, a report's page and its workflow."""

import functools
import io
from datetime import datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from babel import Locale
from flask import (
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.models import User
from ..accounts.service import get_staff_or_404, staff_accounts, users_by_id
from ..audit import history_of
from ..columns import utcnow
from ..contacts.models import Tier
from ..csvfiles import csv_lines
from ..districts import District
from ..errors import Conflict, ValidationError
from ..extensions import db
from ..forms import apply_error
from ..i18n import current_lang, format_datetime, localized
from . import queue, service, staff_bp
from .export import export_rows
from .forms import (
    AssignForm,
    BulkForm,
    NoteForm,
    QueueFilterForm,
    ReplyForm,
    StatusForm,
    area_value,
)
from .language import language_codes
from .models import CannedKind, Report, ReportStatus

SEOUL = ZoneInfo("Asia/Seoul")


@functools.cache
def _language_choices(lang: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(lang).languages
    return tuple(sorted(((code, names.get(code, code)) for code in language_codes()),
                        key=lambda choice: choice[1]))


@functools.cache
def _labels(lang: str) -> dict:
    """Statuses, tiers and districts named in ``lang`` (the page's), each translated once."""
    return {member: str(member.label)
            for enum in (ReportStatus, Tier, District) for member in enum}


@functools.lru_cache(maxsize=8192)
def _due_text(lang: str, due_at: datetime) -> str:
    """A due time as the queue shows it: the same for every reader of ``lang``.

    Formatting a time is a third of the cost of a queue row, and the first pages show the
    same reports visit after visit. ``lang`` is the page's, so the text is exactly what the
    ``datetimeformat`` filter would give (Seoul's clock is the portal's, not the reader's).
    """
    return format_datetime(due_at, "short")


def language_choices() -> list[tuple[str, str]]:
    """The languages reports can be written in, named in the page's language."""
    return list(_language_choices(current_lang()))


def _staff_members():
    """Staff accounts' ids and names, by name (read once per request for the forms).

    Rows, not accounts: the forms need nothing else, and making 30 accounts was a few percent
    of the queue's time.
    """
    if "report_staff" not in g:
        g.report_staff = db.session.execute(
            staff_accounts().with_only_columns(User.id, User.name)).all()
    return g.report_staff


def _queue_form(categories):
    """The queue's filter form read from the URL, and the filters it gives."""
    form = QueueFilterForm(request.args, categories=categories,
                           languages=language_choices(), staff=_staff_members(),
                           teams=service.teams())
    form.validate()

    def valid(field):
        return field.data if field.data and not field.errors else None

    district, citywide = area_value(valid(form.area))
    filters = queue.QueueFilters(
        view=valid(form.view) or queue.OPEN,
        statuses=[form.status.data] if valid(form.status) else [],
        tier=valid(form.tier),
        category_id=int(form.category.data) if valid(form.category) else None,
        district=district, citywide=citywide,
        language=valid(form.language), assignee=valid(form.assignee), team=valid(form.team),
        overdue=bool(form.overdue.data),
        received_from=valid(form.received_from), received_to=valid(form.received_to),
        q=valid(form.q),
    )
    return form, filters


@staff_bp.route("/reports")
def reports():
    """The triage queue: open reports by priority, filtered as the URL says."""
    if not request.args and service.team_ids_of(current_user):
        # The queue opens on the viewer's own teams' reports.
        return redirect(url_for("reports_staff.reports", team="mine"))
    categories = service.categories(active_only=False)
    form, filters = _queue_form(categories)
    page = queue.page(queue.queue(filters, viewer=current_user))
    lang = current_lang()
    due_texts = {r.id: _due_text(lang, r.due_at) for r in page.items if r.due_at}
    # Assignees are live staff, loaded for the forms, but for one no longer staff.
    assignees = {user.id: user for user in _staff_members()}
    assignees.update(users_by_id({r.assignee_id for r in page.items} - set(assignees) - {None}))
    return render_template(
        "reports/staff_queue.html", form=form, page=page, labels=_labels(lang), now=utcnow(),
        due_texts=due_texts, assignees=assignees,
        category_names={c.id: service.category_name(c) for c in categories},
        is_overdue=service.is_overdue, language_names=dict(language_choices()),
        export_url=url_for("reports_staff.export", **request.args.to_dict()),
        bulk_form=BulkForm(formdata=None, staff=_staff_members(), categories=categories),
    )


@staff_bp.route("/reports/bulk", methods=["POST"])
def bulk():
    """Acknowledge, assign or re-categorise the reports ticked in the queue."""
    form = BulkForm(staff=_staff_members(), categories=service.categories(active_only=False))
    # Back to the queue as it was filtered (rebuilt from its parts: nothing else gets through).
    back = dict(parse_qsl((request.form.get("back") or "").lstrip("?"))[:20])
    back.pop("lang", None)
    target = url_for("reports_staff.reports", **back)
    if not form.validate_on_submit():
        for field in form:
            for error in field.errors:
                flash(error, "warning")
        return redirect(target)
    reports = service.reports_by_ids(form.report.data)
    assignee = get_staff_or_404(int(form.assignee.data)) if form.assignee.data else None
    category = service.get_category(int(form.category.data)) if form.category.data else None
    try:
        changed, skipped = service.bulk_change(reports, form.action.data, by=current_user,
                                               assignee=assignee, category=category)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(service.changed_meanwhile(), "warning")
        return redirect(target)
    message = ngettext("%(num)d report changed.", "%(num)d reports changed.", changed)
    if skipped:
        message += " " + ngettext("%(num)d report did not need it and was left as it was.",
                                  "%(num)d reports did not need it and were left as they were.",
                                  skipped)
    flash(message, "success")
    return redirect(target)


@staff_bp.route("/reports.csv")
def export():
    """Download the queue as filtered, as CSV that spreadsheet programs read in any script."""
    form, filters = _queue_form(service.categories(active_only=False))
    stmt = queue.queue(filters, viewer=current_user).options(*queue.export_options())
    rows = export_rows(db.session.scalars(stmt.execution_options(yield_per=500)),
                       language_names=dict(language_choices()))
    # Written out before the response starts: the database session ends with the request.
    output = io.BytesIO()
    for line in csv_lines(rows):
        output.write(line.encode("utf-8"))
    output.seek(0)
    filename = f"reports-{utcnow().astimezone(SEOUL):%Y%m%d-%H%M}.csv"
    return send_file(output, mimetype="text/csv", as_attachment=True,
                     download_name=filename, max_age=0)


def _load(report_id: int) -> Report:
    try:
        return service.get_report(report_id, current_user)
    except LookupError:
        abort(404)


def _forms(report: Report, categories, **given):
    prepared = service.canned_responses()
    canned = [c for c in prepared if c.kind is CannedKind.reply]
    referrals = [c for c in prepared if c.kind is CannedKind.referral]
    data = {"version": report.version}
    forms = {
        "status_form": StatusForm(formdata=None, data=data, canned=referrals),
        "reply_form": ReplyForm(formdata=None, data=data, canned=canned),
        "note_form": NoteForm(formdata=None),
        "assign_form": AssignForm(
            formdata=None, staff=_staff_members(), readers=service.readers_of(report.language),
            categories=categories,
            data={**data, "assignee": str(report.assignee_id or ""),
                  "category": str(report.category_id)},
        ),
    }
    forms.update(given)
    return forms


def _render(report: Report, status: int = 200, **given):
    categories = service.categories(active_only=False)
    forms = _forms(report, categories, **given)
    if status == 409:
        # Seen the change that came first, the person may save again from this version.
        for form in given.values():
            if "version" in form:
                form.version.data = report.version
    if any(form.errors for form in given.values()) and status == 200:
        status = 400
    return render_template(
        "reports/staff_report.html", report=report,
        timeline=service.timeline(report, public_only=False),
        photos=service.photos_of(report), actions=service.allowed_actions(report),
        category_name=service.category_name, is_overdue=service.is_overdue,
        category_names={c.id: service.category_name(c) for c in categories},
        history=history_of(("report", report.id)), language_names=dict(language_choices()),
        **forms,
    ), status


@staff_bp.route("/reports/<int:report_id>")
def report(report_id: int):
    """Show a report to staff, with its whole timeline and the actions open to them."""
    return _render(_load(report_id))


def _save(report_id: int, form, form_name: str, change, done) -> object:
    """Run ``change`` and commit, then flash ``done()``; or show the form again, kept as typed.

    A change from an older view of the report, or one that lost the race with a colleague's
    save (the version column), answers 409 with the report as it is now.
    """
    try:
        change()
        db.session.commit()
    except ValidationError as error:
        db.session.rollback()
        if error.field in ("reason", "question"):
            error.field = "message"
        apply_error(form, error)
        return _render(_load(report_id), **{form_name: form})
    except (Conflict, StaleDataError) as error:
        db.session.rollback()
        form.form_errors.append(error.message if isinstance(error, Conflict)
                                else service.changed_meanwhile())
        return _render(_load(report_id), 409, **{form_name: form})
    flash(done(), "success")
    return redirect(url_for("reports_staff.report", report_id=report_id))


def _canned_text(form, kind: CannedKind, report: Report) -> str | None:
    """The prepared text chosen in ``form``, in the reporter's language."""
    if not form.canned.data or form.canned.errors:
        return None
    chosen = next((c for c in service.canned_responses(kind)
                   if str(c.id) == form.canned.data), None)
    return localized(chosen.texts, report.reporter.locale) if chosen else None


@staff_bp.route("/reports/<int:report_id>/status", methods=["POST"])
def change_status(report_id: int):
    """Move a report along its workflow (acknowledge, start, resolve, decline...)."""
    report = _load(report_id)
    form = StatusForm(canned=service.canned_responses(CannedKind.referral))
    if not form.validate_on_submit():
        return _render(report, status_form=form)
    action = form.action.data
    if action not in service.ACTIONS:
        abort(400)
    message = form.message.data or _canned_text(form, CannedKind.referral, report)
    duplicate_of = None
    if action == "duplicate" and form.duplicate_of.data:
        duplicate_of = db.session.get(Report, form.duplicate_of.data)
    return _save(
        report_id, form, "status_form",
        lambda: service.change_status(report, action, by=current_user, message=message,
                                      duplicate_of=duplicate_of, version=form.version.data),
        lambda: _("Report %(number)s is now: %(status)s.", number=report_id,
                  status=report.status.label),
    )


@staff_bp.route("/reports/<int:report_id>/reply", methods=["POST"])
def reply(report_id: int):
    """Send the reporter a public reply (a prepared one goes in their language)."""
    report = _load(report_id)
    form = ReplyForm(canned=service.canned_responses(CannedKind.reply))
    if not form.validate_on_submit():
        return _render(report, reply_form=form)
    message = form.message.data or _canned_text(form, CannedKind.reply, report) or ""
    return _save(
        report_id, form, "reply_form",
        lambda: service.reply(report, by=current_user, message=message,
                              version=form.version.data),
        lambda: _("Your reply has been sent to the reporter."),
    )


@staff_bp.route("/reports/<int:report_id>/note", methods=["POST"])
def note(report_id: int):
    """Add an internal note to a report."""
    report = _load(report_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render(report, note_form=form)
    return _save(
        report_id, form, "note_form",
        lambda: service.add_note(report, by=current_user, message=form.note.data),
        lambda: _("Your note has been added."),
    )


@staff_bp.route("/reports/<int:report_id>/assign", methods=["POST"])
def assign(report_id: int):
    """Assign a report and set its category."""
    report = _load(report_id)
    form = AssignForm(staff=_staff_members(), readers=service.readers_of(report.language),
                      categories=service.categories(active_only=False))
    if not form.validate_on_submit():
        return _render(report, assign_form=form)
    assignee = get_staff_or_404(int(form.assignee.data)) if form.assignee.data else None
    category = service.get_category(int(form.category.data))

    def change():
        service.assign(report, by=current_user, assignee=assignee, version=form.version.data)
        service.change_category(report, by=current_user, category=category)

    return _save(report_id, form, "assign_form", change, lambda: _("The report has been saved."))
