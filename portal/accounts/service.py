"""Account rules: registration, confirmation, sign-in, passwords, profile, privacy."""

import secrets
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import ValidationError
from ..extensions import db
from ..mail.service import forget_recipient, queue_mail
from ..models import audit, utcnow
from . import signals
from .models import CONSENT_VERSION, Affiliation, Consent, ConsentPurpose, Role, User
from .passwords import hash_password, is_common_password, needs_rehash, verify_password
from .sessions import revoke_all_sessions
from .tokens import (
    CONFIRM_SALT,
    EMAIL_CHANGE_SALT,
    RESET_SALT,
    TokenError,
    make_confirm_token,
    make_email_change_token,
    make_reset_token,
    password_fingerprint,
    read_token,
)


def normalise_email(email: str) -> str:
    """Return the canonical, lower-case form of an address (unique case-insensitively)."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError("email", _("Enter a valid email address.")) from error
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    try:
        key = normalise_email(email)
    except ValidationError:
        return None
    return db.session.scalar(sa.select(User).where(User.email == key))


def check_password_rules(password: str, *, field: str = "password") -> None:
    """Refuse passwords that are short or among the commonest."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise ValidationError(
            field, _("Use at least %(count)d characters.", count=minimum)
        )
    if is_common_password(password):
        raise ValidationError(
            field, _("This password is too common. Choose one that is harder to guess.")
        )


def external_url(endpoint: str, **values: Any) -> str:
    """Absolute address of a page for links in mail, built on SITE_URL (not the request host)."""
    return current_app.config["SITE_URL"].rstrip("/") + url_for(endpoint, **values)


def send_confirmation(user: User) -> None:
    """Queue the mail whose link confirms the address, in the user's language."""
    token = make_confirm_token(user)
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Confirm your email address"),
        template="accounts/confirm",
        user=user,
        link=external_url("accounts.confirm", lang=user.locale, token=token),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )


def register_resident(
    *,
    name: str,
    email: str,
    password: str,
    locale: str,
    nationality: str,
    district: str,
    claimed_affiliation: Affiliation | None,
    consents: list[ConsentPurpose],
) -> User | None:
    """Create a resident account and queue its confirmation mail.

    When the address is taken, nothing is created and the owner is told by mail instead, so the
    page answers the same either way (no account enumeration). Returns the new user or None.
    """
    email = normalise_email(email)
    check_password_rules(password)
    if ConsentPurpose.account not in consents:
        raise ValidationError(
            "consent_account", _("You must agree to this for us to create your account.")
        )
    # Hash before looking the address up, so a taken address answers as slowly as a free one.
    password_hash = hash_password(password)
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing is not None:
        queue_mail(
            to=existing.email,
            locale=existing.locale,
            subject=_l("Someone tried to register with your email address"),
            template="accounts/already_registered",
            user=existing,
            login_link=external_url("accounts.login", lang=existing.locale),
            reset_link=external_url("accounts.reset_request", lang=existing.locale),
        )
        return None
    user = User(
        name=name.strip(),
        email=email,
        password_hash=password_hash,
        locale=locale,
        nationality=nationality,
        district=district,
        claimed_affiliation=claimed_affiliation,
        role=Role.resident,
    )
    now = utcnow()
    user.consents = [
        Consent(purpose=purpose, version=CONSENT_VERSION, granted_at=now) for purpose in consents
    ]
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except sa.exc.IntegrityError:
        # Another request registered the same address a moment ago: answer as for a taken one.
        return None
    signals.user_registered.send(user)
    send_confirmation(user)
    return user


