"""HTTP security headers on every response, and the log of security events."""

import logging

from flask import Flask, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Sent with every response that does not set them itself: (name, its lower case, value).
_SECURITY_HEADERS = tuple((name, name.lower(), value) for name, value in (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
))
_WITH_HSTS = (*_SECURITY_HEADERS, ("Strict-Transport-Security", "strict-transport-security",
                                   "max-age=31536000; includeSubDomains"))

security_log = logging.getLogger("portal.security")


def security_event(event: str, *, user_id: int | None = None, **fields) -> None:
    """Log a security event as one ``key=value`` line: the event, the user and the address.

    The log format adds the time and the request id. Values are quoted so that nothing a
    visitor typed can start a new line or field.
    """
    from .extensions import client_address

    parts = {"event": event, "user": user_id if user_id is not None else "-"}
    if has_request_context():
        parts["ip"] = client_address()
    parts.update(fields)
    security_log.info(" ".join(f"{key}={_quote(value)}" for key, value in parts.items()))


def _quote(value) -> str:
    text = str(value)
    if text and all(c.isalnum() or c in "._-:/@" for c in text):
        return text
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer made once per set of keys.

    Flask makes a new one for every request, which tries its JSON serializer on an empty dict
    each time to learn it writes text. The cookie, its signature and its checks are Flask's.
    """

    _made: tuple[tuple, URLSafeTimedSerializer | None] = ((), None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        made_for, serializer = self._made
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._made = (keys, serializer)
        return serializer


def init_security(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        # Each one a view has not set itself (as Headers.setdefault would, without looking
        # through the headers twice for each).
        present = {name.lower() for name, _value in headers.items()}
        for name, lower, value in _WITH_HSTS if app.config["HSTS"] else _SECURITY_HEADERS:
            if lower not in present:
                headers.add(name, value)
        # Only when this request loaded the user: a static file needs no session lookup.
        user = g.get("_login_user")
        if (user is not None and user.is_authenticated) or request.method == "POST":
            # Personal pages, and forms sent back with what was typed in them, must not stay
            # in a shared computer's cache.
            headers["Cache-Control"] = "no-store"
        return response
