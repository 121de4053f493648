"""Working days in Seoul, for the response targets of reports.

A working day is a Monday to Friday in the Asia/Seoul calendar that is not a Korean public
holiday. The holidays come from the maintained ``holidays`` library, which includes the lunar
holidays (Seollal, Chuseok, Buddha's Birthday), substitute holidays and election days.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

SEOUL = ZoneInfo("Asia/Seoul")

# A report filed on a weekend or holiday counts from the start of the next working day.
WORKDAY_START = time(9, 0)


@lru_cache(maxsize=32)
def _holidays_in(year: int) -> frozenset[date]:
    """Return the Korean public holidays of one year."""
    return frozenset(holidays.country_holidays("KR", years=year))


def is_working_day(day: date) -> bool:
    """Tell whether a Seoul calendar date is neither a weekend nor a Korean public holiday."""
    return day.weekday() < 5 and day not in _holidays_in(day.year)


def _next_working_day(day: date) -> date:
    """Return the first working day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    """Return the due time ``days`` working days after ``start``, as an aware UTC datetime.

    The rule, applied in Seoul time:

    1. ``start`` is converted to Asia/Seoul.
    2. If its Seoul date is not a working day, the clock starts at 09:00 on the next
       working day instead (a report filed on Saturday afternoon counts from Monday 09:00).
    3. The due time is the same Seoul clock time on the ``days``-th working day after that
       date. The hour of day does not matter otherwise: Friday 23:00 + 1 is Monday 23:00.

    ``days=0`` therefore returns the moment the clock starts. A naive ``start`` or negative
    ``days`` raises ``ValueError``.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start must be an aware datetime")
    if days < 0:
        raise ValueError("days must not be negative")
    local = start.astimezone(SEOUL)
    day, clock = local.date(), local.time()
    if not is_working_day(day):
        day, clock = _next_working_day(day), WORKDAY_START
    for _ in range(days):
        day = _next_working_day(day)
    return datetime.combine(day, clock, tzinfo=SEOUL).astimezone(UTC)
