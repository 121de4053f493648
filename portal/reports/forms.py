"""Forms of the reports domain: filing, following up, and the staff desk's actions."""

from collections.abc import Callable, Iterable

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    Choice,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import html_params

from ..accounts.models import ConsentPurpose
from ..accounts.passwords import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    check_password_rules,
)
from ..contacts.models import Tier
from ..districts import District
from ..forms import (
    REQUIRED,
    TOO_LONG,
    ChoiceSelectField,
    EnumSelectField,
    FastSelect,
    IdListField,
    MultiCheckboxField,
    PortalForm,
    as_choices,
    domain_rule,
    email_field,
    locale_fields,
    name_field,
)
from ..i18n import LOCALES, RESIDENT_LOCALES, current_lang, localized
from .models import CannedKind, ReportStatus

CITYWIDE = "citywide"
BAD_DATE = _l("Enter a date as year-month-day, for example 2026-03-01.")
BAD_NUMBER = _l("Enter a number.")


def area_choices():
    """The districts, then "the whole city" and "outside Seoul"."""
    districts = [d for d in District if d is not District.outside]
    return as_choices([("", _l("Choose a district"))]
                      + [(d.name, d.label) for d in districts]
                      + [(CITYWIDE, _l("The whole city")),
                         (District.outside.name, District.outside.label)])


# Choices that never change, with their labels translated once per language: the queue's
# filters and bulk actions hold about a hundred, and translating each label again on every
# visit (with the table's status, tier and district names) took 8% of the page's time.
_worded: dict[tuple[str, str], list[SelectChoice]] = {}


def worded(key: str, choices: Callable[[], Iterable[SelectChoice]]) -> list[SelectChoice]:
    """The fixed ``choices()`` known as ``key``, their labels in the page's language."""
    lang = current_lang()
    kept = _worded.get((lang, key))
    if kept is None:
        kept = _worded[lang, key] = [
            SelectChoice(c.value, str(c.label), optgroup=None if c.optgroup is None
                         else str(c.optgroup))
            for c in choices()
        ]
    return kept


class KeptOptionsSelect(FastSelect):
    """A select whose options are rendered once for each list of choices, then reused.

    The staff desk's filters and bulk actions hold about 150 options, and rendering them was a
    tenth of the queue's time. The options are kept under the choices themselves (values,
    labels), so they are exactly what rendering them again would give; only the chosen ones
    are marked at each rendering.
    """

    _kept: dict[tuple, str] = {}
    MAX_KEPT = 500  # lists of choices (a few per field and language; more only as data changes)

    def __call__(self, field, **kwargs):
        choices = field.choices
        if any(c.optgroup is not None or c.render_kw for c in choices) or kwargs.get("multiple"):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        key = tuple((c.value, str(c.label)) for c in choices)
        options = self._kept.get(key)
        if options is None:
            if len(self._kept) >= self.MAX_KEPT:
                self._kept.clear()
            options = self._kept[key] = "".join(
                self.render_option(Choice(value, label, False, None)) for value, label in key)
        for c in choices:
            if field.coerce(c.value) == field.data:
                value = escape(str(c.value) if isinstance(c.value, bool) else c.value)
                options = options.replace(f'<option value="{value}">',
                                          f'<option selected value="{value}">')
        params = html_params(name=field.name, **kwargs)  # html_params escapes the values
        return Markup(f"<select {params}>{options}</select>")  # noqa: S704 - escaped parts


KEPT = KeptOptionsSelect()


def area_value(value: str | None) -> tuple[District | None, bool]:
    """(district, citywide) from an area choice."""
    if value == CITYWIDE:
        return None, True
    return District.__members__.get(value or ""), False


class PhotosField(MultipleFileField):
    """Up to five photos; the view checks each by decoding it."""

    def process_formdata(self, valuelist):
        self.data = [f for f in valuelist if getattr(f, "filename", None)]


