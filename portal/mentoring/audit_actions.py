"""How the audit log reads what happened in mentoring."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, pgettext

from ..audit import AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .service import application_names, class_titles, mentor_names

ACTIONS = (
    sentence("mentoring.approve", _l("Mentor application approved"),
             lambda actor, name: _("%(actor)s approved %(name)s.", actor=actor, name=name)),
    sentence("mentoring.decline",
             lazy_pgettext("mentor application", "Mentor application declined"),
             lambda actor, name: pgettext("mentor application", "%(actor)s declined %(name)s.",
                                          actor=actor, name=name)),
    sentence("mentoring.ask", _l("More information asked of an applicant"),
             lambda actor, name: _("%(actor)s asked for more information on %(name)s.",
                                   actor=actor, name=name)),
    sentence("mentoring.check", _l("Child-safety check recorded"),
             lambda actor, name: _("%(actor)s recorded the child-safety check of %(name)s.",
                                   actor=actor, name=name)),
    sentence("mentoring.suspend", _l("Mentor suspended"),
             lambda actor, name: _("%(actor)s suspended %(name)s.", actor=actor, name=name)),
    sentence("mentoring.reinstate", _l("Mentor reinstated"),
             lambda actor, name: _("%(actor)s reinstated %(name)s.", actor=actor, name=name)),
    sentence("mentoring.class_create", _l("Class added"),
             lambda actor, name: _("%(actor)s added the class %(name)s.", actor=actor,
                                   name=name)),
    sentence("mentoring.class_update", _l("Class changed"),
             lambda actor, name: _("%(actor)s changed the class %(name)s.", actor=actor,
                                   name=name)),
    sentence("mentoring.session_cancel", _l("Session cancelled"),
             lambda actor, name: _("%(actor)s cancelled a session of %(name)s.", actor=actor,
                                   name=name)),
    sentence("mentoring.session_move", _l("Session moved"),
             lambda actor, name: _("%(actor)s moved a session of %(name)s.", actor=actor,
                                   name=name)),
    sentence("mentoring.assign", _l("Mentor assigned"),
             lambda actor, name: _("%(actor)s assigned a mentor to %(name)s.", actor=actor,
                                   name=name)),
    sentence("mentoring.enrolment", _l("Family place decided"),
             lambda actor, name: _("%(actor)s decided a family's request for %(name)s.",
                                   actor=actor, name=name)),
    sentence("mentoring.attendance", _l("Attendance recorded"),
             lambda actor, name: _("%(actor)s recorded attendance at %(name)s.", actor=actor,
                                   name=name)),
)


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("mentor_application", _l("Mentor application"),
                                              application_names))
    register_object_type(app, AuditObjectType("mentor", _l("Mentor"), mentor_names))
    register_object_type(app, AuditObjectType("mentoring_class", _l("Class"), class_titles))
    for action in ACTIONS:
        register_action(app, action)
