"""Look up what a message reads like in a language, as a page in that language would show it."""

from flask import g
from flask_babel import gettext


def translated(app, lang: str, message: str, **variables) -> str:
    with app.app_context(), app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return gettext(message, **variables)
