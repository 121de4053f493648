from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Optional, ValidationError

from ..accounts.models import AFFILIATION_LABELS, Affiliation
from .models import TIER_LABELS, Tier


class ClassifyForm(FlaskForm):
    tier = SelectField(_l("Tier"), validate_choice=False)
    affiliation = SelectField(_l("Affiliation"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = [(t.name, label) for t, label in TIER_LABELS.items()]
        self.affiliation.choices = [("", _l("None"))] + [
            (a.name, label) for a, label in AFFILIATION_LABELS.items()
        ]

    def validate_tier(self, field):
        if field.data not in Tier.__members__:
            raise ValidationError(_l("Choose a tier from the list."))

    def validate_affiliation(self, field):
        if field.data and field.data not in Affiliation.__members__:
            raise ValidationError(_l("Choose an affiliation from the list."))


class DirectorySearchForm(FlaskForm):
    """The filter above staff lists; read with GET, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or email"), validators=[Optional()])
    tier = SelectField(_l("Tier"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tier.choices = [("", _l("All tiers"))] + [
            (t.name, label) for t, label in TIER_LABELS.items()
        ]
