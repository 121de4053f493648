"""Staff dashboard and administration: staff accounts and the audit log."""

from flask import Blueprint

from ..accounts.guards import staff_gate

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff")
bp.before_request(staff_gate)

from . import views  # noqa: E402,F401
