import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from leanleaders.workdays import close_of_working_day

CITY = ZoneInfo("America/Los_Angeles")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=CITY)


@pytest.mark.parametrize(
    ("earliest", "deadline"),
    [
        # 72 hours from a quarter to one at night: that working day's close, not 12:45 AM.
        (at(2026, 10, 15, 0, 45), at(2026, 10, 15, 17, 0)),
        # Exactly at the close: that close.
        (at(2026, 10, 15, 17, 0), at(2026, 10, 15, 17, 0)),
        # After Friday's close: Monday's.
        (at(2026, 10, 16, 18, 0), at(2026, 10, 19, 17, 0)),
        # Thanksgiving and the day after are holidays in California: Monday.
        (at(2026, 11, 26, 10, 0), at(2026, 11, 30, 17, 0)),
    ],
)
def test_deadlines_end_at_the_close_of_a_working_day(earliest, deadline):
    result = close_of_working_day(earliest)
    assert result == deadline
    assert result >= earliest


def test_the_close_is_read_in_the_city_time_zone(settings):
    settings.LEANLEADERS_WORKDAY_CLOSES_AT = dt.time(16, 30)
    # 23:00 UTC on Thursday is 4 PM in San Francisco: still before Thursday's close.
    result = close_of_working_day(dt.datetime(2026, 10, 15, 23, 0, tzinfo=dt.UTC))
    assert result == dt.datetime(2026, 10, 15, 16, 30, tzinfo=CITY)
