"""Administration forms."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import NumberInput

from ..accounts.forms import new_password_field
from ..forms import PortalForm, email_field, name_field
from ..routing import MAX_ID


class AuditFilterForm(PortalForm):
    """The filter above the audit log; read with GET, so no CSRF token."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=32)])
    object_id = IntegerField(
        _l("Object number"),
        validators=[Optional(), NumberRange(min=1, max=MAX_ID)],
        widget=NumberInput(min=1),
    )

    def filters(self) -> dict:
        """The filters to apply: those whose value is valid (a bad one is shown and ignored)."""
        self.validate()
        return {
            name: (self[name].data or None) if not self[name].errors else None
            for name in ("action", "object_type", "object_id")
        }


class CreateStaffForm(PortalForm):
    name = name_field(autocomplete=None)
    email = email_field()
    password = new_password_field(_l("Initial password"))
    admin = BooleanField(_l("Administrator (can manage staff accounts and read the audit log)"))
