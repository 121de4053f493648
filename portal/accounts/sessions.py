"""Server-side sessions behind Flask-Login.

The cookie (and the remember-me cookie) carries a random token; the database keeps its SHA-256.
Signing out revokes the row, so a copied cookie is worthless afterwards. Staff sessions also end
after ``STAFF_IDLE_TIMEOUT`` without a request, tracked in the signed session cookie so that
reading a page never writes to the database.
"""

import hashlib
import secrets
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user

from ..extensions import db, login_manager
from ..models import utcnow
from .models import AuthSession, User

SEEN_KEY = "_seen"


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
        token_hash=_hash(token), user=user, remember=remember, expires_at=utcnow() + lifetime
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


def revoke_all_sessions(user: User, *, keep_current: bool = False) -> None:
    """End every session of ``user`` (after a password change or reset)."""
    stmt = sa.update(AuthSession).where(
        AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)
    )
    if keep_current and user.session_token:
        stmt = stmt.where(AuthSession.token_hash != _hash(user.session_token))
    db.session.execute(stmt.values(revoked_at=utcnow()))


def prune_sessions(*, older_than: timedelta) -> int:
    """Delete sessions that ended (expired or revoked) more than ``older_than`` ago."""
    cutoff = utcnow() - older_than
    result = db.session.execute(
        sa.delete(AuthSession).where(
            sa.or_(AuthSession.expires_at < cutoff, AuthSession.revoked_at < cutoff)
        )
    )
    return result.rowcount


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Find the user behind a session token, if the session is still alive."""
    row = db.session.execute(
        sa.select(AuthSession, User)
        .join(User, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    auth_session, user = row
    now = utcnow()
    if auth_session.revoked_at is not None or auth_session.expires_at <= now:
        return None
    if user.deleted_at is not None:
        return None
    if user.is_staff:
        seen = session.get(SEEN_KEY)
        idle = current_app.config["STAFF_IDLE_TIMEOUT"].total_seconds()
        if seen is None or time.time() - seen > idle:
            session.pop(SEEN_KEY, None)
            return None
    # Refresh the idle clock at most once a minute, to keep the cookie from changing each request.
    seen = session.get(SEEN_KEY)
    if seen is None or time.time() - seen > 60:
        session[SEEN_KEY] = int(time.time())
    user.session_token = token
    return user
