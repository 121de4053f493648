"""What every form shares: the base class, enum and choice selects, common fields, messages.

Labels and messages are lazy, so each page shows them in its own language.
"""

import unicodedata
from datetime import timedelta

from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, StopValidation
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget, PasswordInput, Select, html_params

from .addresses import normalise_email
from .enums import LabelledEnum
from .errors import TooManyAttempts, ValidationError
from .i18n import LOCALES
from .routing import MAX_ID

REQUIRED = _l("This field is required.")
TOO_LONG = _l("This is too long.")
INVALID_CHOICE = _l("Choose one of the options in the list.")
CONTROL_CHARACTERS = _l("Remove the control characters from this field.")
SINGLE_LINE = _l("Write this on one line, without invisible formatting characters.")

# Characters no single-line field may hold: controls (NUL, CR, LF...), format characters
# (bidi overrides, zero-width spaces) and line or paragraph separators. A name holding them
# could make a mail read as something the portal never wrote.
_SINGLE_LINE_BANNED = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Text areas keep line breaks and tabs, and joiners that some scripts and emoji need, but not
# other controls nor the bidi overrides that reorder what a reader sees.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unsafe_text_message(field) -> str | None:
    """The error for characters a field may not hold, or None when its input is clean."""
    if field.type == "CSRFTokenField":
        return None
    single_line = isinstance(field, StringField) and not isinstance(
        field, PasswordField | TextAreaField
    )
    for value in field.raw_data or ():
        if not isinstance(value, str):
            continue
        if "\x00" in value:
            return str(CONTROL_CHARACTERS)
        for char in value:
            category = unicodedata.category(char)
            if single_line and category in _SINGLE_LINE_BANNED:
                return str(SINGLE_LINE)
            if category == "Cc" and char not in "\t\n\r" or char in _BIDI_CONTROLS:
                return str(CONTROL_CHARACTERS)
    return None


class PortalForm(FlaskForm):
    """The base of every portal form: it refuses NUL bytes and hidden control characters.

    Every field is checked, so a form with several mistakes lists them all at once; a field
    holding characters it may not hold shows only that error.
    """

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            # The CSRF input has no id: a page holds several forms (the sign-out button is
            # one), and ids must be unique in a page.
            if unbound_field.field_class.__name__ == "CSRFTokenField":
                options = {**options, "render_kw": {"id": False}}
            return super().bind_field(form, unbound_field, options)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self._fields.values():
            message = unsafe_text_message(field)
            if message:
                field.errors = [message]
                valid = False
        if not valid:
            _keep_good_new_passwords(self)
        return valid


def _keep_good_new_passwords(form: FlaskForm) -> None:
    """When other fields are wrong, a new password that passed its checks stays filled in.

    Typing it twice again for a mistake in another field is what makes people give up. A
    password that was refused, and the current password of a sign-in, are never sent back.
    """
    for field in form:
        if (isinstance(field, PasswordField) and not field.errors
                and (field.render_kw or {}).get("autocomplete") == "new-password"
                and not any(form[v.fieldname].errors for v in field.validators
                            if isinstance(v, EqualTo))):
            field.widget = PasswordInput(hide_value=False)


def as_choices(items) -> list[SelectChoice]:
    """(value, label) pairs, or (value, label, group) triples, as the choices of a select."""
    return [SelectChoice(item[0], item[1], optgroup=item[2] if len(item) > 2 else None)
            for item in items]


