"""Dates and times written from prepared patterns (dates.py) read exactly as Babel writes them."""

import random
from datetime import UTC, datetime, timedelta

import flask_babel
import pytest
from babel.dates import format_datetime as babel_format_datetime
from flask import g

from portal import dates
from portal.dates import _datetime_pattern, format_date, format_datetime
from portal.i18n import LOCALES

random.seed(7)
MOMENTS = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=random.randint(-10**9, 10**9))
           for _ in range(300)]
MOMENTS += [datetime(2026, 11, 26, hour, 5, 9, tzinfo=UTC) for hour in range(24)]
MOMENTS += [datetime(2026, 3, 1, 15, 30), datetime(5, 1, 2, tzinfo=UTC)]  # naive is UTC
FORMATS = ("short", "medium", "long", "full")


@pytest.mark.parametrize("lang", LOCALES)
def test_prepared_patterns_write_what_babel_writes(app, lang):
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        zone = flask_babel.get_timezone()
        for name in FORMATS:
            pattern = _datetime_pattern(lang, name)
            for moment in MOMENTS:
                assert format_datetime(moment, name) == babel_format_datetime(
                    moment, pattern, tzinfo=zone, locale=lang)
                assert format_date(moment, name) == flask_babel.format_date(moment, name)
                assert format_date(moment.date(), name) == flask_babel.format_date(
                    moment.date(), name)
        assert format_date(MOMENTS[0]) == flask_babel.format_date(MOMENTS[0])
        assert app.jinja_env.filters["dateformat"] is format_date


@pytest.mark.parametrize("lang", LOCALES)
def test_the_short_and_medium_formats_are_prepared_and_zones_left_to_babel(lang):
    from babel import Locale

    for name in FORMATS:
        assert dates.prepared(Locale.parse(lang).date_formats[name].pattern, lang) is not None
        prepared = dates.prepared(_datetime_pattern(lang, name), lang)
        assert (prepared is None) == (name in ("long", "full"))  # they name the time zone
