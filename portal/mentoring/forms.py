"""Residents' mentoring forms: the application to mentor, the mentor's settings, a family's
request for a place in a class."""

from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import (
    REQUIRED,
    TOO_LONG,
    ChoiceSelectField,
    EnumSelectField,
    MultiCheckboxField,
    PortalForm,
    as_choices,
)
from . import service
from .models import SPOKEN_LANGUAGES, KoreanLevel, Level, MentorApplication, Program, Weekday

LANGUAGE_ROWS = 4
AVAILABILITY_ROWS = 6
BAD_TIME = _l("Enter a time such as 18:30.")
BAD_NUMBER = _l("Enter a whole number.")


class GroupField(Field):
    """A group of inputs (the rows of languages or times) as one field: it holds the errors
    the service gives the whole group, and its id names the group's fieldset."""

    def process_formdata(self, valuelist):
        self.data = None

    def __call__(self, **kwargs):
        return ""


def _language_choices():
    names = sorted(((code, service.language_name(code)) for code in SPOKEN_LANGUAGES),
                   key=lambda item: item[1])
    return as_choices([("", _l("Choose a language")), *names])


class ApplicationForm(PortalForm):
    programs = MultiCheckboxField(_l("Programs you would like to mentor in"),
                                  choices=as_choices(Program.choices()))
    languages = GroupField(_l("Languages you speak"))
    korean_level = EnumSelectField(_l("Your Korean level"), enum=KoreanLevel,
                                   blank=_l("Choose your level"))
    districts = MultiCheckboxField(_l("Districts you can reach"))
    online = BooleanField(_l("I can mentor online"))
    availability = GroupField(_l("When you are free each week"))
    experience = TextAreaField(
        _l("Your experience with teaching, children or families (optional)"),
        validators=[Optional(), Length(max=4000, message=TOO_LONG)])
    motivation = TextAreaField(_l("Why you would like to mentor"),
                               validators=[Optional(), Length(max=4000, message=TOO_LONG)])
    code_accepted = BooleanField(_l("I have read the mentor code of conduct and I agree to "
                                    "follow it"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.districts.choices = as_choices(
            (district.name, district.label) for district in service.district_choices())
        language_choices = _language_choices()
        for index in range(LANGUAGE_ROWS):
            self[f"language_{index}"].choices = language_choices

    def language_rows(self):
        """(language, level) field pairs, one per row."""
        return [(self[f"language_{i}"], self[f"level_{i}"]) for i in range(LANGUAGE_ROWS)]

    def availability_rows(self):
        """(day, start, end) field triples, one per row."""
        return [(self[f"day_{i}"], self[f"start_{i}"], self[f"end_{i}"])
                for i in range(AVAILABILITY_ROWS)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for language, level in self.language_rows():
            if language.errors or level.errors:
                continue
            if language.data and level.data is None:
                level.errors.append(str(_l("Choose how well you speak this language.")))
                valid = False
            elif level.data is not None and not language.data:
                language.errors.append(str(_l("Choose the language, or clear its level.")))
                valid = False
        for day, start, end in self.availability_rows():
            if day.errors or start.errors or end.errors:
                continue
            if day.data is None and (start.data or end.data):
                day.errors.append(str(_l("Choose a day for this time range.")))
                valid = False
            elif day.data is not None and start.data is None:
                start.errors.append(str(_l("Enter the time you are free from.")))
                valid = False
            elif day.data is not None and end.data is None:
                end.errors.append(str(_l("Enter the time you are free until.")))
                valid = False
            elif day.data is not None and end.data <= start.data:
                end.errors.append(str(_l("The end must be later than the start.")))
                valid = False
        return valid

    def values(self) -> dict:
        """The application as the service takes it (blank rows left out)."""
        return {
            "programs": list(self.programs.data or []),
            "languages": [{"code": language.data, "level": level.data.name}
                          for language, level in self.language_rows() if language.data],
            "korean_level": self.korean_level.data,
            "districts": list(self.districts.data or []),
            "online": bool(self.online.data),
            "availability": [{"day": day.data.name, "start": start.data.strftime("%H:%M"),
                              "end": end.data.strftime("%H:%M")}
                             for day, start, end in self.availability_rows()
                             if day.data is not None],
            "experience": (self.experience.data or "").strip(),
            "motivation": (self.motivation.data or "").strip(),
            "code_accepted": bool(self.code_accepted.data),
        }


for _index in range(LANGUAGE_ROWS):
    setattr(ApplicationForm, f"language_{_index}", ChoiceSelectField(
        _l("Language %(number)s", number=_index + 1), validators=[Optional()], choices=[]))
    setattr(ApplicationForm, f"level_{_index}", EnumSelectField(
        _l("Your level in language %(number)s", number=_index + 1), enum=Level,
        blank=_l("Choose a level")))
for _index in range(AVAILABILITY_ROWS):
    setattr(ApplicationForm, f"day_{_index}", EnumSelectField(
        _l("Day of time range %(number)s", number=_index + 1), enum=Weekday,
        blank=_l("Choose a day")))
    setattr(ApplicationForm, f"start_{_index}", TimeField(
        _l("From (time range %(number)s)", number=_index + 1), validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"], invalid_value_message=BAD_TIME))
    setattr(ApplicationForm, f"end_{_index}", TimeField(
        _l("Until (time range %(number)s)", number=_index + 1), validators=[Optional()],
        format=["%H:%M", "%H:%M:%S"], invalid_value_message=BAD_TIME))
del _index


def application_data(application: MentorApplication | None) -> dict | None:
    """A saved application as the data of the form."""
    if application is None:
        return None
    data = {
        "programs": list(application.programs or []),
        "korean_level": application.korean_level,
        "districts": list(application.districts or []),
        "online": application.online,
        "experience": application.experience,
        "motivation": application.motivation,
        "code_accepted": application.code_accepted_at is not None,
    }
    for index, item in enumerate((application.languages or [])[:LANGUAGE_ROWS]):
        data[f"language_{index}"] = item.get("code")
        data[f"level_{index}"] = Level.__members__.get(item.get("level", ""))
    for index, item in enumerate((application.availability or [])[:AVAILABILITY_ROWS]):
        data[f"day_{index}"] = Weekday.__members__.get(item.get("day", ""))
        data[f"start_{index}"] = time.fromisoformat(item["start"])
        data[f"end_{index}"] = time.fromisoformat(item["end"])
    return data


class MaxClassesForm(PortalForm):
    max_classes = IntegerField(
        _l("The most classes I mentor at once"),
        validators=[InputRequired(BAD_NUMBER),
                    NumberRange(1, service.MAX_CLASSES_LIMIT, message=_l(
                        "Choose between 1 and %(most)s classes.",
                        most=service.MAX_CLASSES_LIMIT))],
        invalid_value_message=BAD_NUMBER)


class EnrolmentForm(PortalForm):
    learner_name = StringField(
        _l("Name of the learner"),
        validators=[DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)],
        description=_l("Your own name if the place is for you, or your child’s name."))
    child = BooleanField(_l("This place is for my child"))