class FastSelect(Select):
    """WTForms' select, with options written out directly.

    WTForms builds each option's attributes through ``html_params``; a staff filter bar holds
    a few hundred options, and that was a large part of rendering its page. The markup is the
    same: ``<option selected value="...">label</option>``.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if choice.render_kw or kwargs:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704


def id_number(value) -> int:
    """``coerce`` for fields that send row ids: a number an id can be, else ValueError."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class _ChoiceChecked:
    """A value sent that is not among the choices is refused, even where the field is optional.

    WTForms' ``Optional`` clears the errors found before it and stops whenever the first value
    sent is blank (a space counts), so a forged value after a blank one, or a lone " ", reached
    the view unchecked and failed there (500). Here a blank value reads as the empty option
    (a select) or as no box ticked (checkboxes), and a value that is not a choice (the empty
    one included, where the list has none) ends validation with one message before
    ``Optional`` runs, as does a value that could not even be converted (``coerce``). A field
    the form did not send at all is left to the validators.
    """

    multiple = False

    def process_formdata(self, valuelist):
        chosen = [value for value in valuelist if value.strip()]
        if not self.multiple and valuelist and not chosen:
            chosen = [""]  # a blank value reads as the empty option
        self.raw_data = chosen
        super().process_formdata(chosen)

    def pre_validate(self, form):
        if not self.raw_data:
            return  # nothing sent: for the validators to judge
        if self.process_errors:
            self.errors[:] = []
            raise StopValidation(str(INVALID_CHOICE))
        try:
            super().pre_validate(form)
        except FieldError:
            raise StopValidation(str(INVALID_CHOICE)) from None


class IdListField(_ChoiceChecked, SelectMultipleField):
    """The ids of the rows ticked in a list whose boxes the template draws itself.

    A blank value is no box ticked; any other value must be a row id, or the field says
    ``INVALID_CHOICE`` (``_ChoiceChecked``) and its data stays empty. The data is always a list.
    """

    multiple = True

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=id_number, validate_choice=False, **kwargs)

    def process_data(self, value):
        self.data = list(value or [])


class MultiCheckboxField(_ChoiceChecked, SelectMultipleField):
    """Several choices as checkboxes (usable without JavaScript, unlike a multiple select).

    A value that is not one of the boxes is refused, optional or not (``_ChoiceChecked``).
    """

    multiple = True
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChoiceSelectField(_ChoiceChecked, SelectField):
    """A select over fixed (value, label) choices that answers a bad value in our words."""

    widget = FastSelect()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


_INVALID = object()  # the data of an EnumSelectField given a name that is no member


class EnumSelectField(SelectField):
    """A select whose data is a member of ``enum`` (or None), labelled by ``member.label``.

    ``blank`` adds a first, empty option (the placeholder of a required select, or "all" in a
    filter); ``members`` limits the choices to some members; ``groups`` is a list of
    (group label, members) shown as option groups, in that order.
    """

    widget = FastSelect()

    def __init__(self, label=None, validators=None, *, enum: type[LabelledEnum],
                 blank=None, members=None, groups=None, **kwargs):
        self.enum = enum
        self.has_blank = blank is not None
        items = [("", blank)] if blank is not None else []
        if groups:
            self.members = tuple(member for _, group in groups for member in group)
            items += [(m.name, m.label, group_label) for group_label, group in groups
                      for m in group]
        else:
            self.members = tuple(members or enum)
            items += enum.choices(self.members)
        choices = as_choices(items)
        super().__init__(label, validators, coerce=self._to_member, choices=choices, **kwargs)

    def _to_member(self, value):
        if isinstance(value, self.enum):
            return value
        if value in (None, ""):
            return None
        member = self.enum.__members__.get(value)
        return member if member in self.members else _INVALID

    def pre_validate(self, form):
        # Nothing chosen is a choice only where the list offers an empty option.
        if self.data is _INVALID or (self.data is None and not self.has_blank):
            self.data = None
            raise StopValidation(str(INVALID_CHOICE))


