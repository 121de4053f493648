"""Domain errors raised by services, and the site's own error pages."""

import logging
import uuid

from flask import Flask, g, has_request_context, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


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


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
}
ERROR_TEXTS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    403: _l("Your account does not have permission to open this page."),
    404: _l("The address may be mistyped, or the page may have moved."),
    405: _l("Use the links and buttons on the page instead of typing the address."),
    413: _l("Please send a smaller file."),
    429: _l("Please wait a few minutes before trying again."),
    500: _l("We have been told about the problem. Please try again later."),
}


def request_id() -> str:
    """Return this request's id, shown on error pages and written to the logs."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
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


def render_error(code: int):
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
