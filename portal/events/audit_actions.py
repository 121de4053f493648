"""How the audit log reads what happened to events and invitations."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .service import event_titles, segment_names

ACTIONS = (
    sentence("event.create", _l("Event added"),
             lambda actor, name: _("%(actor)s added the event %(name)s.", actor=actor,
                                   name=name)),
    sentence("event.update", _l("Event changed"),
             lambda actor, name: _("%(actor)s changed the event %(name)s.", actor=actor,
                                   name=name)),
    sentence("event.invite", _l("Invitations sent"),
             lambda actor, name: _("%(actor)s sent invitations to %(name)s.", actor=actor,
                                   name=name)),
    sentence("event.remind", _l("Invitation reminders sent"),
             lambda actor, name: _("%(actor)s reminded the guests of %(name)s who had not "
                                   "answered.", actor=actor, name=name)),
    sentence("invitation.answer", _l("Answer recorded by staff"),
             lambda actor, name: _("%(actor)s recorded a guest's answer for %(name)s.",
                                   actor=actor, name=name)),
    sentence("invitation.checkin", _l("Guest checked in"),
             lambda actor, name: _("%(actor)s checked a guest in at %(name)s.", actor=actor,
                                   name=name)),
    sentence("segment.save", _l("Audience saved"),
             lambda actor, name: _("%(actor)s saved the audience %(name)s.", actor=actor,
                                   name=name)),
)


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("event", _l("Event"), event_titles))
    register_object_type(app, AuditObjectType("segment", _l("Audience"), segment_names))
    for action in ACTIONS:
        register_action(app, action)
