"""The guest's answer form, on the personal answer page and in the invitations inbox."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from ..forms import PortalForm, as_choices
from .models import Answer


class AnswerForm(PortalForm):
    answer = RadioField(_l("Will you attend?"), choices=as_choices(Answer.choices()),
                        validators=[InputRequired(_l("Choose whether you will attend."))])
    companion = BooleanField(_l("I will bring one companion"))
    listed = BooleanField(
        _l("Other guests may see my name on the list of participants"),
        description=_l("If you leave this unticked, only the organisers see your name."),
    )

    def __init__(self, *args, companions_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not companions_allowed:
            del self.companion

    def chosen(self) -> Answer:
        return Answer[self.answer.data]

    def wants_companion(self) -> bool:
        return bool(self.companion.data) if "companion" in self else False
