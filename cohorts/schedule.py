"""Working-day rules for the program calendar: weekends and the city's public holidays.

Pure functions of dates (the holiday jurisdiction comes from settings), so they are easy to test
and other stages can reuse them, e.g. `add_working_days` for "remind in 3 working days".
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

# Day 3 comes about a month after Day 1, and never sooner than this after Day 2.
MIN_GAP_DAY2_TO_DAY3 = dt.timedelta(weeks=3)


@lru_cache(maxsize=8)
def _calendar(country: str, subdiv: str | None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdiv or None)


def holiday_calendar() -> holidays.HolidayBase:
    """The public holidays of the jurisdiction in settings (years are filled in on demand)."""
    return _calendar(settings.LEANLEADERS_HOLIDAY_COUNTRY, settings.LEANLEADERS_HOLIDAY_SUBDIV)


def holiday_name(day: dt.date) -> str | None:
    return holiday_calendar().get(day)


def non_working_reason(day: dt.date) -> str | None:
    """Why `day` is not a working day ("a Saturday", "a public holiday: Labor Day"), or None."""
    if day.weekday() >= 5:
        return f"a {calendar.day_name[day.weekday()]}"
    name = holiday_name(day)
    if name:
        return f"a public holiday ({name})"
    return None


def is_working_day(day: dt.date) -> bool:
    return non_working_reason(day) is None


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after `day`."""
    return add_working_days(day, 1)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (before it, for a negative count).

    Zero returns `day` itself if it is a working day, else the next working day.
    """
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    if remaining == 0:
        while not is_working_day(current):
            current += dt.timedelta(days=1)
        return current
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def add_one_month(day: dt.date) -> dt.date:
    """The same day of the next month, or that month's last day (31 Jan -> 28/29 Feb)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def propose_day2(day1: dt.date) -> dt.date:
    """Day 2 is the next working day after Day 1 (a Friday's Day 2 is the Monday)."""
    return next_working_day(day1)


def propose_day3(day1: dt.date, day2: dt.date | None = None) -> dt.date:
    """The working day closest to one month after Day 1, on Day 1's weekday where possible.

    First choice: the date with Day 1's weekday nearest the one-month mark, if it is a working
    day. Otherwise the working day nearest the mark (a later day wins a tie). Either way at least
    three weeks after Day 2.
    """
    day2 = day2 or propose_day2(day1)
    earliest = day2 + MIN_GAP_DAY2_TO_DAY3
    target = add_one_month(day1)
    shift = (day1.weekday() - target.weekday()) % 7
    same_weekday = target + dt.timedelta(days=shift if shift <= 3 else shift - 7)
    if same_weekday >= earliest and is_working_day(same_weekday):
        return same_weekday
    for distance in range(31):
        for candidate in (
            target + dt.timedelta(days=distance),
            target - dt.timedelta(days=distance),
        ):
            if candidate >= earliest and is_working_day(candidate):
                return candidate
    return add_working_days(earliest, 0)


def propose_schedule(day1: dt.date) -> tuple[dt.date, dt.date]:
    day2 = propose_day2(day1)
    return day2, propose_day3(day1, day2)
