"""Staff forms of the contact directory."""

from flask_babel import lazy_gettext as _l
from wtforms import SearchField
from wtforms.validators import Length, Optional

from ..accounts.forms import AFFILIATION_GROUPS
from ..accounts.models import Affiliation
from ..forms import TOO_LONG, ChoiceSelectField, EnumSelectField, PortalForm, as_choices
from .models import Tier


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
