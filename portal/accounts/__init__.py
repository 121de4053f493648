"""Accounts: registration, sign-in, passwords, sessions, profile and privacy."""

from flask import Blueprint, Flask, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..demo import add_seeder
from ..extensions import login_manager
from ..i18n import current_lang
from ..staffdesk import ANONYMOUS, SIGNED_IN, MenuEntry, add_menu_entry

bp = Blueprint("accounts", __name__, url_prefix="/<lang:lang>")


def _unauthorized():
    flash(_("Please sign in to open this page."), "info")
    target = request.full_path.rstrip("?")
    return redirect(url_for("accounts.login", lang=current_lang(), next=target))


def init_app(app: Flask) -> None:
    from . import audit_actions, sessions, views  # noqa: F401  (sessions: the user loader)
    from .cli import users_cli
    from .demo import seed

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.unauthorized_handler(_unauthorized)
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    for entry in (
        MenuEntry(label=_l("My account"), endpoint="accounts.account", order=80,
                  visible=SIGNED_IN),
        MenuEntry(template="accounts/menu_sign_out.html", order=90, visible=SIGNED_IN),
        MenuEntry(label=_l("Sign in"), endpoint="accounts.login", order=80, visible=ANONYMOUS),
        MenuEntry(label=_l("Register"), endpoint="accounts.register", order=90,
                  visible=ANONYMOUS),
    ):
        add_menu_entry(app, "main", entry)
    # The home page's calls to action for visitors.
    add_menu_entry(app, "home", MenuEntry(label=_l("Create an account"),
                                          endpoint="accounts.register", order=10,
                                          visible=ANONYMOUS))
    add_menu_entry(app, "home", MenuEntry(label=_l("I already have an account"),
                                          endpoint="accounts.login", order=20,
                                          visible=ANONYMOUS))
    add_menu_entry(app, "home", MenuEntry(label=_l("Go to my account"),
                                          endpoint="accounts.account", order=10,
                                          visible=SIGNED_IN))
    add_seeder(app, "accounts", seed)
    audit_actions.register(app)
