"""In-portal notifications, and mail at once or in a daily digest, as each person chooses."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from ..accounts import signals
from ..staffdesk import SIGNED_IN, MenuEntry, add_menu_entry
from .kinds import NotificationKind, register_kind
from .models import Delivery

bp = Blueprint("notifications", __name__, url_prefix="/<lang:lang>/notifications")

def _account_notice(name: str, message) -> NotificationKind:
    """A notice about the person's own account, linking to it, shown in the portal only.

    The accounts domain mails these itself (it sits below this one and cannot call notify());
    here they are kept where the person reads their news.
    """
    return NotificationKind(
        name=name, label=_l("Security notices"), message=message,
        link=lambda notification: ("accounts.account", {}), default=Delivery.portal,
        choosable=False,
    )


ACCOUNT_KINDS = (
    NotificationKind(
        name="account.welcome",
        label=_l("Welcome"),
        message=_l("Welcome to the Seoul Foreigner Portal. News about your reports, "
                   "applications and invitations will appear here."),
        link=lambda notification: ("pages.home", {}),
        default=Delivery.portal,
        choosable=False,
    ),
    _account_notice("account.password_changed", _l(
        "Your password was changed, and your other devices were signed out."
    )),
    _account_notice("account.email_changed", _l(
        "The email address of your account was changed to %(email)s."
    )),
)


def init_app(app: Flask) -> None:
    from . import service, views  # noqa: F401  (views adds the routes)
    from .cli import notifications_cli

    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
    for kind in ACCOUNT_KINDS:
        register_kind(app, kind)
    signals.email_confirmed.connect(service.welcome)
    signals.password_changed.connect(service.tell_password_changed)
    signals.email_changed.connect(service.tell_email_changed)
    signals.account_deleting.connect(service.forget_user)
    signals.data_export.connect(service.export_notifications)
    signals.data_view.connect(service.show_notifications)
    add_menu_entry(app, "main", MenuEntry(template="notifications/menu_item.html", order=70,
                                          visible=SIGNED_IN))
    add_menu_entry(app, "home", MenuEntry(label=_l("Read my notifications"),
                                          endpoint="notifications.index", order=20,
                                          visible=SIGNED_IN))
    app.jinja_env.globals.update(
        notification_text=service.notification_text,
        notification_link=service.notification_link,
        unread_notifications=views.unread_notifications,
    )
