"""The triage queue as CSV: UTF-8 with a byte order mark, so spreadsheets read every script."""

from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import pgettext

from ..columns import utcnow
from .service import category_name, is_overdue

SEOUL = ZoneInfo("Asia/Seoul")


def export_rows(reports, *, language_names):
    """The header, then one row per report, in the reader's language."""
    yield [_("Number"), pgettext("report", "Title"), _("Status"), _("Tier"), _("Category"),
           _("District"), _("Language"), _("Urgent"), _("Assigned to"), _("Received"),
           _("Acknowledge by"), _("Resolve by"), _("Overdue")]
    now = utcnow()
    for report in reports:
        yield [
            report.id, report.title, str(report.status.label), str(report.tier.label),
            category_name(report.category),
            str(report.district.label) if report.district else _("The whole city"),
            language_names.get(report.language, report.language or ""),
            _("Yes") if report.urgent else "", report.assignee.name if report.assignee else "",
            _csv_time(report.received_at), _csv_time(report.acknowledge_due_at),
            _csv_time(report.resolve_due_at),
            _("Yes") if is_overdue(report, now) else "",
        ]


def _csv_time(value) -> str:
    return value.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if value else ""
