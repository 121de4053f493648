"""Administration: staff accounts and the audit log."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..staffdesk import ADMINS, MenuEntry, add_menu_entry, staff_blueprint

bp = staff_blueprint("admin", __name__, url_prefix="/admin", name="admin")


def init_app(app: Flask) -> None:
    from . import views  # noqa: F401  (adds the routes)

    app.register_blueprint(bp)
    add_menu_entry(app, "staff", MenuEntry(label=_l("Staff accounts"),
                                           endpoint="admin.staff_accounts", order=80,
                                           visible=ADMINS))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Audit log"), endpoint="admin.audit_log",
                                           order=90, visible=ADMINS))
