"""How the audit log reads what happened to accounts."""

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import AuditAction, AuditObjectType, register_action, register_object_type
from ..audit_sentences import sentence
from .models import Role
from .service import users_by_id


def _role_label(name: str | None) -> str:
    role = Role.__members__.get(name or "")
    return str(role.label) if role else "—"


ACTIONS = (
    sentence("user.create_staff", _l("Staff account created"),
             lambda actor, name: _("%(actor)s created the staff account of %(name)s.",
                                   actor=actor, name=name)),
    sentence("signin.succeeded", _l("Signed in"),
             lambda actor, name: _("%(actor)s signed in.", actor=actor)),
    sentence("signin.failed", _l("Failed sign-in"),
             lambda actor, name: _("A sign-in to the account of %(name)s failed: wrong "
                                   "password.", name=name)),
    sentence("signout", _l("Signed out"),
             lambda actor, name: _("%(actor)s signed out.", actor=actor)),
    sentence("password.changed", _l("Password changed"),
             lambda actor, name: _("%(actor)s changed their password.", actor=actor)),
    sentence("password.reset", _l("Password reset"),
             lambda actor, name: _("%(actor)s chose a new password through a reset link.",
                                   actor=actor)),
    sentence("password.reset_requested", _l("Reset link asked for"),
             lambda actor, name: _("A password reset link was sent to %(name)s.", name=name)),
    sentence("password.check_failed", _l("Wrong password to confirm a change"),
             lambda actor, name: _("%(actor)s typed a wrong password to confirm a change.",
                                   actor=actor)),
    sentence("email.change_requested", _l("Address change asked for"),
             lambda actor, name: _("%(actor)s asked to move their account to another "
                                   "address.", actor=actor)),
    sentence("email.changed", _l("Address changed"),
             lambda actor, name: _("%(actor)s changed their email address.", actor=actor)),
    sentence("sessions.ended_others", _l("Signed out on other devices"),
             lambda actor, name: _("%(actor)s signed out on every other device.",
                                   actor=actor)),
    sentence("sessions.ended_one", _l("Signed out one device"),
             lambda actor, name: _("%(actor)s signed out one of their devices.", actor=actor)),
    sentence("user.invite_staff", _l("Colleague invited"),
             lambda actor, name: _("%(actor)s invited %(name)s to the staff desk.",
                                   actor=actor, name=name)),
    AuditAction("user.change_role", _l("Role changed"), lambda entry, name: _(
        "%(actor)s made %(name)s %(role)s.", actor=name("user", entry.actor_id),
        name=name("user", entry.object_id),
        role=_role_label((entry.after or {}).get("role")),
    )),
    sentence("user.deactivate", _l("Account switched off"),
             lambda actor, name: _("%(actor)s switched off the account of %(name)s.",
                                   actor=actor, name=name)),
    sentence("user.reactivate", _l("Account switched on"),
             lambda actor, name: _("%(actor)s switched the account of %(name)s on again.",
                                   actor=actor, name=name)),
    sentence("account.deleted", _l("Account deleted"),
             lambda actor, name: _("An account was deleted at its owner's request.")),
)


def _user_names(ids: set[int]) -> dict[int, str]:
    return {user_id: user.name or user.email for user_id, user in users_by_id(ids).items()
            if user.deleted_at is None}


def register(app: Flask) -> None:
    register_object_type(app, AuditObjectType("user", _l("Account"), _user_names))
    for action in ACTIONS:
        register_action(app, action)
