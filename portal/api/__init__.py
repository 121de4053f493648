"""The Open311 GeoReport v2 API: other city systems read and file service requests."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from ..demo import add_seeder
from ..extensions import csrf
from ..staffdesk import ADMINS, MenuEntry, add_menu_entry, staff_blueprint

# Outside /<lang>/: machines call it. Its POST carries an API key, not a CSRF token.
bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
staff_bp = staff_blueprint("api", __name__, url_prefix="/admin/api-keys")


def init_app(app: Flask) -> None:
    from . import audit_actions, staff, views  # noqa: F401  (the routes)
    from .demo import seed

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    add_menu_entry(app, "staff", MenuEntry(label=_l("API keys"), endpoint="api_staff.clients",
                                           order=85, visible=ADMINS))
    add_seeder(app, "api", seed)
    audit_actions.register(app)
