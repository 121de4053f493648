"""The contact directory: tiers, affiliations and the link between contacts and accounts."""

from flask import Blueprint

from ..accounts.guards import staff_gate

staff_bp = Blueprint("contacts_staff", __name__, url_prefix="/<lang:lang>/staff")
staff_bp.before_request(staff_gate)

from . import service, staff  # noqa: E402,F401  (service subscribes to account signals)
