"""Working days in the city: weekdays that are not public holidays where the city is.

Pure functions of dates (the holiday jurisdiction comes from settings), shared by the cohort
schedule ("Day 2 is the next working day") and the reminders ("3 working days"), and the
deadlines we give people, which end at the close of a working day in the city's time zone.
"""

from __future__ import annotations

import datetime as dt

import holidays
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

# One calendar per jurisdiction for the life of the process: holidays are a pure function of the
# jurisdiction and the year (the calendar fills in years as they are asked for), not of any data
# the app writes, so nothing here can go stale.
_calendars: dict[tuple[str, str], holidays.HolidayBase] = {}


def holiday_calendar() -> holidays.HolidayBase:
    """The public holidays of the jurisdiction in settings (years are filled in on demand)."""
    key = (settings.LEANLEADERS_HOLIDAY_COUNTRY, settings.LEANLEADERS_HOLIDAY_SUBDIV or "")
    if key not in _calendars:
        _calendars[key] = holidays.country_holidays(key[0], subdiv=key[1] or None)
    return _calendars[key]


def holiday_name(day: dt.date) -> str | None:
    return holiday_calendar().get(day)


def non_working_reason(day: dt.date) -> str | None:
    """Why `day` is not a working day ("a Saturday", "a public holiday: Labor Day"), or None."""
    if day.weekday() >= 5:
        # Translators: the day of the week, e.g. "a Saturday", as in "10 Oct is a Saturday".
        return gettext("a %(weekday)s") % {"weekday": date_format(day, "l")}
    name = holiday_name(day)
    if name:
        return gettext("a public holiday (%(name)s)") % {"name": name}
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


def close_of_working_day(earliest: dt.datetime) -> dt.datetime:
    """The first close of business (LEANLEADERS_WORKDAY_CLOSES_AT, city time) on a working day
    at or after `earliest`: a deadline of "72 hours" never falls at 12:45 AM or on a Sunday,
    and never comes sooner than promised."""
    city = timezone.get_default_timezone()
    local = timezone.localtime(earliest, city)
    day = local.date()
    if local.time() > settings.LEANLEADERS_WORKDAY_CLOSES_AT:
        day += dt.timedelta(days=1)
    day = add_working_days(day, 0)
    return dt.datetime.combine(day, settings.LEANLEADERS_WORKDAY_CLOSES_AT, tzinfo=city)
