from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import DataRequired, Length

from ..accounts.forms import new_password_field

REQUIRED = _l("This field is required.")


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