class ReportForm(PortalForm):
    category = ChoiceSelectField(_l("What is it about?"), validators=[DataRequired(REQUIRED)])
    area = ChoiceSelectField(_l("Where?"), validators=[DataRequired(REQUIRED)],
                             description=_l("The district where it happens, the whole city, "
                                            "or outside Seoul."))
    place = StringField(_l("Place (optional)"),
                        validators=[Optional(), Length(max=200, message=TOO_LONG)],
                        description=_l("For example: the bus stop in front of Hapjeong "
                                       "station, exit 2."))
    latitude = DecimalField(_l("Latitude (optional)"), places=None,
                            validators=[Optional(), NumberRange(33.0, 39.0, message=_l(
                                "Enter a latitude in Korea, between 33 and 39."))])
    longitude = DecimalField(_l("Longitude (optional)"), places=None,
                             validators=[Optional(), NumberRange(124.0, 132.0, message=_l(
                                 "Enter a longitude in Korea, between 124 and 132."))])
    title = StringField(lazy_pgettext("report", "Title"), validators=[
        DataRequired(REQUIRED), Length(max=150, message=TOO_LONG)
    ], description=_l("In a few words, in any language."))
    description = TextAreaField(_l("What happened?"), validators=[
        DataRequired(REQUIRED), Length(max=5000, message=TOO_LONG)
    ], description=_l("Write in the language you are most comfortable with. Say what happened, "
                      "when, and what would help."))
    photos = PhotosField(_l("Photos (optional)"),
                         description=_l("Up to 5 photos: JPEG, PNG, WebP or HEIC, at most "
                                        "10 MB each. We remove the location and other "
                                        "hidden data from them."),
                         render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic,"
                                              "image/heif,.heic,.heif"})
    # Photos already checked in an earlier try of this form (signed keys), so none is lost.
    kept_photos = HiddenField()
    urgent = BooleanField(_l("This is urgent: someone's health or safety is at risk"))
    public_stats = BooleanField(
        _l("The city may count this report, without my name or my words, in its public "
           "statistics.")
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = as_choices(
            [("", _l("Choose a category"))]
            + [(str(category.id), localized(category.names)) for category in categories]
        )
        self.area.choices = area_choices()
        self.area.render_kw = {"autocomplete": "off"}

    def validate_latitude(self, field):
        if (field.data is None) != (self.longitude.data is None) and not self.longitude.errors:
            raise StopValidation(_l("Give both the latitude and the longitude, or neither."))


class FollowUpForm(PortalForm):
    message = TextAreaField(_l("Your message"),
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    photos = PhotosField(_l("Add photos (optional)"),
                         description=_l("JPEG, PNG, WebP or HEIC, at most 10 MB each."),
                         render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic,"
                                              "image/heif,.heic,.heif"})


class ReopenForm(PortalForm):
    reason = TextAreaField(_l("Why is the problem not solved?"), validators=[
        DataRequired(REQUIRED), Length(max=2000, message=TOO_LONG)
    ])


class RatingForm(PortalForm):
    rating = ChoiceSelectField(_l("How well was your report handled?"),
                               validators=[DataRequired(REQUIRED)])
    comment = TextAreaField(_l("Comment (optional)"),
                            validators=[Optional(), Length(max=1000, message=TOO_LONG)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = as_choices([
            ("", _l("Choose a rating")), ("5", _l("5 – Very well")), ("4", _l("4 – Well")),
            ("3", _l("3 – Acceptably")), ("2", _l("2 – Badly")), ("1", _l("1 – Very badly")),
        ])


# -- Staff ------------------------------------------------------------------------------------


class QueueFilterForm(PortalForm):
    """The filters above the triage queue; read with GET, so a view can be bookmarked."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search in titles and descriptions"),
                    validators=[Optional(), Length(max=200, message=TOO_LONG)])
    view = ChoiceSelectField(_l("Reports"), validators=[Optional()], widget=KEPT,
                             choices=as_choices([
        ("open", _l("Open reports")), ("needs_category", _l("Needing a category")),
        ("all", _l("All reports")),
    ]))
    status = EnumSelectField(_l("Status"), validators=[Optional()], enum=ReportStatus, widget=KEPT,
                             blank=_l("Any status"),
                             members=[s for s in ReportStatus if s is not ReportStatus.pending])
    tier = EnumSelectField(_l("Tier"), validators=[Optional()], enum=Tier, widget=KEPT,
                           blank=_l("All tiers"))
    category = ChoiceSelectField(_l("Category"), validators=[Optional()], widget=KEPT)
    area = ChoiceSelectField(_l("District"), validators=[Optional()], widget=KEPT)
    language = ChoiceSelectField(_l("Language"), validators=[Optional()], widget=KEPT)
    assignee = ChoiceSelectField(_l("Assigned to"), validators=[Optional()], widget=KEPT)
    team = ChoiceSelectField(_l("Team"), validators=[Optional()], widget=KEPT)
    overdue = BooleanField(_l("Overdue only"))
    received_from = DateField(_l("Received from"), validators=[Optional()],
                              format="%Y-%m-%d")
    received_to = DateField(_l("Received until"), validators=[Optional()], format="%Y-%m-%d")

    def __init__(self, *args, categories=(), languages=(), staff=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("view", "status", "tier"):
            self[name].choices = worded(f"queue.{name}", lambda name=name: self[name].choices)
        self.category.choices = (
            worded("queue.category", lambda: as_choices([("", _l("All categories"))]))
            + as_choices([(str(c.id), localized(c.names)) for c in categories])
        )
        self.area.choices = worded("queue.area", lambda: as_choices(
            [("", _l("All districts"))] + [(c.value, c.label) for c in area_choices()[1:]]))
        self.language.choices = worded("queue.language", lambda: as_choices(
            [("", _l("All languages")), ("mine", _l("Languages I read"))]
        )) + as_choices(languages)
        self.assignee.choices = worded("queue.assignee", lambda: as_choices(
            [("", _l("Anyone or nobody")), ("mine", _l("Me")), ("unassigned", _l("Nobody"))]
        )) + as_choices([(str(user.id), user.name) for user in staff])
        self.team.choices = (
            worded("queue.team", lambda: as_choices(
                [("", _l("All teams")), ("mine", _l("My teams"))]))
            + as_choices([(str(t.id), localized(t.names)) for t in teams])
        )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in ("received_from", "received_to"):
            if self[name].errors:
                self[name].errors = [str(BAD_DATE)]
        return valid


class StatusForm(PortalForm):
    """One workflow action on a report, with an optional message to its reporter."""

    # Own ids: the report's page holds the reply form too, with a message and a version.
    action = HiddenField(validators=[DataRequired(REQUIRED)])
    version = IntegerField(widget=HiddenField.widget, id="status-version",
                           validators=[Optional()])
    message = TextAreaField(_l("Message to the reporter (optional)"), id="status-message",
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)])
    duplicate_of = IntegerField(_l("Number of the report it repeats"),
                                validators=[Optional(), NumberRange(1, 2**31 - 1,
                                                                    message=BAD_NUMBER)])
    canned = ChoiceSelectField(_l("Prepared text"), id="status-canned", validators=[Optional()])

    def __init__(self, *args, canned=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.canned.choices = as_choices(
            [("", _l("None: write your own"))]
            + [(str(c.id), localized(c.names)) for c in canned]
        )


class ReplyForm(PortalForm):
    version = IntegerField(widget=HiddenField.widget, id="reply-version",
                           validators=[Optional()])
    canned = ChoiceSelectField(_l("Prepared reply"), validators=[Optional()])
    message = TextAreaField(_l("Your reply"),
                            validators=[Optional(), Length(max=5000, message=TOO_LONG)],
                            description=_l("The reporter reads it. Leave it empty to send the "
                                           "prepared reply in the reporter's language."))

    def __init__(self, *args, canned=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.canned.choices = as_choices(
            [("", _l("None: write your own"))]
            + [(str(c.id), localized(c.names)) for c in canned]
        )


class NoteForm(PortalForm):
    note = TextAreaField(_l("Internal note"), validators=[
        DataRequired(REQUIRED), Length(max=5000, message=TOO_LONG)
    ], description=_l("Only staff read it."))


class AssignForm(PortalForm):
    version = IntegerField(widget=HiddenField.widget, id="assign-version",
                           validators=[Optional()])
    assignee = ChoiceSelectField(_l("Assign to"), validators=[Optional()])
    # Always holds a category (there is no empty first option), so the browser is not told
    # it is required: HTML allows that only on a select that starts with an empty option.
    category = ChoiceSelectField(_l("Category"), validators=[DataRequired(REQUIRED)],
                                 render_kw={"required": False})

    def __init__(self, *args, staff=(), readers=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        reader_ids = {user.id for user in readers}
        readers_label = _l("Colleagues who read the report’s language")
        suggested = [(str(u.id), u.name, readers_label) for u in readers]
        others = [(str(u.id), u.name, _l("Other staff")) for u in staff
                  if u.id not in reader_ids]
        self.assignee.choices = as_choices([("", _l("Nobody"))] + suggested + others)
        self.category.choices = as_choices(
            [(str(c.id), localized(c.names)) for c in categories]
        )


class BulkForm(PortalForm):
    """One action on the reports ticked in the queue."""

    report = IdListField(validators=[DataRequired(_l("Tick at least one report."))])
    # Own ids: the queue's filter form above has an assignee and a category too.
    action = ChoiceSelectField(_l("With the reports ticked"), id="bulk-action", widget=KEPT,
                               validators=[
        DataRequired(REQUIRED)])
    assignee = ChoiceSelectField(_l("Assign to"), id="bulk-assignee", widget=KEPT,
                                 validators=[Optional()])
    category = ChoiceSelectField(_l("Category"), id="bulk-category", widget=KEPT,
                                 validators=[Optional()])

    def __init__(self, *args, staff=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = worded("bulk.action", lambda: as_choices([
            ("", _l("Choose an action")), ("acknowledge", _l("Acknowledge")),
            ("assign", _l("Assign")), ("category", _l("Change the category")),
        ]))
        self.assignee.choices = (
            worded("bulk.assignee", lambda: as_choices([("", _l("Nobody"))]))
            + as_choices([(str(user.id), user.name) for user in staff])
        )
        self.category.choices = (
            worded("bulk.category", lambda: as_choices([("", _l("Choose a category"))]))
            + as_choices([(str(c.id), localized(c.names)) for c in categories])
        )

    def validate_category(self, field):
        if self.action.data == "category" and not field.data:
            raise StopValidation(str(REQUIRED))


# -- Settings ---------------------------------------------------------------------------------


class MySettingsForm(PortalForm):
    """What a staff member reads and follows."""

    languages = MultiCheckboxField(_l("Languages I read"), validators=[Optional()])
    categories = MultiCheckboxField(_l("Categories I follow"), coerce=int,
                                    validators=[Optional()])
    tiers = MultiCheckboxField(_l("Tiers I follow"), validators=[Optional()])

    def __init__(self, *args, languages=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = list(languages)
        self.categories.choices = [(c.id, localized(c.names)) for c in categories]
        self.tiers.choices = [(tier.name, tier.label) for tier in Tier]


class CategoryForm(PortalForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG),
        Regexp(r"^[a-z0-9_-]+$", message=_l("Use lower-case letters, digits, - and _ only.")),
    ], description=_l("A short code used by other city systems (Open311): do not change it once "
                   "they use it."))
    team = ChoiceSelectField(_l("Team"), validators=[Optional()])
    position = IntegerField(_l("Position in the list"), default=0,
                            validators=[Optional(), NumberRange(0, 999, message=BAD_NUMBER)])
    catch_all = BooleanField(_l("Catch-all: its reports wait until staff choose a category"))
    active = BooleanField(_l("Residents can choose it"), default=True)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team.choices = as_choices(
            [("", _l("No team"))] + [(str(t.id), localized(t.names)) for t in teams]
        )


locale_fields(CategoryForm, "name", lazy_pgettext("thing", "Name"), max_length=80)


class TeamForm(PortalForm):
    code = CategoryForm.code
    members = MultiCheckboxField(_l("Members"), coerce=int, validators=[Optional()])

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = [(user.id, user.name) for user in staff]


locale_fields(TeamForm, "name", lazy_pgettext("thing", "Name"), max_length=120)


class CannedForm(PortalForm):
    kind = EnumSelectField(_l("Used for"), enum=CannedKind)


locale_fields(CannedForm, "name", _l("Name for staff"), max_length=120)
locale_fields(CannedForm, "text", _l("Text"), textarea=True, max_length=5000)


class TargetsForm(PortalForm):
    """Working days to acknowledge and to resolve, per tier."""


for _tier in Tier:
    for _what, _label in (("acknowledge", _l("Acknowledge within (working days)")),
                          ("resolve", _l("Resolve within (working days)"))):
        setattr(TargetsForm, f"{_what}_{_tier.name}", IntegerField(_label, validators=[
            DataRequired(REQUIRED), NumberRange(1, 365, message=BAD_NUMBER)]))


# -- Report first, register at the end --------------------------------------------------------


class VisitorReportForm(ReportForm):
    """The report form for someone without an account: who they are comes at the end."""

    name = name_field(_l("Your name"))
    email = email_field(_l("Your email address"))
    access = RadioField(_l("How will you sign in later?"), default="password",
                        choices=as_choices([
                            ("password", _l("I choose a password now")),
                            ("link", _l("Email me a link: I will choose a password after "
                                        "confirming my address")),
                        ]), validators=[DataRequired(REQUIRED)])
    # No Optional(): it would stop the checks below, which ask for a password only when the
    # person chose one.
    password = PasswordField(_l("Password"), validators=[
        Length(max=PASSWORD_MAX_LENGTH, message=TOO_LONG),
        domain_rule(check_password_rules),
    ], description=_l("At least %(count)d characters. Avoid common passwords.",
                      count=PASSWORD_MIN_LENGTH),
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX_LENGTH})
    password_again = PasswordField(_l("Repeat the password"), validators=[
        EqualTo("password", message=_l("The two passwords do not match.")),
    ], render_kw={"autocomplete": "new-password"})
    locale = ChoiceSelectField(_l("Preferred language"))
    consent_account = BooleanField(ConsentPurpose.account.label, render_kw={"required": True})
    consent_research = BooleanField(ConsentPurpose.research.label)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = as_choices((k, LOCALES[k]) for k in RESIDENT_LOCALES)

    def validate_password(self, field):
        if self.access.data == "password" and not field.data:
            raise StopValidation(str(REQUIRED))

    def validate_password_again(self, field):
        if self.access.data == "password" and not field.data:
            raise StopValidation(str(REQUIRED))

    def validate_consent_account(self, field):
        if not field.data:
            raise StopValidation(_l("You must agree to this for us to create your account."))

    @property
    def consents(self) -> list[ConsentPurpose]:
        return [ConsentPurpose.account] + (
            [ConsentPurpose.research] if self.consent_research.data else [])
