"""Forms of the API: a service request as Open311 posts it, and the administrators' pages."""

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import REQUIRED, TOO_LONG, PortalForm

# The same bounds as the report form: a place in Korea.
LATITUDE = NumberRange(33.0, 39.0, message=_l("Enter a latitude in Korea, between 33 and 39."))
LONGITUDE = NumberRange(124.0, 132.0,
                        message=_l("Enter a longitude in Korea, between 124 and 132."))
BAD_NUMBER = _l("Enter a number.")


class ServiceRequestForm(PortalForm):
    """The parameters of an Open311 POST that the portal uses; the others are ignored.

    The key stands in for the CSRF token: an API client posts from its own server. The
    reporter's name, email, phone and device are never taken: the request is filed in the
    client's name.
    """

    class Meta:
        csrf = False

    service_code = StringField(validators=[DataRequired(REQUIRED),
                                           Length(max=40, message=TOO_LONG)])
    description = TextAreaField(validators=[DataRequired(REQUIRED),
                                            Length(max=5000, message=TOO_LONG)])
    lat = DecimalField(places=None, validators=[Optional(), LATITUDE])
    long = DecimalField(places=None, validators=[Optional(), LONGITUDE])
    address_string = StringField(validators=[Optional(), Length(max=200, message=TOO_LONG)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in ("lat", "long"):
            field = self[name]
            if field.errors and field.data is None and field.raw_data and field.raw_data[0]:
                field.errors = [str(BAD_NUMBER)]  # WTForms' own words, in English only
        return valid


class ApiClientForm(PortalForm):
    """A new API client: the system that will hold the key."""

    name = StringField(
        _l("Name of the system"),
        validators=[DataRequired(REQUIRED), Length(max=100, message=TOO_LONG)],
        description=_l("For example: 120 Dasan Call Center. Staff see the requests it files "
                       "under this name."),
    )


class RevokeForm(PortalForm):
    """The revoke button: only its CSRF token."""
