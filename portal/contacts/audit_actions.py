"""How the audit log reads what happened in the contact directory."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..accounts.models import Affiliation
from ..audit import AuditAction, AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .models import Tier
from .service import contact_names, group_names


def _classification(values: dict | None) -> str:
    """"Global Elite" or "Global Elite (Foreign journalist)" from an entry's snapshot."""
    values = values or {}
    tier = Tier.__members__.get(values.get("tier") or "")
    affiliation = Affiliation.__members__.get(values.get("affiliation") or "")
    tier_text = str(tier.label) if tier else "—"
    if affiliation is None:
        return tier_text
    return _("%(tier)s (%(affiliation)s)", tier=tier_text, affiliation=affiliation.label)


def _describe_classify(entry, name) -> str:
    return _("%(actor)s: %(name)s %(before)s → %(after)s",
             actor=name("user", entry.actor_id), name=name("contact", entry.object_id),
             before=_classification(entry.before), after=_classification(entry.after))


def _describe_merge(entry, name) -> str:
    merged = (entry.before or {}).get("merged") or {}
    merged_id = (entry.after or {}).get("merged_id", merged.get("id"))
    return _("%(actor)s merged %(merged)s (contact no. %(merged_id)s) into %(name)s "
             "(contact no. %(kept_id)s).",
             actor=name("user", entry.actor_id), merged=merged.get("name") or "—",
             merged_id=merged_id, name=name("contact", entry.object_id),
             kept_id=entry.object_id)


ACTIONS = (
    AuditAction("contact.classify", _l("Classification changed"), _describe_classify),
    sentence("contact.update", _l("Contact details changed"),
             lambda actor, name: _("%(actor)s changed the details of %(name)s.",
                                   actor=actor, name=name)),
    sentence("contact.groups", _l("Groups changed"),
             lambda actor, name: _("%(actor)s changed the groups of %(name)s.",
                                   actor=actor, name=name)),
    sentence("group.create", _l("Group added"),
             lambda actor, name: _("%(actor)s added the group %(name)s.",
                                   actor=actor, name=name)),
    sentence("group.update", _l("Group renamed"),
             lambda actor, name: _("%(actor)s renamed the group %(name)s.",
                                   actor=actor, name=name)),
    sentence("contact.create", _l("Contact added"),
             lambda actor, name: _("%(actor)s added %(name)s to the contact directory.",
                                   actor=actor, name=name)),
    AuditAction("contact.merge", _l("Contacts merged"), _describe_merge),
)


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("contact", _l("Contact"), contact_names))
    register_object_type(app, AuditObjectType("group", _l("Group"), group_names))
    for action in ACTIONS:
        register_action(app, action)
