"""Staff forms of events: the event, the audience builder, answers taken by phone, check-in."""

from datetime import UTC
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SearchField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from ..accounts.models import Affiliation
from ..contacts.models import Tier
from ..contacts.service import normalise_tag
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
    locale_fields,
    locale_values,
)
from ..i18n import LOCALES, country_choices, localized
from . import service
from .models import Answer, AnswerChannel, EventKind

SEOUL = ZoneInfo("Asia/Seoul")
BAD_NUMBER = _l("Enter a whole number.")
BAD_TIME = _l("Enter a date and a time, such as 2027-03-02 19:00.")
MOST_PLACES = 100_000


class SeoulDateTimeField(DateTimeLocalField):
    """A date and time typed on Seoul's clock; its data is an aware datetime in UTC."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                         invalid_value_message=BAD_TIME, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=SEOUL).astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.astimezone(SEOUL).strftime(self.format[0]) if self.data else ""


def places_field(label, *, minimum: int, description=None):
    return IntegerField(label, validators=[
        Optional(), NumberRange(minimum, MOST_PLACES, message=BAD_NUMBER)],
        invalid_value_message=BAD_NUMBER, description=description)


def web_address(form, field):
    """Only links a guest's browser opens safely: http and https."""
    if field.data and urlsplit(field.data).scheme.lower() not in ("http", "https"):
        raise StopValidation(str(_l("Enter a web address starting with https://.")))


class EventForm(PortalForm):
    kind = EnumSelectField(_l("Kind of event"), validators=[DataRequired(REQUIRED)],
                           enum=EventKind, blank=_l("Choose a kind"))
    starts_at = SeoulDateTimeField(_l("Starts"), validators=[InputRequired(REQUIRED)],
                                   description=_l("Date and time in Seoul."))
    ends_at = SeoulDateTimeField(_l("Ends"), validators=[InputRequired(REQUIRED)],
                                 description=_l("Date and time in Seoul."))
    venue = StringField(_l("Venue (optional if the event is online)"), validators=[
        Optional(), Length(max=300, message=TOO_LONG)],
        description=_l("For example: Seoul City Hall, Multipurpose Hall (8th floor)."))
    online_url = URLField(_l("Online link (optional)"), validators=[
        Optional(), Length(max=500, message=TOO_LONG), web_address],
        description=_l("The address guests open to join online, starting with https://."))
    capacity = places_field(_l("Number of places (optional)"), minimum=1, description=_l(
        "Guests and their companions together. Leave empty for no limit."))
    companions_allowed = BooleanField(_l("Guests may bring one companion"))
    rsvp_deadline = SeoulDateTimeField(_l("Deadline to answer (optional)"),
                                       validators=[Optional()], description=_l(
                                           "Date and time in Seoul. Without one, guests may "
                                           "answer until the event starts."))
    public = BooleanField(_l("Public: anyone may see this event on the portal"),
                          description=_l("Leave unticked for an event by invitation only."))
    offer_hours = IntegerField(
        _l("Hours a guest has to take a freed place"), default=48,
        validators=[InputRequired(REQUIRED), NumberRange(1, 168, message=_l(
            "Enter a number of hours from 1 to 168 (one week)."))],
        invalid_value_message=BAD_NUMBER,
        description=_l("When a place becomes free, the first guest on the waiting list has "
                       "this long to take it."))

    def values(self) -> dict:
        """The event's fields as ``service.save_event`` takes them."""
        return {
            "kind": self.kind.data,
            "titles": locale_values(self, "title"),
            "descriptions": locale_values(self, "description"),
            "starts_at": self.starts_at.data, "ends_at": self.ends_at.data,
            "venue": (self.venue.data or "").strip() or None,
            "online_url": (self.online_url.data or "").strip() or None,
            "capacity": self.capacity.data, "companions_allowed": self.companions_allowed.data,
            "rsvp_deadline": self.rsvp_deadline.data, "public": self.public.data,
            "offer_hours": self.offer_hours.data,
        }

    def reservations(self) -> dict[Tier, int]:
        return {tier: self[f"reserved_{tier.name}"].data or 0 for tier in Tier}


locale_fields(EventForm, "title", pgettext("event", "Title"))
locale_fields(EventForm, "description", _l("Description"), textarea=True, required_en=False,
              max_length=5000)
for _tier in Tier:
    setattr(EventForm, f"reserved_{_tier.name}", places_field(_tier.label, minimum=0))
del _tier

RESERVED_FIELDS = tuple(f"reserved_{tier.name}" for tier in Tier)


def countries() -> list[tuple[str, str, object]]:
    """Every country once, the commonest nationalities first (a select holds each once)."""
    seen: set[str] = set()
    listed = []
    for code, name, group in country_choices():
        if code not in seen:
            seen.add(code)
            listed.append((code, name, group))
    return listed


class TagsField(StringField):
    """Tags separated by commas; an address may also repeat the field (``tag=a&tag=b``)."""

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = ", ".join(value.strip() for value in valuelist if value.strip())

    def tags(self) -> list[str]:
        """The tags typed, as the directory stores them, each once."""
        text = (self.data or "").replace("，", ",").replace("、", ",")
        return [tag for tag in dict.fromkeys(normalise_tag(t) for t in text.split(",")) if tag]


