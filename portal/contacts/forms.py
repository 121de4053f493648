"""Staff forms of the contact directory."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from wtforms import EmailField, SearchField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..accounts.forms import AFFILIATION_GROUPS
from ..accounts.models import Affiliation
from ..addresses import normalise_email
from ..districts import District
from ..forms import (
    REQUIRED,
    TOO_LONG,
    ChoiceSelectField,
    EnumSelectField,
    MultiCheckboxField,
    PortalForm,
    as_choices,
    domain_rule,
    locale_fields,
    name_field,
)
from ..i18n import LOCALES, country_choices, localized
from .models import NameOrder, Tier


def countries() -> list[tuple[str, str]]:
    """Every country once, the commonest nationalities first (a select holds each value once)."""
    seen: set[str] = set()
    listed = []
    for code, name, _group in country_choices():
        if code not in seen:
            seen.add(code)
            listed.append((code, name))
    return listed


class ClassifyForm(PortalForm):
    tier = EnumSelectField(_l("Tier"), enum=Tier)
    affiliation = EnumSelectField(_l("Affiliation"), enum=Affiliation, blank=_l("None"),
                                  groups=AFFILIATION_GROUPS)


class DirectorySearchForm(PortalForm):
    """The filter above staff lists; read with GET, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Name or email"), validators=[Optional(), Length(max=200, message=TOO_LONG)]
    )
    tier = EnumSelectField(_l("Tier"), validators=[Optional()], enum=Tier,
                           blank=_l("All tiers"))

    def filters(self) -> dict:
        """The filters to apply: those whose value is valid (a bad one is shown and ignored)."""
        self.validate()
        return {
            name: self[name].data if not self[name].errors else None for name in ("q", "tier")
        }


class AccountSearchForm(DirectorySearchForm):
    """The filter above the list of accounts: also by whether the address is confirmed."""

    state = ChoiceSelectField(_l("Email address"), validators=[Optional()], choices=as_choices([
        ("", _l("All accounts")), ("unconfirmed", _l("Email not confirmed yet")),
    ]))

    def filters(self) -> dict:
        filters = super().filters()
        filters["unconfirmed"] = self.state.data == "unconfirmed" and not self.state.errors
        return filters


class ContactFilterForm(DirectorySearchForm):
    """The contact directory's filters, which combine; read from the URL."""

    affiliation = EnumSelectField(_l("Affiliation"), validators=[Optional()], enum=Affiliation,
                                  blank=_l("All affiliations"), groups=AFFILIATION_GROUPS)
    group = ChoiceSelectField(_l("Group"), validators=[Optional()])
    nationality = ChoiceSelectField(_l("Nationality"), validators=[Optional()])
    locale = ChoiceSelectField(_l("Preferred language"), validators=[Optional()])
    district = EnumSelectField(_l("District"), validators=[Optional()], enum=District,
                               blank=_l("All districts"))
    tag = SearchField(_l("Tag"), validators=[Optional(), Length(max=60, message=TOO_LONG)])
    account = ChoiceSelectField(_l("Account"), validators=[Optional()], choices=as_choices([
        ("", _l("With or without an account")), ("yes", _l("Has an account")),
        ("no", _l("No account")),
    ]))

    FIELDS = ("q", "tier", "affiliation", "group", "nationality", "locale", "district", "tag",
              "account")

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = as_choices(
            [("", _l("All groups"))] + [(str(g.id), localized(g.names)) for g in groups])
        self.nationality.choices = as_choices([("", _l("All nationalities"))] + countries())
        self.locale.choices = as_choices([("", _l("All languages"))] + list(LOCALES.items()))

    def filters(self) -> dict:
        """The filters to apply: those whose value is valid (a bad one is shown and ignored)."""
        self.validate()
        values = {name: self[name].data if not self[name].errors else None
                  for name in self.FIELDS}
        group = values.pop("group")
        values["group_id"] = int(group) if group else None
        account = values.pop("account")
        values["has_account"] = {"yes": True, "no": False}.get(account or "")
        values["tag"] = (values.get("tag") or "").strip() or None
        return values


class ContactDetailsForm(PortalForm):
    """A contact's names, protocol details, organisation and preferences."""

    honorific = StringField(_l("Honorific (optional)"), validators=[
        Optional(), Length(max=40, message=TOO_LONG)],
        description=_l("As protocol writes it before the name: H.E., Dr., Prof."))
    name = name_field(_l("Name as the city writes it"), autocomplete=None)
    name_native = StringField(_l("Name in the person’s own script (optional)"), validators=[
        Optional(), Length(max=120, message=TOO_LONG)])
    name_latin = StringField(_l("Name in Latin letters (optional)"), validators=[
        Optional(), Length(max=120, message=TOO_LONG)])
    name_order = EnumSelectField(_l("Name order"), validators=[Optional()], enum=NameOrder,
                                 blank=_l("Not known"))
    email = EmailField(_l("Email address (optional)"), validators=[
        Optional(), Length(max=320, message=TOO_LONG), domain_rule(normalise_email)])
    organisation = StringField(_l("Organisation (optional)"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)])
    title = StringField(_l("Position (optional)"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)])
    nationality = ChoiceSelectField(_l("Nationality"), validators=[Optional()])
    locale = ChoiceSelectField(_l("Preferred language"))
    district = EnumSelectField(_l("District"), validators=[Optional()], enum=District,
                               blank=_l("Not known"))
    tags = StringField(_l("Tags (optional)"), validators=[
        Optional(), Length(max=600, message=TOO_LONG)],
        description=_l("Separate them with commas: G20 delegation, speaker 2026."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = as_choices([("", _l("Not known"))] + countries())
        self.locale.choices = as_choices(list(LOCALES.items()))


class GroupsForm(PortalForm):
    groups = MultiCheckboxField(_l("Groups"), coerce=int, validators=[Optional()])

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups.choices = [(g.id, localized(g.names)) for g in groups]


class MergeForm(PortalForm):
    """Merging two contacts: the button, and its CSRF token."""


class GroupForm(PortalForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Use lower-case letters, digits, - and _ only.")),
    ])


locale_fields(GroupForm, "name", pgettext("thing", "Name"))
