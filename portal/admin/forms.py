from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import NumberInput

from ..accounts.forms import REQUIRED, new_password_field


class AuditFilterForm(FlaskForm):
    """The filter above the audit log; read with GET, so no CSRF token."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"), validators=[Optional(), Length(max=64)])
    object_type = StringField(_l("Object type"), validators=[Optional(), Length(max=32)])
    object_id = IntegerField(
        _l("Object number"),
        validators=[Optional()],
        widget=NumberInput(min=1),
    )


class CreateStaffForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("This is too long."))],
    )
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(REQUIRED), Length(max=320, message=_l("This is too long."))],
    )
    password = new_password_field(_l("Initial password"))
    admin = BooleanField(_l("Administrator (can manage staff accounts and read the audit log)"))
