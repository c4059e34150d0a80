"""The program calendar: Day 2 and Day 3 proposals on working days (see leanleaders.workdays).

Pure functions of dates (the holiday jurisdiction comes from settings), so they are easy to test
and other stages can reuse them, e.g. `add_working_days` for "remind in 3 working days".
"""

from __future__ import annotations

import calendar
import datetime as dt

from leanleaders.workdays import (  # noqa: F401  (re-exported for the cohort pages and tests)
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    non_working_reason,
    working_days_between,
)

# Day 3 comes about a month after Day 1, and never sooner than this after Day 2.
MIN_GAP_DAY2_TO_DAY3 = dt.timedelta(weeks=3)


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
