"""Decorators and checks other domains use to protect their pages."""

from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import login_manager


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site may be redirected to after sign-in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def confirmed_required(view):
    """Let only people with a confirmed email address use a view that submits something."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_confirmed:
            flash(_("Confirm your email address before you submit anything."), "warning")
            return redirect(url_for("accounts.account"))
        return view(*args, **kwargs)

    return wrapped


def next_url(default_endpoint: str = "accounts.account") -> str:
    target = request.values.get("next")
    return target if is_safe_next(target) else url_for(default_endpoint)


def staff_gate():
    """``before_request`` of every staff blueprint: visitors sign in, residents get a 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


def admin_required(view):
    """Let only administrators use a view (staff blueprints already require staff)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
