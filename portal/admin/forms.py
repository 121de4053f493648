"""Administration forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import NumberInput

from ..accounts.models import Role
from ..audit import known_actions, known_object_types
from ..forms import (
    ChoiceSelectField,
    EnumSelectField,
    PortalForm,
    as_choices,
    email_field,
    name_field,
)
from ..routing import MAX_ID


class AuditFilterForm(PortalForm):
    """The filter above the audit log; read with GET, so no CSRF token."""

    class Meta:
        csrf = False

    action = ChoiceSelectField(_l("What happened"), validators=[Optional()])
    object_type = ChoiceSelectField(_l("Concerning"), validators=[Optional()])
    object_id = IntegerField(
        _l("Object number"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ID)],
        widget=NumberInput(min=1),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = as_choices(
            [("", _l("Everything"))]
            + sorted(((a.name, a.label) for a in known_actions()), key=lambda c: str(c[1]))
        )
        self.object_type.choices = as_choices(
            [("", _l("Anything"))] + [(t.name, t.label) for t in known_object_types()]
        )

    def filters(self) -> dict:
        """The filters to apply: those whose value is valid (a bad one is shown and ignored)."""
        self.validate()
        return {
            name: (self[name].data or None) if not self[name].errors else None
            for name in ("action", "object_type", "object_id")
        }


class InviteStaffForm(PortalForm):
    """A new colleague: the portal mails them a link to choose their own password."""

    name = name_field(autocomplete=None)
    email = email_field()
    admin = BooleanField(_l("Administrator (can manage staff accounts and read the audit log)"))


class RoleForm(PortalForm):
    role = EnumSelectField(_l("Role"), enum=Role, members=(Role.staff, Role.admin))


class ButtonForm(PortalForm):
    """A form that is only a button (switch off, switch on, send the invitation again)."""