class CountrySelect(Select):
    """The nationality <select>: its ~260 options are rendered once per language and reused.

    WTForms renders option by option, which made the registration page several times slower
    than any other; only the chosen option differs between two renderings. Options with an
    ``optgroup`` are grouped (the commonest nationalities, then all countries).
    """

    _options: dict[tuple, Markup] = {}

    @staticmethod
    def _render(choices) -> Markup:
        parts: list[Markup] = []
        group = None
        for choice in choices:
            if choice.optgroup != group:
                if group is not None:
                    parts.append(Markup("</optgroup>"))
                if choice.optgroup is not None:
                    parts.append(Markup('<optgroup label="{}">').format(choice.optgroup))
                group = choice.optgroup
            parts.append(
                Markup('<option value="{}">{}</option>').format(choice.value, choice.label)
            )
        if group is not None:
            parts.append(Markup("</optgroup>"))
        return Markup("").join(parts)

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        key = (str(get_locale() or "en"), tuple(choice.value for choice in field.choices[:12]))
        options = self._options.get(key)
        if options is None:
            options = self._options[key] = self._render(field.choices)
        chosen = field.data or ""
        if chosen:
            plain = Markup('<option value="{}">').format(chosen)
            selected = Markup('<option selected value="{}">').format(chosen)
            options = options.replace(plain, selected, 1)
        attributes = html_params(name=field.name, **kwargs)  # html_params escapes the values
        return Markup("<select {}>{}</select>").format(Markup(attributes), options)  # noqa: S704


def email_field(label=None):
    """An email address input, checked as the services check it (full-width forms allowed)."""
    return EmailField(
        label or _l("Email address"),
        validators=[DataRequired(REQUIRED), Length(max=320, message=TOO_LONG),
                    domain_rule(normalise_email)],
        description=_l("For example: name@example.com"),
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"},
    )


def name_field(label=None, *, autocomplete: str | None = "name"):
    """A person's name: one line, at most 120 characters."""
    return StringField(
        label or _l("Full name"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)],
        render_kw={"autocomplete": autocomplete} if autocomplete else None,
    )


def current_password_field(label):
    """The password a signed-in person types to prove it is them."""
    return PasswordField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=1024, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )


def domain_rule(check):
    """A field validator running a rule the services also enforce (``check(value)`` raises
    the portal's ValidationError), so a form shows every problem in one pass."""

    def validator(form, field):
        if not field.data:
            return
        try:
            check(field.data)
        except ValidationError as error:
            raise StopValidation(error.message) from error

    return validator


def apply_error(form: FlaskForm, error: ValidationError) -> bool:
    """Show a service's ValidationError next to its field; return False if it has no field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        form.form_errors.append(error.message)
        return False
    field.errors = [*field.errors, error.message]
    return True


def wait_message(seconds: int) -> str:
    """"Too many attempts" with the real waiting time, in the page's language."""
    wait = format_timedelta(timedelta(seconds=seconds), threshold=1.0)
    return _("Too many attempts. Please try again in %(time)s.", time=wait)


def refuse_attempt(form: FlaskForm, error: TooManyAttempts) -> tuple[int, dict[str, str]]:
    """Keep the form on screen with the real waiting time; return the 429 status and headers."""
    form.form_errors.append(wait_message(error.retry_after))
    return 429, {"Retry-After": str(error.retry_after)}


# -- Text staff write in every UI language ----------------------------------------------------


def locale_fields(form_class, prefix: str, label, *, textarea: bool = False,
                  required_en: bool = True, max_length: int = 200):
    """Add one field per UI language (``<prefix>_en`` ...) to ``form_class``."""
    for code, language in LOCALES.items():
        validators = [DataRequired(REQUIRED)] if code == "en" and required_en else [Optional()]
        validators.append(Length(max=max_length, message=TOO_LONG))
        field_class = TextAreaField if textarea else StringField
        setattr(form_class, f"{prefix}_{code}", field_class(
            _l("%(what)s in %(language)s", what=label, language=language),
            validators=validators,
        ))
    return form_class


def locale_values(form, prefix: str) -> dict[str, str]:
    """The non-empty per-language values of a form's ``<prefix>_<code>`` fields."""
    values = {code: (form[f"{prefix}_{code}"].data or "").strip() for code in LOCALES}
    return {code: value for code, value in values.items() if value}


def locale_data(values: dict[str, str] | None, prefix: str) -> dict[str, str]:
    """Per-language text as the data of ``<prefix>_<code>`` fields (to fill a form)."""
    values = values or {}
    return {f"{prefix}_{code}": values.get(code, "") for code in LOCALES}
