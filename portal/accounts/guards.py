"""Decorators and checks other domains use to protect their pages."""

from functools import wraps
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site, written in plain printable characters, may follow sign-in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    # A CR or LF would reach the Location header; no control character belongs in a path.
    if any(ord(char) < 32 or ord(char) == 127 for char in target):
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
    """Where to go after signing in: the ``next`` the form carried, if it is safe."""
    target = request.values.get("next")
    return target if is_safe_next(target) else url_for(default_endpoint)
