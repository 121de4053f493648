"""Account forms. Labels and messages are lazy so each page shows them in its own language."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..districts import District
from ..forms import (
    REQUIRED,
    ChoiceSelectField,
    CountrySelect,
    EnumSelectField,
    PortalForm,
    as_choices,
    current_password_field,
    domain_rule,
    email_field,
    name_field,
)
from ..i18n import LOCALES, RESIDENT_LOCALES, country_choices
from .models import EVERYDAY_AFFILIATIONS, PARTNER_AFFILIATIONS, Affiliation, ConsentPurpose
from .passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, check_password_rules

AFFILIATION_GROUPS = [
    (_l("Living in Seoul"), EVERYDAY_AFFILIATIONS),
    (_l("The city's partner groups"), PARTNER_AFFILIATIONS),
]


def new_password_field(label):
    """A field for choosing a password; the common-password rule lives in the service."""
    return PasswordField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(max=PASSWORD_MAX_LENGTH, message=_l(
                "Use at most %(count)d characters.", count=PASSWORD_MAX_LENGTH
            )),
            domain_rule(check_password_rules),
        ],
        description=_l(
            "At least %(count)d characters. Avoid common passwords.", count=PASSWORD_MIN_LENGTH
        ),
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX_LENGTH},
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


def consent_field(purpose: ConsentPurpose, *, required: bool = False):
    return BooleanField(purpose.label, render_kw={"required": True} if required else None)


class ProfileFields(PortalForm):
    """Fields a resident gives at registration and may change later."""

    name = name_field()
    nationality = ChoiceSelectField(
        _l("Nationality"), validators=[DataRequired(REQUIRED)], widget=CountrySelect()
    )
    locale = ChoiceSelectField(_l("Preferred language"))
    district = EnumSelectField(
        _l("District of residence"), validators=[DataRequired(REQUIRED)], enum=District,
        blank=_l("Choose a district"),
    )
    claimed_affiliation = EnumSelectField(
        _l("Your affiliation (optional)"), enum=Affiliation, blank=_l("I prefer not to say"),
        groups=AFFILIATION_GROUPS,
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = as_choices([("", _l("Choose a country")), *country_choices()])
        languages = LOCALES if staff else {k: LOCALES[k] for k in RESIDENT_LOCALES}
        self.locale.choices = as_choices(languages.items())
        if staff:
            # City staff need not give a nationality or a district.
            for field in (self.nationality, self.district):
                field.validators = [Optional()]
                field.flags.required = False


class RegisterForm(ProfileFields):
    email = email_field()
    password = new_password_field(_l("Password"))
    password_again = repeat_password_field(_l("Repeat the password"), "password")
    consent_account = consent_field(ConsentPurpose.account, required=True)
    consent_invitations = consent_field(ConsentPurpose.invitations)
    consent_research = consent_field(ConsentPurpose.research)

    def validate_consent_account(self, field):
        if not field.data:
            raise ValidationError(_l("You must agree to this for us to create your account."))

    @property
    def consents(self) -> list[ConsentPurpose]:
        return [p for p in ConsentPurpose if getattr(self, f"consent_{p.name}").data]


class LoginForm(PortalForm):
    email = email_field()
    password = current_password_field(_l("Password"))
    remember = BooleanField(_l("Keep me signed in on this device for 30 days"))


class ResetRequestForm(PortalForm):
    email = email_field()


class NewPasswordForm(PortalForm):
    password = new_password_field(_l("New password"))
    password_again = repeat_password_field(_l("Repeat the new password"), "password")


class ChangePasswordForm(PortalForm):
    current_password = current_password_field(_l("Current password"))
    new_password = new_password_field(_l("New password"))
    new_password_again = repeat_password_field(_l("Repeat the new password"), "new_password")


class ProfileForm(ProfileFields):
    consent_invitations = consent_field(ConsentPurpose.invitations)
    consent_research = consent_field(ConsentPurpose.research)


class DeleteAccountForm(PortalForm):
    password = current_password_field(_l("Your password"))
    understood = BooleanField(
        _l("I understand that my account and personal data will be erased for good."),
        validators=[DataRequired(_l("Tick this box to confirm."))],
    )


class ChangeEmailForm(PortalForm):
    new_email = email_field(_l("New email address"))
    password = current_password_field(_l("Your password"))


class ConfirmForm(PortalForm):
    """Just the CSRF token: confirming is a button, so mail scanners that open links do not."""


class ButtonForm(PortalForm):
    """A form that is only a button (send the link again, sign out, end other sessions)."""

