"""Events and invitations: the city invites the people it works with, and counts who comes."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from ..accounts import signals as account_signals
from ..contacts import signals as contact_signals
from ..demo import add_seeder
from ..notifications.kinds import NotificationKind, register_kind
from ..notifications.models import Delivery
from ..staffdesk import SIGNED_IN, MenuEntry, Panel, add_menu_entry, add_panel, staff_blueprint

bp = Blueprint("events", __name__, url_prefix="/<lang:lang>/events")
invitations_bp = Blueprint("invitations", __name__, url_prefix="/<lang:lang>")
calendar_bp = Blueprint("calendar", __name__, url_prefix="/calendar")
staff_bp = staff_blueprint("events", __name__)


def _existing(ids: set[int]) -> set[int]:
    from .service import existing_invitation_ids

    return existing_invitation_ids(ids)


def _describe_invitation(params: dict) -> dict:
    return params


KINDS = (
    NotificationKind(
        name="events.invited", label=_l("Invitations to events"),
        message=_l("The city has invited you to an event. Answer on your invitations page."),
        link=lambda notification: ("invitations.inbox", {}), existing=_existing,
        default=Delivery.portal, choosable=False,
    ),
)


def _panel_context() -> dict:
    from .service import next_events, upcoming_counts

    return {"events_panel": {"counts": upcoming_counts(), "next": next_events()}}


def init_app(app: Flask) -> None:
    from . import audit_actions, mails, service, staff, views  # noqa: F401
    from .cli import events_cli
    from .demo import seed

    app.register_blueprint(bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(staff_bp)
    app.cli.add_command(events_cli)
    for kind in KINDS:
        register_kind(app, kind)
    mails.register(app)
    audit_actions.register(app)
    contact_signals.contacts_merged.connect(service.move_invitations)
    contact_signals.contact_page.connect(service.show_on_contact_page)
    account_signals.data_export.connect(service.export_invitations)
    account_signals.data_view.connect(service.show_invitations)
    add_menu_entry(app, "main", MenuEntry(label=_l("Events"), endpoint="events.index",
                                          order=50))
    add_menu_entry(app, "main", MenuEntry(label=_l("My invitations"),
                                          endpoint="invitations.inbox", order=55,
                                          visible=SIGNED_IN))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Events and invitations"),
                                           endpoint="events_staff.events", order=20))
    add_menu_entry(app, "footer", MenuEntry(label=_l("Events"), endpoint="events.index",
                                            order=20))
    add_menu_entry(app, "features", MenuEntry(template="events/home_card.html", order=30))
    add_panel(app, Panel(template="events/dashboard_panel.html", context=_panel_context,
                         order=20, cache_seconds=60))
    add_seeder(app, "events", seed)