def _user_for_token(token: str, *, salt: str, max_age_key: str, expired: str,
                    invalid: str, still_valid) -> tuple[User, dict]:
    """Read a mailed link's token; return its live user and payload, or raise ValidationError."""
    try:
        payload = read_token(token, salt=salt, max_age=current_app.config[max_age_key])
    except TokenError as error:
        raise ValidationError(None, expired if error.expired else invalid) from error
    user = db.session.get(User, payload.get("u"))
    if user is None or user.deleted_at is not None or not still_valid(user, payload):
        raise ValidationError(None, invalid)
    return user, payload


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation link as confirmed."""
    user, _payload = _user_for_token(
        token,
        salt=CONFIRM_SALT,
        max_age_key="CONFIRM_TOKEN_MAX_AGE",
        expired=_("This confirmation link has expired. Sign in to get a new one."),
        invalid=_("This confirmation link is not valid."),
        # A link sent to an address the account no longer has confirms nothing.
        still_valid=lambda user, payload: user.email == payload.get("e"),
    )
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user for these credentials, or None, taking the same time either way."""
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.deleted_at is not None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def request_password_reset(email: str) -> None:
    """Queue a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or user.deleted_at is not None:
        return
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Reset your password"),
        template="accounts/reset",
        user=user,
        link=external_url("accounts.reset", lang=user.locale, token=make_reset_token(user)),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


def user_for_reset_token(token: str) -> User:
    """Return the user a reset link is for, if it is valid, unexpired and unused."""
    user, _payload = _user_for_token(
        token,
        salt=RESET_SALT,
        max_age_key="RESET_TOKEN_MAX_AGE",
        expired=_("This reset link has expired. Ask for a new one."),
        # A used link no longer matches: the password it was made for has changed.
        invalid=_("This reset link has already been used or is not valid."),
        still_valid=lambda user, payload: (
            payload.get("p") == password_fingerprint(user.password_hash)
        ),
    )
    return user


def set_password(user: User, password: str, *, field: str = "password") -> None:
    """Give ``user`` a new password and end their other sessions."""
    check_password_rules(password, field=field)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    revoke_all_sessions(user, keep_current=True)
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Your password was changed"),
        template="accounts/password_changed",
        user=user,
        reset_link=external_url("accounts.reset_request", lang=user.locale),
    )


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, which then stops working."""
    user = user_for_reset_token(token)
    set_password(user, password)
    revoke_all_sessions(user)
    if user.confirmed_at is None:
        # Following a link sent to the address proves it as well as a confirmation does.
        user.confirmed_at = utcnow()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    if not verify_password(user.password_hash, current):
        raise ValidationError("current_password", _("Your current password is not correct."))
    set_password(user, new, field="new_password")


def update_profile(
    user: User, *, name: str, locale: str, nationality: str, district: str,
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
            "district": user.district,
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


def delete_account(user: User, *, password: str) -> None:
    """Erase a person's personal data; keep an anonymous shell that others' records point to."""
    if not verify_password(user.password_hash, password):
        raise ValidationError("password", _("Your password is not correct."))
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
    user.consents.clear()
    user.name = ""
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@invalid"
    user.password_hash = "!"  # noqa: S105 - an unusable hash: matches no password
    user.nationality = None
    user.district = None
    user.claimed_affiliation = None
    user.deleted_at = utcnow()


def request_email_change(user: User, *, new_email: str, password: str) -> None:
    """Mail a link to the new address; the address changes only when it is followed.

    When the new address belongs to another account nothing is sent, and the page says the
    same as when it is free, so this form cannot tell who has an account.
    """
    if not verify_password(user.password_hash, password):
        raise ValidationError("password", _("Your password is not correct."))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise ValidationError("new_email", _("This is already your email address."))
    if db.session.scalar(sa.select(User.id).where(User.email == new_email)) is not None:
        return
    queue_mail(
        to=new_email,
        locale=user.locale,
        subject=_l("Confirm your new email address"),
        template="accounts/change_email",
        user=user,
        link=external_url(
            "accounts.confirm_email_change",
            lang=user.locale,
            token=make_email_change_token(user, new_email),
        ),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )


def confirm_email_change(token: str) -> User:
    """Move an account to the address in an email-change link and tell the old address."""
    user, payload = _user_for_token(
        token,
        salt=EMAIL_CHANGE_SALT,
        max_age_key="CONFIRM_TOKEN_MAX_AGE",
        expired=_("This link has expired. Ask for a new one from your account."),
        invalid=_("This link is not valid or has already been used."),
        still_valid=lambda user, payload: user.email == payload.get("e"),
    )
    old_email, new_email = user.email, payload.get("n")
    taken = db.session.scalar(sa.select(User.id).where(User.email == new_email))
    if not new_email or taken is not None:
        raise ValidationError(None, _("This link is not valid or has already been used."))
    user.email = new_email
    user.confirmed_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as error:  # taken a moment ago by another request
        raise ValidationError(
            None, _("This link is not valid or has already been used.")
        ) from error
    queue_mail(
        to=old_email,
        locale=user.locale,
        subject=_l("Your email address was changed"),
        template="accounts/email_changed",
        user=user,
        new_email=new_email,
        reset_link=external_url("accounts.reset_request", lang=user.locale),
    )
    return user


def create_staff(*, name: str, email: str, password: str, admin: bool, by: User | None) -> User:
    """Create a confirmed staff (or admin) account; used by the CLI and the admin page."""
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ValidationError("email", _("An account with this email address already exists."))
    check_password_rules(password)
    user = User(
        name=name.strip(),
        email=email,
        password_hash=hash_password(password),
        locale="ko",
        role=Role.admin if admin else Role.staff,
        confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit(
        "user.create_staff",
        actor=by,
        obj_type="user",
        obj_id=user.id,
        after={"email": email, "role": user.role.name},
    )
    return user
