"""Working days in Seoul: weekends, Korean public holidays and the time zone."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from portal.reports.workdays import SEOUL, add_working_days, is_working_day


def seoul(*args) -> datetime:
    """Return a Seoul wall-clock time as an aware UTC datetime."""
    return datetime(*args, tzinfo=SEOUL).astimezone(UTC)


def test_weekdays_work_and_weekends_do_not():
    assert is_working_day(date(2026, 3, 6))  # Friday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 9, 24),  # the day preceding Chuseok, Thursday
        date(2026, 9, 25),  # Chuseok, Friday
        date(2027, 2, 8),  # the second day of Seollal, Monday
        date(2027, 2, 9),  # substitute holiday for Seollal, Tuesday
        date(2026, 8, 17),  # substitute holiday for Liberation Day, Monday
    ],
)
def test_holidays_on_weekdays_are_not_working_days(day):
    assert day.weekday() < 5
    assert not is_working_day(day)


def test_friday_plus_one_is_monday_at_the_same_clock_time():
    assert add_working_days(seoul(2026, 3, 6, 14, 30), 1) == seoul(2026, 3, 9, 14, 30)


def test_clock_time_on_a_working_day_is_kept_even_late_at_night():
    assert add_working_days(seoul(2026, 3, 6, 23, 0), 1) == seoul(2026, 3, 9, 23, 0)


def test_chuseok_2026_is_skipped():
    # Thursday 24 and Friday 25 September are holidays, then the weekend.
    assert add_working_days(seoul(2026, 9, 23, 10, 0), 1) == seoul(2026, 9, 28, 10, 0)


def test_seollal_2027_and_its_substitute_holiday_are_skipped():
    # Seollal falls on Sat 6 to Mon 8 February; Sunday's overlap moves a holiday to Tuesday 9.
    assert add_working_days(seoul(2027, 2, 5, 10, 0), 1) == seoul(2027, 2, 10, 10, 0)


def test_substitute_holiday_is_skipped():
    # Liberation Day 2026 is a Saturday; Monday 17 August is its substitute.
    assert add_working_days(seoul(2026, 8, 14, 16, 0), 1) == seoul(2026, 8, 18, 16, 0)


def test_several_days_span_a_holiday_week():
    # Wednesday 23 Sept 2026 + 3: Mon 28, Tue 29, Wed 30.
    assert add_working_days(seoul(2026, 9, 23, 10, 0), 3) == seoul(2026, 9, 30, 10, 0)


def test_filed_on_saturday_counts_from_monday_morning():
    filed = seoul(2026, 3, 7, 15, 45)
    assert add_working_days(filed, 0) == seoul(2026, 3, 9, 9, 0)
    assert add_working_days(filed, 1) == seoul(2026, 3, 10, 9, 0)


def test_filed_on_a_holiday_counts_from_the_next_working_morning():
    assert add_working_days(seoul(2026, 9, 25, 20, 0), 1) == seoul(2026, 9, 29, 9, 0)


def test_sunday_night_in_utc_is_monday_morning_in_seoul():
    filed = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)  # Sunday in UTC
    assert filed.astimezone(SEOUL) == datetime(2026, 3, 9, 8, 30, tzinfo=SEOUL)  # Monday
    # Monday is a working day, so the clock time 08:30 is kept rather than moved to 09:00.
    assert add_working_days(filed, 0) == filed
    assert add_working_days(filed, 1) == datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def test_friday_evening_in_utc_is_saturday_in_seoul():
    filed = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # Friday in UTC, Saturday 01:00 in Seoul
    assert add_working_days(filed, 1) == seoul(2026, 3, 10, 9, 0)


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 3, 6, 5, 0, tzinfo=UTC),
        datetime(2026, 3, 6, 14, 0, tzinfo=SEOUL),
        datetime(2026, 3, 6, 0, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_result_is_aware_utc(start):
    due = add_working_days(start, 2)
    assert due.tzinfo is UTC
    assert due.utcoffset() == timedelta(0)


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_days(datetime(2026, 3, 6, 9, 0), 1)


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), -1)
