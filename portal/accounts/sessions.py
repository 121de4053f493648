"""Server-side sessions behind Flask-Login.

The cookie (and the remember-me cookie) carries a random token; the database keeps its SHA-256.
Signing out revokes the row, so a copied cookie is worthless afterwards. A session also ends
after a time without requests (``STAFF_IDLE_TIMEOUT`` for staff, ``IDLE_TIMEOUT`` for residents
who did not ask to be remembered), tracked in the signed session cookie so that reading a page
never writes to the database.
"""

import hashlib
import secrets
import time
from datetime import timedelta
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from ua_parser import parse as parse_user_agent

from ..columns import utcnow
from ..database import read
from ..extensions import db, login_manager
from .models import AuthSession, User

SEEN_KEY = "_seen"
# The idle clock in the cookie moves at most this often, so the cookie does not change on
# every request.
SEEN_RESOLUTION = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, remember: bool = False) -> AuthSession:
    """Sign ``user`` in on this browser with a fresh session."""
    config = current_app.config
    remember = remember and not user.is_staff  # staff sign in again after idling
    if user.is_staff:
        lifetime = config["STAFF_SESSION_LIFETIME"]
    elif remember:
        lifetime = config["REMEMBER_COOKIE_DURATION"]
    else:
        lifetime = config["SESSION_LIFETIME"]
    token = secrets.token_urlsafe(32)
    row = AuthSession(
        token_hash=_hash(token), user=user, remember=remember, expires_at=utcnow() + lifetime,
        user_agent=(request.user_agent.string or "")[:255] or None,
    )
    db.session.add(row)
    # Renew the session: nothing from before sign-in carries over.
    session.clear()
    user.session_token = token
    login_user(user, remember=remember, duration=config["REMEMBER_COOKIE_DURATION"])
    session[SEEN_KEY] = int(time.time())
    return row


def end_session(user: User) -> None:
    """Sign out this browser and revoke its server-side session."""
    if user.session_token:
        db.session.execute(
            sa.update(AuthSession)
            .where(AuthSession.token_hash == _hash(user.session_token))
            .values(revoked_at=utcnow())
        )
    logout_user()
    session.clear()


def revoke_all_sessions(user: User, *, keep_current: bool = False) -> int:
    """End every session of ``user`` (after a password change or reset); return how many."""
    stmt = sa.update(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)
    )
    if keep_current and user.session_token:
        stmt = stmt.where(AuthSession.token_hash != _hash(user.session_token))
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount


def revoke_session(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions; False when it is not theirs or already ended."""
    result = db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.user_id == user.id,
               AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount == 1


# The columns the account page shows, read as plain rows: loading objects into the session
# would cost more than the query (database.read).
_ACTIVE_SESSIONS = (
    sa.select(AuthSession.id, AuthSession.token_hash, AuthSession.user_agent,
              AuthSession.created_at, AuthSession.expires_at)
    .where(AuthSession.user_id == sa.bindparam("user_id"), AuthSession.revoked_at.is_(None),
           AuthSession.expires_at > sa.bindparam("now"))
    .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
)


def active_sessions(user: User) -> list[sa.Row]:
    """The sessions of ``user`` that are still alive, newest first (id, token_hash,
    user_agent, created_at, expires_at)."""
    return read(_ACTIVE_SESSIONS, {"user_id": user.id, "now": utcnow()}).all()


def is_current(user: User, auth_session: AuthSession | sa.Row) -> bool:
    """True when ``auth_session`` is the one this browser is signed in with."""
    return bool(user.session_token) and auth_session.token_hash == _hash(user.session_token)


@lru_cache(maxsize=1024)
def _browser_and_system(user_agent: str) -> tuple[str | None, str | None]:
    parsed = parse_user_agent(user_agent)
    browser = parsed.user_agent.family if parsed.user_agent else None
    system = parsed.os.family if parsed.os else None
    return (browser if browser != "Other" else None, system if system != "Other" else None)


def describe_device(user_agent: str | None) -> str:
    """A session's browser and system as a person would name them ("Chrome on Windows")."""
    browser, system = _browser_and_system(user_agent or "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or _("An unknown browser")


def prune_sessions(*, older_than: timedelta) -> int:
    """Delete sessions that ended (expired or revoked) more than ``older_than`` ago."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(AuthSession).where(
            sa.or_(AuthSession.expires_at < cutoff, AuthSession.revoked_at < cutoff)
        )
    )
    return result.rowcount


def _idle_timeout(user: User, *, remember: bool) -> timedelta | None:
    """How long this session may idle, or None for a remembered resident session."""
    if user.is_staff:
        return current_app.config["STAFF_IDLE_TIMEOUT"]
    if remember:
        return None  # the person chose to stay signed in on this device
    return current_app.config["IDLE_TIMEOUT"]


# Built once: every signed-in request runs it, and building a statement costs more than
# running it on an indexed column.
_LIVE_SESSION = (
    sa.select(User, AuthSession.remember)
    .join(AuthSession, AuthSession.user_id == User.id)
    .where(
        AuthSession.token_hash == sa.bindparam("token_hash"),
        AuthSession.revoked_at.is_(None),
        AuthSession.expires_at > sa.bindparam("now"),
        User.deleted_at.is_(None),
        User.deactivated_at.is_(None),
    )
)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Find the user behind a session token, if the session is still alive."""
    row = db.session.execute(
        _LIVE_SESSION, {"token_hash": _hash(token), "now": utcnow()}
    ).first()
    if row is None:
        return None
    user, remember = row
    now = time.time()
    seen = session.get(SEEN_KEY)
    idle = _idle_timeout(user, remember=remember)
    if idle is not None and (seen is None or now - seen > idle.total_seconds()):
        session.pop(SEEN_KEY, None)
        return None
    # Refresh the idle clock at most once a minute, to keep the cookie from changing each request.
    if seen is None or now - seen > SEEN_RESOLUTION:
        session[SEEN_KEY] = int(now)
    user.session_token = token
    return user
