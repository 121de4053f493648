"""Staff forms of mentoring classes: the class itself, moving a session, attendance."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..districts import District
from ..errors import ValidationError
from ..forms import (
    REQUIRED,
    TOO_LONG,
    ChoiceSelectField,
    EnumSelectField,
    IdListField,
    PortalForm,
    apply_error,
    as_choices,
    locale_fields,
    locale_values,
)
from . import service
from .models import PROGRAM_LANGUAGES, ClassLevel, Program, Weekday

BAD_NUMBER = _l("Enter a whole number of 1 or more.")
BAD_DATE = _l("Enter a date, such as 2027-03-02.")
BAD_TIME = _l("Enter a time, such as 18:30.")
MOST_PLACES = 10_000
# Every language a class may teach, each once, in the order the programs list them.
TAUGHT_LANGUAGES = tuple(dict.fromkeys(code for codes in PROGRAM_LANGUAGES.values()
                                       for code in codes))


def _date(label, **kwargs):
    return DateField(label, validators=[InputRequired(REQUIRED)], format="%Y-%m-%d",
                     **kwargs)


def _time(label, **kwargs):
    return TimeField(label, validators=[InputRequired(REQUIRED)],
                     format=["%H:%M", "%H:%M:%S"], **kwargs)


def _count(label, **kwargs):
    return IntegerField(label, validators=[
        InputRequired(REQUIRED), NumberRange(1, MOST_PLACES, message=BAD_NUMBER)],
        invalid_value_message=BAD_NUMBER, **kwargs)


class ClassForm(PortalForm):
    program = EnumSelectField(_l("Program"), validators=[DataRequired(REQUIRED)],
                              enum=Program, blank=_l("Choose a program"))
    language = ChoiceSelectField(_l("Language taught"), validators=[DataRequired(REQUIRED)],
                                 description=_l("Korean classes teach Korean; the parents’ "
                                                "native language program teaches the others."))
    level = EnumSelectField(pgettext("class", "Level"), validators=[DataRequired(REQUIRED)],
                            enum=ClassLevel, blank=_l("Choose a level"))
    district = EnumSelectField(_l("District"), validators=[Optional()], enum=District,
                               members=service.district_choices(),
                               blank=_l("No district (an online class)"))
    address = StringField(_l("Address"), validators=[
        Optional(), Length(max=300, message=TOO_LONG)],
        description=_l("For example: Guro Family Centre, 2nd floor."))
    online = BooleanField(_l("The class meets online"))
    weekday = EnumSelectField(_l("Day of the week"), validators=[DataRequired(REQUIRED)],
                              enum=Weekday, blank=_l("Choose a day"))
    start_time = _time(_l("Starts at"), description=_l("Seoul time."))
    end_time = _time(_l("Ends at"), description=_l("Seoul time."))
    first_date = _date(_l("First date"))
    last_date = _date(_l("Last date"), description=_l("A class runs for a year at most."))
    learner_capacity = _count(_l("Places for learners"))
    mentor_places = _count(_l("Mentor places"))
    children = BooleanField(_l("Children take part"), description=_l(
        "Mentors then need a valid child-safety record check."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Language names in the reader's language, so the choices are made per request.
        self.language.choices = as_choices(
            [("", _l("Choose a language"))]
            + sorted(((code, service.language_name(code)) for code in TAUGHT_LANGUAGES),
                     key=lambda item: item[1]))

    def values(self) -> dict:
        """The class's fields as ``service.save_class`` takes them."""
        return {
            "program": self.program.data, "language": self.language.data,
            "level": self.level.data, "titles": locale_values(self, "title"),
            "descriptions": locale_values(self, "description"),
            "district": self.district.data,
            "address": (self.address.data or "").strip() or None,
            "online": self.online.data, "weekday": self.weekday.data,
            "start_time": self.start_time.data, "end_time": self.end_time.data,
            "first_date": self.first_date.data, "last_date": self.last_date.data,
            "learner_capacity": self.learner_capacity.data,
            "mentor_places": self.mentor_places.data, "children": self.children.data,
        }


locale_fields(ClassForm, "title", pgettext("class", "Title"))
locale_fields(ClassForm, "description", _l("Description"), textarea=True, required_en=False,
              max_length=5000)


class MoveSessionForm(PortalForm):
    """A session's new date and times on Seoul's clock (one such form per session row)."""

    day = _date(_l("New date"))
    start = _time(_l("Starts at"))
    end = _time(_l("Ends at"))

    # Where the errors of ``service.move_session`` belong: the new start is a date and a time.
    SERVICE_FIELDS = {"starts_at": "day", "ends_at": "end"}

    def __init__(self, *args, session_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if session_id is not None:  # ids unique in a page that lists every session
            for name in ("day", "start", "end"):
                self[name].id = self[name].label.field_id = f"move-{name}-{session_id}"

    def show_error(self, error: ValidationError) -> None:
        """Show a refusal of ``service.move_session`` next to the field it is about."""
        apply_error(self, ValidationError(self.SERVICE_FIELDS.get(error.field, error.field),
                                          error.message))


class ActionForm(PortalForm):
    """A button that changes something: only its CSRF token to check."""


class AttendanceForm(PortalForm):
    """Who came: the ids of the mentors and the family places ticked present."""

    mentor = IdListField()
    learner = IdListField()
