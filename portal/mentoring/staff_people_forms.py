"""Staff forms for mentors: the lists' filters, the decision on an application, checks,
the most classes a mentor takes, suspensions, and the period of the hours export."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import DateField, IntegerField, RadioField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from ..forms import (
    INVALID_CHOICE,
    REQUIRED,
    TOO_LONG,
    ChoiceSelectField,
    EnumSelectField,
    PortalForm,
    as_choices,
)
from . import service
from .models import SPOKEN_LANGUAGES, ApplicationStatus, Program

BAD_DATE = _l("Enter a date, such as 2027-03-02.")
BAD_NUMBER = _l("Enter a whole number.")
MESSAGE_LENGTH = 2000

# The states staff filter applications by; the first, waiting for a decision, is the default.
APPLICATION_FILTERS = (
    ("submitted", _l("Waiting for a decision")),
    ("more_information", ApplicationStatus.more_information.label),
    ("approved", ApplicationStatus.approved.label),
    ("declined", ApplicationStatus.declined.label),
    ("all", _l("All applications")),
)
CHECK_FILTERS = (
    ("", _l("Any")),
    ("valid", _l("Valid")),
    ("expiring", _l("Expires within 30 days")),
    ("missing", _l("Missing or expired")),
)
SUSPENDED_FILTERS = (
    ("", _l("Active and suspended")),
    ("no", _l("Active only")),
    ("yes", _l("Suspended only")),
)
ONLINE = "online"


class DayField(DateField):
    """A date input (YYYY-MM-DD); a value that is no date is not written back into it, as
    no browser's date input could hold it (the error says what was wrong)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", invalid_value_message=BAD_DATE,
                         **kwargs)

    def _value(self):
        return self.data.isoformat() if self.data else ""


class ApplicationFilterForm(PortalForm):
    """The state of the applications listed, read from the URL."""

    class Meta:
        csrf = False

    status = ChoiceSelectField(_l("Show"), validators=[Optional()],
                               choices=as_choices(APPLICATION_FILTERS), default="submitted")

    def chosen(self) -> ApplicationStatus | None:
        """The status to list (None: all); a bad value is shown and the default used."""
        self.validate()
        value = self.status.data if not self.status.errors and self.status.data else "submitted"
        return None if value == "all" else ApplicationStatus[value]


class DecisionField(RadioField):
    """Radio buttons that answer a missing or unknown choice in our words."""

    def pre_validate(self, form):
        if not self.data:
            raise StopValidation(str(REQUIRED))
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(str(INVALID_CHOICE))


class DecisionForm(PortalForm):
    """The decision on a submitted application, with the message for the applicant."""

    decision = DecisionField(_l("Decision"), choices=as_choices([
        ("approve", _l("Approve")), ("decline", lazy_pgettext("mentor application", "Decline")),
        ("ask", _l("Ask for more information"))]))
    message = TextAreaField(
        _l("Message for the applicant"),
        validators=[Optional(), Length(max=MESSAGE_LENGTH, message=TOO_LONG)],
        description=lazy_pgettext(
            "mentor application",
            "Needed to decline (the reason) or to ask for more information (what to add). "
            "The applicant reads it in the portal and by mail."))


class MentorFilterForm(PortalForm):
    """The filters above the list of mentors, read from the URL."""

    class Meta:
        csrf = False

    program = EnumSelectField(_l("Program"), validators=[Optional()], enum=Program,
                              blank=_l("All programs"))
    language = ChoiceSelectField(_l("Language spoken"), validators=[Optional()])
    district = ChoiceSelectField(_l("District"), validators=[Optional()])
    check = ChoiceSelectField(_l("Child-safety check"), validators=[Optional()],
                              choices=as_choices(CHECK_FILTERS))
    suspended = ChoiceSelectField(_l("Suspended"), validators=[Optional()],
                                  choices=as_choices(SUSPENDED_FILTERS))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        languages = sorted(((code, service.language_name(code)) for code in SPOKEN_LANGUAGES),
                           key=lambda choice: choice[1])
        self.language.choices = as_choices([("", _l("All languages")), *languages])
        self.district.choices = as_choices(
            [("", _l("All districts")), (ONLINE, _l("Online"))]
            + [(d.name, d.label) for d in service.district_choices()])

    def filters(self) -> dict[str, str]:
        """The filters that hold a good value (a bad one is shown and ignored)."""
        self.validate()
        chosen = {}
        for name in ("language", "district", "check", "suspended"):
            field = self[name]
            if field.data and not field.errors:
                chosen[name] = field.data
        if self.program.data and not self.program.errors:
            chosen["program"] = self.program.data.name
        return chosen


class CheckForm(PortalForm):
    """The child-safety record check: when it was made, until when it is valid."""

    checked_on = DayField(_l("Date of the check"), validators=[InputRequired(REQUIRED)])
    expires_on = DayField(_l("Valid until"), validators=[InputRequired(REQUIRED)])


class MaxClassesForm(PortalForm):
    """The most classes a mentor takes at once."""

    max_classes = IntegerField(
        _l("Most classes at once"),
        validators=[InputRequired(REQUIRED),
                    NumberRange(1, service.MAX_CLASSES_LIMIT, message=BAD_NUMBER)],
        invalid_value_message=BAD_NUMBER,
        render_kw={"min": 1, "max": service.MAX_CLASSES_LIMIT, "inputmode": "numeric"})


class SuspendForm(PortalForm):
    """Suspending a mentor, with the reason kept in their record."""

    reason = TextAreaField(_l("Reason for the suspension"), validators=[
        DataRequired(REQUIRED), Length(max=MESSAGE_LENGTH, message=TOO_LONG)],
        description=_l("Staff see it; the mentor is told that their mentoring is suspended "
                       "and that the city will contact them."))


class ReinstateForm(PortalForm):
    """Reinstating a suspended mentor (a button: the form carries the CSRF token)."""


def this_month() -> tuple[date, date]:
    """The first and the last day of this month in Seoul."""
    today = service.today_in_seoul()
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


class HoursForm(PortalForm):
    """The period of the volunteer hours export (``?from=...&to=...``)."""

    class Meta:
        csrf = False

    def period(self) -> tuple[date, date] | None:
        """The period asked for, or None with the errors on the fields."""
        if not self.validate():
            return None
        start, end = self["from"].data, self["to"].data
        if end < start:
            self["to"].errors = [str(_l("The end of the period must not be before its "
                                        "start."))]
            return None
        return start, end


# "from" is a Python keyword: the field is added by name.
setattr(HoursForm, "from", DayField(  # noqa: B010
    _l("From"), validators=[InputRequired(REQUIRED)], id="hours-from"))
setattr(HoursForm, "to", DayField(  # noqa: B010
    lazy_pgettext("period", "Until"), validators=[InputRequired(REQUIRED)], id="hours-to"))
