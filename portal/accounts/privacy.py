"""The person's own data: profile, consents, email address, export and deletion."""

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..addresses import normalise_email
from ..columns import utcnow
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..i18n import LOCALES, country_name, format_datetime
from ..mail.service import external_url, forget_recipient, queue_mail
from . import signals
from .models import CONSENT_VERSION, Affiliation, Consent, ConsentPurpose, User
from .passwords import NO_PASSWORD
from .security_log import record
from .sessions import revoke_all_sessions
from .signin import check_current_password, greeting_name, mark_confirmed
from .tokens import EMAIL_CHANGE_SALT, make_email_change_token, user_for_token


def update_profile(
    user: User, *, name: str, locale: str, nationality: str | None, district: District | None,
    claimed_affiliation: Affiliation | None,
) -> None:
    """Save what a person may change about themselves."""
    user.name = name.strip()
    user.locale = locale
    user.nationality = nationality
    user.district = district
    user.claimed_affiliation = claimed_affiliation


def set_consents(user: User, purposes: set[ConsentPurpose]) -> None:
    """Grant newly ticked purposes and withdraw unticked ones, keeping the history."""
    now = utcnow()
    active = {c.purpose: c for c in user.consents if c.withdrawn_at is None}
    for purpose, consent in active.items():
        if purpose not in purposes:
            consent.withdrawn_at = now
    for purpose in purposes - active.keys():
        user.consents.append(Consent(purpose=purpose, version=CONSENT_VERSION, granted_at=now))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about a person, as JSON-ready data."""
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "account": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "preferred_language": user.locale,
            "nationality": user.nationality,
            "district": user.district.name if user.district else None,
            "claimed_affiliation": user.claimed_affiliation.name
            if user.claimed_affiliation
            else None,
            "role": user.role.name,
            "created_at": _iso(user.created_at),
            "confirmed_at": _iso(user.confirmed_at),
            "password_changed_at": _iso(user.password_changed_at),
        },
        "consents": [
            {
                "purpose": c.purpose.name,
                "version": c.version,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in user.consents
        ],
    }
    signals.data_export.send(user, data=data)
    return data


@dataclass
class DataSection:
    """A part of "your data" as a person reads it: a title and labelled values."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def when(value: datetime | None) -> str:
    """A time as the reader reads it: their language, Seoul's clock; a dash when unset."""
    return format_datetime(value, "medium") if value else "—"


def readable_data(user: User) -> list[DataSection]:
    """What the portal holds about a person, labelled and written in the page's language."""
    account = DataSection(_("Your account"), [
        (_("Name"), user.name),
        (_("Email address"), user.email),
        (_("Nationality"), country_name(user.nationality) or "—"),
        (_("District of residence"), str(user.district.label) if user.district else "—"),
        (_("Preferred language"), LOCALES.get(user.locale, user.locale)),
        (_("Your affiliation (optional)"),
         str(user.claimed_affiliation.label) if user.claimed_affiliation else "—"),
        (_("Role"), str(user.role.label)),
        (_("Member since"), when(user.created_at)),
        (_("Email confirmed"), when(user.confirmed_at)),
        (_("Password last changed"), when(user.password_changed_at)),
    ])
    consents = DataSection(_("What you agreed to"), [
        (str(c.purpose.label),
         _("Given on %(date)s", date=when(c.granted_at)) if c.withdrawn_at is None
         else _("Given on %(date)s, withdrawn on %(withdrawn)s", date=when(c.granted_at),
                withdrawn=when(c.withdrawn_at)))
        for c in user.consents
    ])
    sections = [account, consents]
    signals.data_view.send(user, sections=sections)
    return sections


def delete_account(user: User, *, password: str) -> None:
    """Erase a person's personal data; keep an anonymous shell that others' records point to."""
    check_current_password(user, password, field="password")
    signals.account_deleting.send(user)
    revoke_all_sessions(user)
    forget_recipient(user.email)
    # The last message to the address says it is done; it carries no name, and the outbox
    # prune removes it with the rest of the sent mail.
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Your account has been deleted"),
        template="accounts/deleted",
    )
    record("account.deleted", user, audit_always=True)
    user.consents.clear()
    user.name = ""
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@invalid"
    user.password_hash = NO_PASSWORD
    user.nationality = None
    user.district = None
    user.claimed_affiliation = None
    user.deleted_at = utcnow()


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    """Mail a link to the new address; the address changes only when it is followed.

    When the new address belongs to another account nothing is sent, and the page says the
    same as when it is free, so this form cannot tell who has an account.
    """
    check_current_password(user, password, field="password")
    new_email = normalise_email(new_email, field="new_email")
    if new_email == user.email:
        raise ValidationError("new_email", _("This is already your email address."))
    if db.session.scalar(sa.select(User.id).where(User.email == new_email)) is not None:
        return
    # The new address is not proven yet: the mail greets nobody by name.
    queue_mail(
        to=new_email,
        locale=user.locale,
        subject=_l("Confirm your new email address"),
        template="accounts/change_email",
        link=external_url(
            "accounts.confirm_email_change",
            lang=user.locale,
            token=make_email_change_token(user, new_email),
        ),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )
    record("email.change_requested", user)


def confirm_email_change(token: str) -> User:
    """Move an account to the address in an email-change link and tell the old address."""
    invalid = _("This link is not valid or has already been used.")
    user, payload = user_for_token(
        token,
        salt=EMAIL_CHANGE_SALT,
        max_age_key="CONFIRM_TOKEN_MAX_AGE",
        expired=_("This link has expired. Ask for a new one from your account."),
        invalid=invalid,
        still_valid=lambda user, payload: user.email == payload.get("e"),
    )
    old_email, new_email = user.email, payload.get("n")
    taken = db.session.scalar(sa.select(User.id).where(User.email == new_email))
    if not new_email or taken is not None:
        raise ValidationError(None, invalid)
    user.email = new_email
    mark_confirmed(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:  # taken a moment ago by another request
        raise ValidationError(None, invalid) from error
    queue_mail(
        to=old_email,
        locale=user.locale,
        subject=_l("Your email address was changed"),
        template="accounts/email_changed",
        greeting_name=greeting_name(user),
        new_email=new_email,
        reset_link=external_url("accounts.reset_request", lang=user.locale),
    )
    record("email.changed", user)
    signals.email_changed.send(user, old_email=old_email)
    return user
