"""The contact directory: tiers, affiliations and the link between contacts and accounts."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..accounts import signals as account_signals
from ..demo import add_seeder
from ..staffdesk import MenuEntry, Panel, add_menu_entry, add_panel, staff_blueprint

staff_bp = staff_blueprint("contacts", __name__)


def _panel_context() -> dict:
    """The people panel's counts, the same for every member of staff."""
    from ..accounts.service import resident_counts
    from .service import tier_counts

    tiers = tier_counts()
    return {"counts": resident_counts(), "tiers": tiers, "total": sum(tiers.values())}


def init_app(app: Flask) -> None:
    from . import audit_actions, service, staff, transfer  # noqa: F401  (they add the routes)
    from .demo import seed

    app.register_blueprint(staff_bp)
    account_signals.user_registered.connect(service.link_contact_on_registration)
    account_signals.account_deleting.connect(service.unlink_contact_on_deletion)
    account_signals.data_export.connect(service.export_contact)
    account_signals.data_view.connect(service.show_contact)
    add_menu_entry(app, "staff", MenuEntry(label=_l("Accounts"), endpoint="contacts_staff.users",
                                           order=10))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Contact directory"),
                                           endpoint="contacts_staff.contacts", order=20))
    add_menu_entry(app, "staff", MenuEntry(label=_l("Groups"), endpoint="contacts_staff.groups",
                                           order=21))
    add_panel(app, Panel(template="contacts/dashboard_panel.html", context=_panel_context,
                         order=20, cache_seconds=60))
    add_seeder(app, "contacts", seed)
    audit_actions.register(app)
    transfer.register(app)
    add_menu_entry(app, "contacts_tools", MenuEntry(label=_l("Import contacts from CSV"),
                                                    endpoint="contacts_staff.import_contacts"))
    add_menu_entry(app, "contacts_tools", MenuEntry(label=_l("Possible duplicates"),
                                                    endpoint="contacts_staff.duplicates"))
