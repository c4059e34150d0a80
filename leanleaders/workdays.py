"""Working days in the city: weekdays that are not public holidays where the city is."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _holidays_for(year: int, country: str, subdiv: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdiv or None, years=[year])


def holiday_name(day: dt.date) -> str | None:
    calendar = _holidays_for(
        day.year, settings.LEANLEADERS_HOLIDAY_COUNTRY, settings.LEANLEADERS_HOLIDAY_SUBDIV
    )
    return calendar.get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def why_not_working_day(day: dt.date) -> str | None:
    """A reason a person can read ("Saturday", "Thanksgiving Day"), or None for a working day."""
    if day.weekday() >= 5:
        return day.strftime("%A")
    return holiday_name(day)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (before it, for a negative count)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += dt.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
