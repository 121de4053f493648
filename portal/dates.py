"""Dates and times in the reader's language and on Seoul's clock, as Babel writes them.

``format_datetime`` and ``format_date`` are the ``datetimeformat`` and ``dateformat``
filters (i18n registers them).

Babel reads a pattern anew for every value: for each field a dispatch, then a look-up in the
language's data (the month's name, "AM" or "PM"). The account page shows five times and a
staff queue fifty, in one of a few patterns per language. Here a pattern is prepared once per
language into its pieces (the literal text, and for each field a function of the value with
the names already looked up), for the fields the portal's named formats use: year, month,
day, weekday, hours, minutes, seconds and the day period. A pattern with any other field
(the long and full times name the time zone) is left to Babel. The text is Babel's (tested
against it for every language, format and many times).
"""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache

from babel import Locale
from babel import dates as babel_dates
from babel.dates import get_day_names, get_month_names, get_period_names, tokenize_pattern
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale, get_timezone

Piece = str | Callable[[date], str]


def _number(attribute: Callable[[date], int], width: int) -> Callable[[date], str]:
    # Babel's DateTimeFormat.format: at least ``width`` digits.
    return lambda value: f"{attribute(value):0{width}d}"


def _period(width: int, locale: Locale) -> Callable[[date], str] | None:
    # Babel's format_period for "a": the first of these widths that names the period.
    widths = ({3: "abbreviated", 4: "wide", 5: "narrow"}[max(3, width)], "wide", "narrow",
              "abbreviated")
    names = {}
    for period in ("am", "pm"):
        for name_width in widths:
            found = get_period_names(context="format", width=name_width, locale=locale)
            if period in found:
                names[period] = found[period]
                break
        else:
            return None
    am, pm = names["am"], names["pm"]
    return lambda value: pm if value.hour >= 12 else am


def _field(char: str, width: int, locale: Locale) -> Callable[[date], str] | None:
    """One field as Babel's DateTimeFormat writes it, or None for a field left to Babel."""
    if char == "y":
        if width == 2:
            return lambda value: f"{value.year:02d}"[-2:]
        return _number(lambda value: value.year, width)
    if char == "M":
        if width <= 2:
            return _number(lambda value: value.month, width)
        if width in (3, 4):
            months = get_month_names({3: "abbreviated", 4: "wide"}[width], "format", locale)
            return lambda value: months[value.month]
        return None
    if char == "d" and width <= 2:
        return _number(lambda value: value.day, width)
    if char == "E" and width <= 4:
        days = get_day_names("wide" if width == 4 else "abbreviated", "format", locale)
        return lambda value: days[value.weekday()]
    if char == "h" and width <= 2:
        return _number(lambda value: value.hour % 12 or 12, width)
    if char == "H" and width <= 2:
        return _number(lambda value: value.hour, width)
    if char == "m" and width <= 2:
        return _number(lambda value: value.minute, width)
    if char == "s" and width <= 2:
        return _number(lambda value: value.second, width)
    if char == "a" and width <= 5:
        return _period(width, locale)
    return None


@cache
def prepared(pattern: str, lang: str) -> tuple[Piece, ...] | None:
    """The pieces ``pattern`` writes in ``lang``, or None when one of its fields is Babel's."""
    locale = Locale.parse(lang)
    pieces: list[Piece] = []
    for kind, token in tokenize_pattern(pattern):
        if kind == "chars":
            pieces.append(token)
            continue
        char, width = token
        field = _field(char, width, locale)
        if field is None:
            return None
        pieces.append(field)
    return tuple(pieces)


def write(pieces: tuple[Piece, ...], value: date) -> str:
    """``value`` written with prepared pieces."""
    return "".join(piece if type(piece) is str else piece(value) for piece in pieces)


def in_zone(value: datetime, zone) -> datetime:
    """``value`` on ``zone``'s clock, as Babel and Flask-Babel convert it (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(zone)
    return zone.normalize(value) if hasattr(zone, "normalize") else value


# CLDR abbreviates Korean day periods as "AM/PM"; Korean writes 오전/오후 (the wide form).
_KOREAN_DAY_PERIOD = re.compile(r"(?<![a'])a(?!a)")
_NAMED_FORMATS = ("short", "medium", "long", "full")


@cache
def _datetime_pattern(lang: str, format: str) -> str | None:  # noqa: A002 - Babel's name
    """The one pattern a named date-and-time format of ``lang`` amounts to, or None.

    Babel formats a named format as a date, a time and the glue between them, three
    formats and two replacements for each time shown; the glue of the portal's languages
    holds only spaces and commas, so one pattern writes the same. None when it holds
    anything else (Babel's own way is then used).
    """
    locale = Locale.parse(lang)
    glue = locale.datetime_formats[format]
    if any(c.isalpha() or c == "'" for c in glue.replace("{0}", "").replace("{1}", "")):
        return None
    time_pattern = locale.time_formats[format].pattern
    if lang == "ko":
        time_pattern = _KOREAN_DAY_PERIOD.sub("aaaa", time_pattern)
    return glue.replace("{1}", locale.date_formats[format].pattern).replace("{0}", time_pattern)


def format_datetime(value, format: str = "medium") -> str:  # noqa: A002 - Babel's name
    """A time in the reader's language and Seoul's clock; Korean says 오전/오후, not AM/PM."""
    locale = get_locale()
    if locale is not None and format in _NAMED_FORMATS:
        lang = str(locale)
        pattern = _datetime_pattern(lang, format)
        if pattern is not None:
            pieces = prepared(pattern, lang)
            if pieces is not None and isinstance(value, datetime):
                return write(pieces, in_zone(value, get_timezone()))
            return babel_dates.format_datetime(value, pattern, tzinfo=get_timezone(),
                                               locale=locale)
    return babel_format_datetime(value, format)


def format_date(value=None, format: str | None = None) -> str:  # noqa: A002 - Babel's name
    """A day in the reader's language, on Seoul's calendar (the ``dateformat`` filter, as
    Flask-Babel's, with the named formats' patterns prepared once)."""
    locale = get_locale()
    named = format or "medium"
    if locale is not None and named in _NAMED_FORMATS and isinstance(value, date):
        lang = str(locale)
        pieces = prepared(locale.date_formats[named].pattern, lang)
        if pieces is not None:
            if isinstance(value, datetime):
                value = in_zone(value, get_timezone())
            return write(pieces, value)
    return babel_format_date(value, format)
