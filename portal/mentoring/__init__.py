"""Mentoring: residents volunteer for the Korean-language and parents'-native-language classes
the city runs for multicultural families; staff review them, run the classes, count the hours."""

from datetime import datetime

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from ..accounts import signals as account_signals
from ..demo import add_seeder
from ..notifications.kinds import NotificationKind, register_kind
from ..staffdesk import (
    SIGNED_IN,
    STAFF,
    MenuEntry,
    Panel,
    add_menu_entry,
    add_panel,
    staff_blueprint,
)

bp = Blueprint("mentoring", __name__, url_prefix="/<lang:lang>/mentoring")
calendar_bp = Blueprint("mentoring_calendar", __name__, url_prefix="/calendar/mentoring")
staff_bp = staff_blueprint("mentoring", __name__, url_prefix="/mentoring")


def _classes(ids: set[int]) -> set[int]:
    from .service import existing_class_ids

    return existing_class_ids(ids)


def _applications(ids: set[int]) -> set[int]:
    from .service import existing_application_ids

    return existing_application_ids(ids)


def _when(value: str | None) -> str:
    from ..i18n import format_datetime

    return format_datetime(datetime.fromisoformat(value), "medium") if value else ""


def _describe(params: dict) -> dict:
    """Class titles, times and states in the reader's language."""
    from ..extensions import db
    from .models import ApplicationStatus, EnrolmentStatus, MentoringClass
    from .service import class_title

    described = dict(params)
    if "class" in params:
        mentoring_class = db.session.get(MentoringClass, params["class"])
        described["title"] = class_title(mentoring_class) if mentoring_class else "—"
    for key in ("when", "new"):
        if key in params:
            described[key] = _when(params[key])
    if "expires" in params:
        from flask_babel import format_date

        described["expires"] = format_date(datetime.fromisoformat(params["expires"]), "long")
    status = params.get("status", "")
    member = (ApplicationStatus.__members__.get(status)
              or EnrolmentStatus.__members__.get(status))
    if member is not None:
        described["status"] = member.label
    return described


def _home(notification):
    return ("mentoring.home", {})


def _class_page(notification):
    return ("mentoring.class_detail", {"class_id": notification.object_id})


def _kind(name, label, message, *, link=_class_page, existing=_classes, **extra):
    return NotificationKind(name=name, label=label, message=message, link=link,
                            existing=existing, describe=_describe, **extra)


KINDS = (
    _kind("mentoring.application", _l("Decisions on my application to mentor"),
          _l("Your application to mentor: %(status)s."), link=_home, existing=_applications),
    _kind("mentoring.place", _l("My mentor places"),
          _l("You have a mentor place in “%(title)s”.")),
    _kind("mentoring.enrolment", _l("Places in classes for my family"),
          _l("The place for %(learner)s in “%(title)s”: %(status)s.")),
    _kind("mentoring.session_reminder", _l("Reminders of class sessions"),
          _l("Reminder: “%(title)s” meets on %(when)s.")),
    _kind("mentoring.session_cancelled", _l("Changes to class sessions"),
          _l("The session of “%(title)s” on %(when)s is cancelled.")),
    _kind("mentoring.session_moved", _l("Changes to class sessions"),
          _l("The session of “%(title)s” on %(when)s moves to %(new)s.")),
    _kind("mentoring.suspended", _l("My mentoring"),
          _l("Your mentoring has been suspended. The city will contact you."),
          link=_home, existing=None),
    _kind("mentoring.check_expiring", _l("My mentoring"),
          _l("Your child-safety record check expires on %(expires)s. Please renew it to "
             "keep mentoring classes with children."), link=_home, existing=None),
    _kind("mentoring.mentor_left", _l("Mentors leaving the classes I run"),
          _l("%(mentor)s no longer mentors “%(title)s”."),
          link=lambda n: ("mentoring_staff.class_detail", {"class_id": n.object_id}),
          audience=STAFF),
)


def _panel_context() -> dict:
    from .service import dashboard_counts

    return {"mentoring_counts": dashboard_counts()}


def init_app(app: Flask) -> None:
    from . import audit_actions, service, staff_classes, staff_people, views  # noqa: F401
    from .cli import mentoring_cli
    from .demo import seed

    app.register_blueprint(bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(mentoring_cli)
    for kind in KINDS:
        register_kind(app, kind)
    audit_actions.register(app)
    account_signals.account_deleting.connect(service.forget_mentor)
    account_signals.data_export.connect(service.export_mentoring)
    account_signals.data_view.connect(service.show_mentoring)
    add_menu_entry(app, "main", MenuEntry(label=_l("Mentoring"), endpoint="mentoring.home",
                                          order=65, visible=SIGNED_IN))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Mentor applications"),
                                           endpoint="mentoring_staff.applications", order=30))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Mentoring classes"),
                                           endpoint="mentoring_staff.classes", order=31))
    add_menu_entry(app, "features", MenuEntry(template="mentoring/home_card.html", order=20))
    add_panel(app, Panel(template="mentoring/dashboard_panel.html", context=_panel_context,
                         order=30, cache_seconds=60))
    add_seeder(app, "mentoring", seed)
