"""How the audit log reads what administrators did with API keys."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .service import client_names

ACTIONS = (
    sentence("api_key.create", _l("API key issued"),
             lambda actor, name: _("%(actor)s issued an API key to %(name)s.",
                                   actor=actor, name=name)),
    sentence("api_key.revoke", _l("API key revoked"),
             lambda actor, name: _("%(actor)s revoked the API key of %(name)s.",
                                   actor=actor, name=name)),
)


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("api_client", _l("API client"), client_names))
    for action in ACTIONS:
        register_action(app, action)
