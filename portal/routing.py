"""URL converters: the language prefix, and integers the database can hold."""

from flask import Flask
from werkzeug.routing import AnyConverter, IntegerConverter

from .i18n import LOCALES

# Primary keys are 32-bit integers on PostgreSQL; a bigger number in a path names nothing.
MAX_ID = 2**31 - 1


class LangConverter(AnyConverter):
    """Match only the UI languages, so ``/<lang:lang>/`` never shadows a path."""

    def __init__(self, url_map):
        super().__init__(url_map, *LOCALES)


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` that matches only what fits a database integer: bigger numbers are 404."""

    def __init__(self, url_map, fixed_digits=0, min=0, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    app.url_map.converters["lang"] = LangConverter
    app.url_map.converters["int"] = BoundedIntConverter