# The audience builder's fields as staff read them, on the form and in a saved audience.
AUDIENCE_LABELS = {
    "tier": _l("Tier"), "affiliation": _l("Affiliation"), "group": _l("Group"),
    "nationality": _l("Nationality"), "language": _l("Preferred language"),
    "district": _l("District"), "tag": _l("Tags"),
}


class AudienceForm(PortalForm):
    """The audience builder's filters, read from the URL: any value within a field, every
    field given. Values that no longer exist are left out, as a saved audience does."""

    class Meta:
        csrf = False

    tier = MultiCheckboxField(AUDIENCE_LABELS["tier"], validate_choice=False,
                              choices=as_choices(Tier.choices()))
    affiliation = MultiCheckboxField(AUDIENCE_LABELS["affiliation"], validate_choice=False,
                                     choices=as_choices(Affiliation.choices()))
    group = MultiCheckboxField(AUDIENCE_LABELS["group"], validate_choice=False)
    language = MultiCheckboxField(AUDIENCE_LABELS["language"], validate_choice=False,
                                  choices=as_choices(LOCALES.items()))
    district = MultiCheckboxField(AUDIENCE_LABELS["district"], validate_choice=False,
                                  choices=as_choices(District.choices()))
    nationality = SelectMultipleField(
        AUDIENCE_LABELS["nationality"], validate_choice=False, widget=FastSelect(multiple=True),
        render_kw={"size": 8},
        description=_l("Hold Ctrl (⌘ on a Mac) to choose several."))
    tag = TagsField(AUDIENCE_LABELS["tag"], validators=[
        Optional(), Length(max=600, message=TOO_LONG)],
        description=_l("Separate them with commas; a contact with any of them is chosen."))

    CHECKBOXES = ("tier", "affiliation", "group", "language", "district")

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = as_choices((str(g.id), localized(g.names)) for g in groups)
        self.nationality.choices = as_choices(countries())

    def audience(self) -> service.Audience:
        """The audience these filters choose."""
        known = {field: {choice.value for choice in self[field].choices}
                 for field in ("tier", "affiliation", "group", "language", "district")}

        def chosen(field):
            return [v for v in dict.fromkeys(self[field].data or ()) if v in known[field]]

        countries_known = {choice.value for choice in self.nationality.choices}
        return service.Audience.from_filters({
            "tier": chosen("tier"), "affiliation": chosen("affiliation"),
            "group": chosen("group"), "language": chosen("language"),
            "district": chosen("district"),
            "nationality": [v for v in dict.fromkeys(self.nationality.data or ())
                            if v in countries_known],
            "tag": self.tag.tags(),
        })


class SegmentForm(PortalForm):
    """Saving the audience on screen under a name."""

    name = StringField(_l("Name of the audience"), validators=[
        DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)],
        description=_l("Saving under an existing name replaces that audience."))


class SendForm(PortalForm):
    """Sending the invitations: the button, and its CSRF token."""


GUEST_FILTER_CHOICES = [
    ("", _l("All guests")), ("yes", _l("Place confirmed")), ("waiting", _l("On the waiting list")),
    ("offered", _l("Offered a freed place")), ("maybe", pgettext("rsvp", "Maybe")),
    ("no", _l("Not attending")), ("none", _l("No answer yet")), ("checked_in", _l("Checked in")),
]


class GuestFilterForm(PortalForm):
    """The filters above a guest list, read from the URL."""

    class Meta:
        csrf = False

    show = ChoiceSelectField(_l("Show"), validators=[Optional()],
                             choices=as_choices(GUEST_FILTER_CHOICES))
    q = SearchField(_l("Name, email or organisation"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)])

    def filters(self) -> tuple[str | None, str | None]:
        """(show, q) for ``service.guest_list``; a bad value is shown and ignored."""
        self.validate()
        show = self.show.data if not self.show.errors else None
        q = (self.q.data or "").strip() if not self.q.errors else ""
        return (show if show in service.GUEST_FILTERS else None), (q or None)


STAFF_CHANNELS = (AnswerChannel.phone, AnswerChannel.in_person)


class RecordAnswerForm(PortalForm):
    """An answer a guest gave by phone or in person; one per row of the guest list."""

    answer = ChoiceSelectField(_l("Answer"), validators=[DataRequired(REQUIRED)],
                               choices=as_choices(Answer.choices()))
    companion = BooleanField(_l("With a companion"))
    via = ChoiceSelectField(_l("How the answer was given"), validators=[DataRequired(REQUIRED)],
                            choices=as_choices(AnswerChannel.choices(STAFF_CHANNELS)))


class RemindForm(PortalForm):
    """Mailing the invitation again to guests who have not answered (all, or those ticked)."""

    invitation = IdListField()


class CheckInForm(PortalForm):
    code = StringField(_l("Check-in code"), validators=[
        DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)],
        description=_l("Type the code under the guest’s QR code, or scan it."),
        render_kw={"autofocus": True, "inputmode": "text", "autocomplete": "off",
                   "autocapitalize": "characters", "spellcheck": "false"})


class CheckInSearchForm(PortalForm):
    """The search above the list of confirmed guests at the door."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find a guest by name"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)])
