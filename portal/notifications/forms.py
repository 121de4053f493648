"""Notification forms."""

from wtforms.validators import InputRequired

from ..forms import REQUIRED, EnumSelectField, PortalForm
from .kinds import NotificationKind
from .models import Delivery


class ButtonForm(PortalForm):
    """A form that is only a button (mark as read)."""


def settings_form(kinds: list[NotificationKind], **kwargs) -> PortalForm:
    """A form with one choice of delivery per kind of notification."""

    class SettingsForm(PortalForm):
        pass

    for kind in kinds:
        setattr(SettingsForm, field_name(kind), EnumSelectField(
            kind.label, validators=[InputRequired(REQUIRED)], enum=Delivery,
            # Always one chosen: HTML allows "required" only on a select with an empty first
            # option; the check on the server stays.
            render_kw={"required": False},
        ))
    return SettingsForm(**kwargs)


def field_name(kind: NotificationKind) -> str:
    return "kind_" + kind.name.replace(".", "__")
