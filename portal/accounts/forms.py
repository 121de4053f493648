"""Account forms. Labels and messages are lazy so each page shows them in its own language."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import Select, html_params

from ..i18n import (
    COUNTRY_CODES,
    DISTRICTS,
    LOCALES,
    RESIDENT_LOCALES,
    country_choices,
    district_choices,
)
from .models import AFFILIATION_LABELS, CONSENT_LABELS, Affiliation, ConsentPurpose

REQUIRED = _l("This field is required.")


def email_field(label=None):
    """An email address input; the service normalises and checks it."""
    return EmailField(
        label or _l("Email address"),
        validators=[DataRequired(REQUIRED), Length(max=320, message=_l("This is too long."))],
        render_kw={"autocomplete": "email"},
    )


class CountrySelect(Select):
    """The nationality <select>: its ~250 options are rendered once per language and reused.

    WTForms renders option by option, which made the registration page several times slower
    than any other; only the chosen option differs between two renderings.
    """

    _options: dict[str, Markup] = {}

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        lang = str(get_locale() or "en")
        options = self._options.get(lang)
        if options is None:
            options = self._options[lang] = Markup("").join(
                Markup('<option value="{}">{}</option>').format(value, label)
                for value, label in field.choices
            )
        chosen = field.data or ""
        if chosen:
            plain = Markup('<option value="{}">').format(chosen)
            selected = Markup('<option selected value="{}">').format(chosen)
            options = options.replace(plain, selected, 1)
        attributes = html_params(name=field.name, **kwargs)  # html_params escapes the values
        return Markup("<select {}>{}</select>").format(Markup(attributes), options)  # noqa: S704


def current_password_field(label):
    """The password a signed-in person types to prove it is them."""
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED)],
        render_kw={"autocomplete": "current-password"},
    )


def new_password_field(label):
    """A field for choosing a password; the length and common-password rules live in service."""
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED)],
        description=_l("At least 10 characters. Avoid common passwords."),
        render_kw={"autocomplete": "new-password"},
    )


def repeat_password_field(label, original: str):
    return PasswordField(
        label,
        validators=[
            DataRequired(REQUIRED),
            EqualTo(original, message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _affiliation_choices():
    return [("", _l("I prefer not to say"))] + [
        (a.name, label) for a, label in AFFILIATION_LABELS.items()
    ]


class ProfileFields(FlaskForm):
    """Fields a resident gives at registration and may change later."""

    name = StringField(
        _l("Full name"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=_l("This is too long."))],
        render_kw={"autocomplete": "name"},
    )
    # Choices are checked by the validators below, whose messages are the portal's own.
    nationality = SelectField(
        _l("Nationality"),
        validators=[InputRequired(REQUIRED)],
        validate_choice=False,
        widget=CountrySelect(),
    )
    locale = SelectField(
        _l("Preferred language"), validators=[InputRequired(REQUIRED)], validate_choice=False
    )
    district = SelectField(
        _l("District of residence"), validators=[InputRequired(REQUIRED)], validate_choice=False
    )
    claimed_affiliation = SelectField(_l("Your affiliation (optional)"), validate_choice=False)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = [("", _l("Choose a country"))] + country_choices()
        languages = LOCALES if staff else {k: LOCALES[k] for k in RESIDENT_LOCALES}
        self.locale.choices = list(languages.items())
        self.district.choices = [("", _l("Choose a district"))] + district_choices()
        self.claimed_affiliation.choices = _affiliation_choices()
        self.staff = staff
        if staff:
            # City staff need not give a nationality or a district.
            self.nationality.validators = [Optional()]
            self.district.validators = [Optional()]
            self.district.flags.required = self.nationality.flags.required = False

    def validate_nationality(self, field):
        if self.staff and not field.data:
            return
        if field.data not in COUNTRY_CODES:
            raise ValidationError(_l("Choose a country from the list."))

    def validate_locale(self, field):
        if field.data not in dict(self.locale.choices):
            raise ValidationError(_l("Choose a language from the list."))

    def validate_district(self, field):
        if self.staff and not field.data:
            return
        if field.data not in DISTRICTS:
            raise ValidationError(_l("Choose a district from the list."))

    def validate_claimed_affiliation(self, field):
        if field.data and field.data not in Affiliation.__members__:
            raise ValidationError(_l("Choose an affiliation from the list."))

    @property
    def affiliation_value(self) -> Affiliation | None:
        return Affiliation[self.claimed_affiliation.data] if self.claimed_affiliation.data else None


class RegisterForm(ProfileFields):
    email = email_field()
    password = new_password_field(_l("Password"))
    password_again = repeat_password_field(_l("Repeat the password"), "password")
    consent_account = BooleanField(CONSENT_LABELS[ConsentPurpose.account])
    consent_invitations = BooleanField(CONSENT_LABELS[ConsentPurpose.invitations])
    consent_research = BooleanField(CONSENT_LABELS[ConsentPurpose.research])

    def validate_consent_account(self, field):
        if not field.data:
            raise ValidationError(_l("You must agree to this for us to create your account."))

    @property
    def consents(self) -> list[ConsentPurpose]:
        return [p for p in ConsentPurpose if getattr(self, f"consent_{p.name}").data]


class LoginForm(FlaskForm):
    email = email_field()
    password = current_password_field(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class NewPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    password_again = repeat_password_field(_l("Repeat the new password"), "password")


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field(_l("Current password"))
    new_password = new_password_field(_l("New password"))
    new_password_again = repeat_password_field(_l("Repeat the new password"), "new_password")


class ProfileForm(ProfileFields):
    consent_invitations = BooleanField(CONSENT_LABELS[ConsentPurpose.invitations])
    consent_research = BooleanField(CONSENT_LABELS[ConsentPurpose.research])


class DeleteAccountForm(FlaskForm):
    password = current_password_field(_l("Your password"))
    understood = BooleanField(
        _l("I understand that my account and personal data will be erased for good."),
        validators=[DataRequired(_l("Tick this box to confirm."))],
    )


class ChangeEmailForm(FlaskForm):
    new_email = email_field(_l("New email address"))
    password = current_password_field(_l("Your password"))


class ConfirmForm(FlaskForm):
    """Just the CSRF token: confirming is a button, so mail scanners that open links do not."""


class ResendConfirmationForm(FlaskForm):
    """A button that sends the confirmation mail again."""


class LogoutForm(FlaskForm):
    """The sign-out button in the header."""
