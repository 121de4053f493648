"""Domain errors raised by services, and the site's own error pages."""

import contextlib
import logging
import re
import uuid

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# PostgreSQL explains a failed statement with the values involved ("DETAIL:  Key (email)=(...)
# already exists", "Failing row contains (...)"); the log must not keep them.
_DATABASE_DETAIL = re.compile(r"^(DETAIL:).*$", re.MULTILINE)


class ScrubDatabaseDetail(logging.Filter):
    """Format a record's traceback now, without the values the database quoted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = _DATABASE_DETAIL.sub(r"\1 [values hidden]", text)
        return True


log.addFilter(ScrubDatabaseDetail())


class DomainError(Exception):
    """A rule of the portal was broken; the message is safe to show."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Input that breaks a rule, attached to one form field when ``field`` is given."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class PermissionDenied(DomainError):
    """The person may not do this."""


class Conflict(DomainError):
    """The change clashes with the current state (a duplicate, a full class...)."""


class TooManyAttempts(DomainError):
    """Too many failed attempts in a row: the next may come after ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__("")
        self.retry_after = retry_after


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    409: _l("This could not be done"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is temporarily unavailable"),
}
ERROR_TEXTS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    403: _l("Your account does not have permission to open this page."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Use the links and buttons on the page instead of typing the address."),
    409: _l("It clashes with a change made a moment ago. Go back, reload the page and try again."),
    413: _l("Please send a smaller file."),
    429: _l("Please wait a few minutes before trying again."),
    500: _l("We have been told about the problem. Please try again later."),
    503: _l("We are working to restore it. Please try again in a few minutes."),
}
# Seconds a client is told to wait when the database cannot be reached.
UNAVAILABLE_RETRY_AFTER = 30
# Errors that mean the database cannot be reached (down, restarting, out of connections).
DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def request_id() -> str:
    """Return this request's id, shown on error pages and written to the logs."""
    if "request_id" not in g:
        # Only a proxy we trust may name the request; otherwise anyone could choose the id
        # their requests are logged under.
        incoming = (
            request.headers.get("X-Request-ID", "") if current_app.config["TRUSTED_PROXIES"] else ""
        )
        g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else (
            uuid.uuid4().hex
        )
    return g.request_id


_factory_installed = False


def install_log_record_factory() -> None:
    """Give every log record the id of the request it was written in ("-" outside one)."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = request_id() if has_request_context() else "-"
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def _load_user_or_anonymous(*, database_down: bool) -> None:
    """Make sure rendering the page cannot fail on the database through ``current_user``."""
    if "_login_user" in g and not database_down:
        return
    if not database_down:
        try:
            current_user._get_current_object()
            return
        except DATABASE_UNAVAILABLE:
            pass
    g._login_user = AnonymousUserMixin()


def render_error(code: int, *, database_down: bool = False):
    _load_user_or_anonymous(database_down=database_down)
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=ERROR_TITLES.get(code, ERROR_TITLES[500]),
            text=ERROR_TEXTS.get(code, ERROR_TEXTS[500]),
            request_id=request_id(),
        ),
        code,
    )


def init_app(app: Flask) -> None:
    from .extensions import db

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400)

    @app.errorhandler(PermissionDenied)
    def permission_denied(error):
        return render_error(403)

    @app.errorhandler(Conflict)
    def conflict(error):
        db.session.rollback()
        return render_error(409)

    def database_unavailable(error):
        # The connection may be gone; the pool replaces it on the next checkout.
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        # The exception's text may quote the statement; its class is enough to tell the cause.
        log.error("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
        body, code = render_error(503, database_down=True)
        return body, code, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER)}

    for exception_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(exception_class, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error  # redirects raised by routing (a missing trailing slash) pass through
        if error.code >= 500:
            db.session.rollback()
        response = error.get_response()
        body, code = render_error(error.code if error.code in ERROR_TITLES else 500)
        response.set_data(body)
        response.content_type = "text/html; charset=utf-8"
        response.status_code = code
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        log.exception("unhandled error, request id %s", request_id())
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        log.error("internal error, request id %s", request_id(), exc_info=error.original_exception)
        return render_error(500)

    @app.after_request
    def add_request_id(response):
        response.headers["X-Request-ID"] = request_id()
        return response
