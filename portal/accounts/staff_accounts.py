"""Staff accounts: invitations, roles and switching accounts off. Every change is audited."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..addresses import normalise_email
from ..audit import audit
from ..columns import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..mail.service import external_url, queue_mail
from .models import Role, User
from .passwords import NO_PASSWORD
from .sessions import revoke_all_sessions
from .signin import mark_confirmed, set_password
from .tokens import (
    STAFF_INVITATION_SALT,
    make_staff_invitation_token,
    password_fingerprint,
    user_for_token,
)

# An unusable hash: the invited colleague has no password until they choose one.


def invite_staff(*, name: str, email: str, admin: bool, by: User) -> User:
    """Create a staff account and mail the colleague a link to choose their own password."""
    email = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ValidationError("email", _("An account with this email address already exists."))
    user = User(name=name.strip(), email=email, password_hash=NO_PASSWORD, locale="ko",
                role=Role.admin if admin else Role.staff)
    db.session.add(user)
    db.session.flush()
    send_invitation(user)
    audit("user.invite_staff", actor=by, obj_type="user", obj_id=user.id,
          after={"email": email, "role": user.role.name})
    return user


def awaiting_first_password(user: User) -> bool:
    """True while an invited colleague has not chosen a password yet."""
    return user.password_hash == NO_PASSWORD


def send_invitation(user: User) -> None:
    """Queue (again) the mail whose link lets a new colleague choose a password."""
    queue_mail(
        to=user.email,
        locale=user.locale,
        subject=_l("Your staff account on the Seoul Foreigner Portal"),
        template="accounts/staff_invitation",
        link=external_url("accounts.accept_invitation", lang=user.locale,
                          token=make_staff_invitation_token(user)),
        days=current_app.config["STAFF_INVITATION_MAX_AGE"] // 86400,
    )


def user_for_invitation(token: str) -> User:
    """The invited colleague, while their link is valid and unused."""
    user, _payload = user_for_token(
        token,
        salt=STAFF_INVITATION_SALT,
        max_age_key="STAFF_INVITATION_MAX_AGE",
        expired=_("This invitation has expired. Ask an administrator to send a new one."),
        invalid=_("This invitation has already been used or is not valid."),
        still_valid=lambda user, payload: (
            payload.get("e") == user.email
            and payload.get("p") == password_fingerprint(user.password_hash)
            and user.is_active
        ),
    )
    return user


def accept_invitation(token: str, password: str) -> User:
    """Set the invited colleague's first password; the link then stops working."""
    user = user_for_invitation(token)
    mark_confirmed(user)  # the link reached the address
    set_password(user, password)
    return user


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            User.role == Role.admin, User.id != user.id, User.deleted_at.is_(None),
            User.deactivated_at.is_(None),
        )
    )


def _guard(user: User, by: User, *, removes_admin: bool) -> None:
    if user.id == by.id:
        raise ValidationError(None, _("You cannot change your own account here."))
    if user.role is not Role.admin or not removes_admin:
        return
    if _other_active_admins(user) == 0:
        raise ValidationError(None, _("The portal must keep at least one administrator."))


def change_role(user: User, *, role: Role, by: User) -> None:
    """Make a staff member an administrator, or the other way round."""
    if role not in (Role.staff, Role.admin) or not user.is_staff:
        raise ValidationError("role", _("Choose one of the options in the list."))
    if role is user.role:
        return
    _guard(user, by, removes_admin=role is not Role.admin)
    before = user.role
    user.role = role
    audit("user.change_role", actor=by, obj_type="user", obj_id=user.id,
          before={"role": before.name}, after={"role": role.name})


def deactivate(user: User, *, by: User) -> None:
    """Switch a staff account off: it is signed out everywhere at once and cannot sign in."""
    if user.deactivated_at is not None:
        return
    _guard(user, by, removes_admin=True)
    user.deactivated_at = utcnow()
    revoke_all_sessions(user)
    audit("user.deactivate", actor=by, obj_type="user", obj_id=user.id)


def reactivate(user: User, *, by: User) -> None:
    """Switch a staff account back on."""
    if user.deactivated_at is None:
        return
    user.deactivated_at = None
    audit("user.reactivate", actor=by, obj_type="user", obj_id=user.id)

