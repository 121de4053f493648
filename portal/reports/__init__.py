"""Inconvenience reports: residents tell the city what makes life hard; staff triage by tier."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from ..accounts import signals as account_signals
from ..contacts import signals as contact_signals
from ..demo import add_seeder
from ..notifications.kinds import NotificationKind, register_kind
from ..staffdesk import (
    ADMINS,
    SIGNED_IN,
    STAFF,
    MenuEntry,
    Panel,
    add_menu_entry,
    add_panel,
    staff_blueprint,
)

bp = Blueprint("reports", __name__, url_prefix="/<lang:lang>/reports")
staff_bp = staff_blueprint("reports", __name__)


def _describe_status(params: dict) -> dict:
    from .models import ReportStatus

    status = ReportStatus.__members__.get(params.get("status", ""))
    return {**params, "status": status.label if status else params.get("status", "")}


def _report_link(notification):
    return ("reports.detail", {"report_id": notification.object_id})


def _existing(ids: set[int]) -> set[int]:
    from .service import existing_report_ids

    return existing_report_ids(ids)


def _describe_new(params: dict) -> dict:
    from .service import category_name, get_category

    return {**params, "category": category_name(get_category(params.get("category")))}


KINDS = (
    NotificationKind(
        name="reports.received", label=_l("Receipts for my reports"),
        message=_l("The city has received your report “%(title)s” as number %(number)s."),
        link=_report_link, existing=_existing,
    ),
    NotificationKind(
        name="reports.status", label=_l("Changes to my reports"),
        message=_l("Your report “%(title)s” is now: %(status)s."),
        link=_report_link, existing=_existing, describe=_describe_status,
    ),
    NotificationKind(
        name="reports.reply", label=_l("Replies to my reports"),
        message=_l("The city replied to your report “%(title)s”."),
        link=_report_link, existing=_existing,
    ),
    NotificationKind(
        name="reports.new", label=_l("New reports in the categories and tiers I follow"),
        message=_l("New report “%(title)s” in %(category)s."),
        link=lambda n: ("reports_staff.report", {"report_id": n.object_id}),
        existing=_existing, describe=_describe_new, audience=STAFF,
    ),
)


def _panel_context() -> dict:
    from .dashboard import panel_context

    return panel_context()


def init_app(app: Flask) -> None:
    from . import audit_actions, public, service, settings, staff, views  # noqa: F401
    from .cli import reports_cli
    from .demo import seed

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(settings.admin_bp)
    app.cli.add_command(reports_cli)
    for kind in KINDS:
        register_kind(app, kind)
    account_signals.email_confirmed.connect(service.receive_pending_reports)
    account_signals.account_deleting.connect(service.forget_pending_reports)
    account_signals.data_export.connect(service.export_reports)
    account_signals.data_view.connect(service.show_reports)
    contact_signals.contact_classified.connect(service.follow_tier)
    contact_signals.contacts_classified.connect(service.follow_tiers)
    contact_signals.contact_page.connect(service.show_on_contact_page)
    add_menu_entry(app, "main", MenuEntry(label=_l("My reports"), endpoint="reports.mine",
                                          order=60, visible=SIGNED_IN))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Report triage"),
                                           endpoint="reports_staff.reports", order=5))
    add_menu_entry(app, "staff", MenuEntry(label=_l("My languages and followed reports"),
                                           endpoint="reports_staff.my_settings", order=6))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Report categories, teams and targets"),
                                           endpoint="reports_admin.overview", order=95,
                                           visible=ADMINS))
    add_menu_entry(app, "footer", MenuEntry(label=_l("What you told us, what we did"),
                                            endpoint="reports.stats", order=10))
    add_menu_entry(app, "features", MenuEntry(template="reports/home_card.html", order=10))
    add_panel(app, Panel(template="reports/dashboard_panel.html", context=_panel_context,
                         order=10, cache_seconds=60))
    add_seeder(app, "reports", seed)
    audit_actions.register(app)
