"""What other domains ask of accounts: loaders, lists and counts, and creating staff."""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _

from ..addresses import normalise_email
from ..audit import audit
from ..columns import utcnow
from ..errors import ValidationError
from ..extensions import db
from ..search import contains
from .models import Role, User
from .passwords import check_password_rules, hash_password


def get_user_or_404(user_id: int) -> User:
    """The live (not deleted) account with this id, or a 404."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    return user


def get_staff_or_404(user_id: int) -> User:
    """The staff or admin account with this id (switched off or not), or a 404."""
    user = get_user_or_404(user_id)
    if not user.is_staff:
        abort(404)
    return user


def find_user_by_email(email: str) -> User | None:
    """The account registered with ``email`` (in any form that normalises to it), if any."""
    try:
        key = normalise_email(email)
    except ValidationError:
        return None
    return db.session.scalar(sa.select(User).where(User.email == key))


def users_by_id(ids: Iterable[int]) -> dict[int, User]:
    """Accounts by id, in one query (deleted ones included: records still point to them)."""
    ids = set(ids)
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def user_list(*, q: str | None = None, unconfirmed: bool = False,
              only: sa.Select | None = None, excluding: sa.Select | None = None) -> sa.Select:
    """Live accounts, newest first, whose name or address contains ``q`` (only those whose
    address is not confirmed yet, when ``unconfirmed``).

    ``only`` and ``excluding`` are selects of user ids through which a higher domain narrows
    the list by what it knows (contacts by tier, say) without reading this domain's tables.
    """
    stmt = (
        sa.select(User)
        .where(User.deleted_at.is_(None))
        .order_by(User.created_at.desc(), User.id.desc())
    )
    if q:
        stmt = stmt.where(contains(q, User.search_text))
    if unconfirmed:
        stmt = stmt.where(User.confirmed_at.is_(None))
    if only is not None:
        stmt = stmt.where(User.id.in_(only))
    if excluding is not None:
        stmt = stmt.where(User.id.not_in(excluding))
    return stmt


def staff_accounts() -> sa.Select:
    """Live staff and admin accounts, by name."""
    return (
        sa.select(User)
        .where(User.role.in_([Role.staff, Role.admin]), User.deleted_at.is_(None))
        .order_by(User.name, User.id)
    )


def resident_counts() -> dict[str, int]:
    """How many residents have an account, and how many of them have not confirmed it."""
    live_residents = sa.and_(User.role == Role.resident, User.deleted_at.is_(None))
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(User.confirmed_at),
        ).where(live_residents)
    ).one()
    return {"residents": row[0], "unconfirmed": row[0] - row[1]}


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
