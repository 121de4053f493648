"""Getting in: registration, confirmation, sign-in and passwords."""

import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..addresses import email_key, normalise_email
from ..columns import utcnow
from ..districts import District
from ..errors import TooManyAttempts, ValidationError
from ..extensions import db
from ..mail.service import external_url, queue_mail
from ..ratelimits import FailureThrottle, FormLimit, account_key
from . import signals
from .models import CONSENT_VERSION, Affiliation, Consent, ConsentPurpose, Role, User
from .passwords import (
    NO_PASSWORD,
    check_password_rules,
    hash_password,
    needs_rehash,
    verify_password,
)
from .security_log import record
from .service import find_user_by_email
from .sessions import revoke_all_sessions
from .tokens import (
    CONFIRM_SALT,
    RESET_SALT,
    make_confirm_token,
    make_reset_token,
    password_fingerprint,
    user_for_token,
)

# Wrong passwords for one address slow its sign-in down (a few seconds at most), so nobody
# can lock the owner out; the per-address limit on the sign-in page caps the rest.
SIGNIN_THROTTLE = FailureThrottle("signin", "SIGNIN_THROTTLE")
# Wrong current passwords of a signed-in person (changing the password or the address,
# deleting the account) wait longer and longer: only the session's holder is slowed.
PASSWORD_CHECK_THROTTLE = FailureThrottle("password-check", "PASSWORD_CHECK_THROTTLE")
# New accounts per address (IP), counted only for forms that passed their checks; shared by
# the registration page and the report form's "create my account" part.
REGISTRATIONS = FormLimit("register", "REGISTER_LIMIT_PER_IP")


def greeting_name(user: User) -> str | None:
    """The name to greet ``user`` by in mail, or None while their address is unconfirmed.

    Whoever registers chooses the name; until the address is proven theirs, a mail to it must
    not carry words a stranger typed.
    """
    return user.name if user.is_confirmed else None


def mark_confirmed(user: User) -> None:
    """Record that ``user``'s address is theirs (once)."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        signals.email_confirmed.send(user)


def send_confirmation(user: User) -> None:
    """Queue the mail whose link confirms the address, in the user's language."""
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Confirm your email address"),
        template="accounts/confirm",
        link=external_url("accounts.confirm", lang=user.locale, token=make_confirm_token(user)),
        hours=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 3600,
    )


def resend_confirmation_to(email: str) -> None:
    """Send the confirmation link again if ``email`` belongs to an unconfirmed account.

    Said the same way whatever the address is, so it tells nobody who has an account.
    """
    user = find_user_by_email(email)
    if user is not None and user.deleted_at is None and not user.is_confirmed:
        send_confirmation(user)


def register_resident(
    *,
    name: str,
    email: str,
    password: str | None,
    locale: str,
    nationality: str | None,
    district: District | None,
    claimed_affiliation: Affiliation | None,
    consents: list[ConsentPurpose],
    tell_owner: bool = True,
) -> User | None:
    """Create a resident account and queue its confirmation mail.

    When the address is taken, nothing is created and the owner is told by mail instead (unless
    the caller tells them itself: ``tell_owner=False``), so the page answers the same either
    way (no account enumeration). Returns the new user or None. Without a password (someone
    who reported first and asked for a link), the account gets one after confirming.
    """
    email = normalise_email(email)
    if password is not None:
        check_password_rules(password)
    if ConsentPurpose.account not in consents:
        raise ValidationError(
            "consent_account", _("You must agree to this for us to create your account.")
        )
    # Hash before looking the address up, so a taken address answers as slowly as a free one.
    # Hashed even without a password, so every registration takes as long.
    password_hash = hash_password(password if password is not None else secrets.token_hex(16))
    if password is None:
        password_hash = NO_PASSWORD
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing is not None and not tell_owner:
        return None
    if existing is not None:
        queue_mail(
            to=existing.email,
            locale=existing.locale,
            subject=_l("Someone tried to register with your email address"),
            template="accounts/already_registered",
            greeting_name=greeting_name(existing),
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
    record("account.registered", user)
    return user


def confirm_email(token: str) -> User:
    """Mark the address in a confirmation link as confirmed."""
    user, _payload = user_for_token(
        token,
        salt=CONFIRM_SALT,
        max_age_key="CONFIRM_TOKEN_MAX_AGE",
        expired=_("This confirmation link has expired. Sign in to get a new one."),
        invalid=_("This confirmation link is not valid."),
        # A link sent to an address the account no longer has confirms nothing.
        still_valid=lambda user, payload: user.email == payload.get("e"),
    )
    mark_confirmed(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user for these credentials, or None, taking the same time either way.

    Raises TooManyAttempts while the address must wait after repeated failures; the wait is
    the same whether or not the address has an account.
    """
    key = email_key(email)
    wait = SIGNIN_THROTTLE.retry_after(key)
    if wait:
        record("signin.throttled", None, account=account_key(email), retry_after=wait)
        raise TooManyAttempts(wait)
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        # A switched-off staff account answers like a wrong password: nothing to learn.
        SIGNIN_THROTTLE.failed(key)
        known = user if user is not None and user.deleted_at is None else None
        record("signin.failed", known, account=account_key(email))
        return None
    SIGNIN_THROTTLE.succeeded(key)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record("signin.succeeded", user)
    return user


def check_current_password(user: User, password: str, *, field: str) -> None:
    """Make sure a signed-in person typed their own password, slowing down repeated misses."""
    key = f"user:{user.id}"
    wait = PASSWORD_CHECK_THROTTLE.retry_after(key)
    if wait:
        record("password.check_throttled", user, retry_after=wait)
        raise TooManyAttempts(wait)
    if not verify_password(user.password_hash, password):
        PASSWORD_CHECK_THROTTLE.failed(key)
        record("password.check_failed", user)
        raise ValidationError(
            field,
            _("Your current password is not correct.")
            if field == "current_password"
            else _("Your password is not correct."),
        )
    PASSWORD_CHECK_THROTTLE.succeeded(key)


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
        greeting_name=greeting_name(user),
        link=external_url("accounts.reset", lang=user.locale, token=make_reset_token(user)),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )
    record("password.reset_requested", user)


def user_for_reset_token(token: str) -> User:
    """Return the user a reset link is for, if it is valid, unexpired and unused."""
    user, _payload = user_for_token(
        token,
        salt=RESET_SALT,
        max_age_key="RESET_TOKEN_MAX_AGE",
        expired=_("This reset link has expired. Ask for a new one."),
        # A used link no longer matches: the password it was made for has changed; nor does
        # a link mailed to an address the account has left.
        invalid=_("This reset link has already been used or is not valid."),
        still_valid=lambda user, payload: (
            payload.get("p") == password_fingerprint(user.password_hash)
            and payload.get("e") == user.email
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
        greeting_name=greeting_name(user),
        reset_link=external_url("accounts.reset_request", lang=user.locale),
    )
    signals.password_changed.send(user)


def reset_password(token: str, password: str) -> User:
    """Set a new password through a reset link, which then stops working."""
    user = user_for_reset_token(token)
    # Following a link sent to the address proves it as well as a confirmation does.
    mark_confirmed(user)
    set_password(user, password)
    revoke_all_sessions(user)
    record("password.reset", user)
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Change a signed-in user's password after checking the current one."""
    check_current_password(user, current, field="current_password")
    set_password(user, new, field="new_password")
    record("password.changed", user)
