"""How the audit log reads what staff did with reports."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .service import category_names_by_id, report_names, team_names_by_id

ACTIONS = (
    sentence("report_category.create", _l("Report category added"),
             lambda actor, name: _("%(actor)s added the report category %(name)s.",
                                   actor=actor, name=name)),
    sentence("report_category.update", _l("Report category edited"),
             lambda actor, name: _("%(actor)s changed the report category %(name)s.",
                                   actor=actor, name=name)),
    sentence("report_team.create", _l("Team added"),
             lambda actor, name: _("%(actor)s added the team %(name)s.",
                                   actor=actor, name=name)),
    sentence("report_team.update", _l("Team changed"),
             lambda actor, name: _("%(actor)s changed the team %(name)s or its members.",
                                   actor=actor, name=name)),
    sentence("report_canned.create", _l("Prepared text added"),
             lambda actor, name: _("%(actor)s added a prepared text.", actor=actor)),
    sentence("report_canned.update", _l("Prepared text changed"),
             lambda actor, name: _("%(actor)s changed a prepared text.", actor=actor)),
    sentence("report_targets.update", _l("Response targets changed"),
             lambda actor, name: _("%(actor)s changed the response targets.", actor=actor)),
    sentence("report.acknowledge", _l("Report acknowledged"),
             lambda actor, name: _("%(actor)s acknowledged report %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.start", _l("Report in progress"),
             lambda actor, name: _("%(actor)s started work on report %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.resolve", _l("Report resolved"),
             lambda actor, name: _("%(actor)s resolved report %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.decline", _l("Report declined"),
             lambda actor, name: _("%(actor)s declined report %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.duplicate", _l("Report marked as a duplicate"),
             lambda actor, name: _("%(actor)s marked report %(name)s as a duplicate.",
                                   actor=actor, name=name)),
    sentence("report.refer", _l("Report referred"),
             lambda actor, name: _("%(actor)s referred report %(name)s to another agency.",
                                   actor=actor, name=name)),
    sentence("report.ask", _l("Question to a reporter"),
             lambda actor, name: _("%(actor)s asked the reporter of %(name)s a question.",
                                   actor=actor, name=name)),
    sentence("report.reply", _l("Reply to a reporter"),
             lambda actor, name: _("%(actor)s replied to the reporter of %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.note", _l("Internal note"),
             lambda actor, name: _("%(actor)s added an internal note to %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.assign", _l("Report assigned"),
             lambda actor, name: _("%(actor)s changed who handles report %(name)s.",
                                   actor=actor, name=name)),
    sentence("report.category", _l("Report moved to another category"),
             lambda actor, name: _("%(actor)s changed the category of report %(name)s.",
                                   actor=actor, name=name)),
)


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("report", _l("Report"), report_names))
    register_object_type(app, AuditObjectType("report_category", _l("Report category"),
                                              category_names_by_id))
    register_object_type(app, AuditObjectType("report_team", _l("Team"), team_names_by_id))
    register_object_type(app, AuditObjectType("report_canned", _l("Prepared text"),
                                              lambda ids: {}))
    register_object_type(app, AuditObjectType("report_targets", _l("Response targets"),
                                              lambda ids: {}))
    for action in ACTIONS:
        register_action(app, action)
