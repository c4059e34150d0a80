import datetime as dt

import pytest

from cohorts import schedule

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 10, 6), True),  # Tuesday
        (D(2026, 10, 10), False),  # Saturday
        (D(2026, 10, 11), False),  # Sunday
        (D(2026, 12, 25), False),  # Christmas Day
        (D(2026, 11, 27), False),  # Day after Thanksgiving (California)
        (D(2026, 3, 31), False),  # Cesar Chavez Day (California)
        (D(2026, 7, 3), False),  # Independence Day observed
    ],
)
def test_working_days_skip_weekends_and_holidays(day, working):
    assert schedule.is_working_day(day) is working


def test_reason_names_the_weekday_or_the_holiday():
    assert schedule.non_working_reason(D(2026, 10, 10)) == "a Saturday"
    assert "Christmas" in schedule.non_working_reason(D(2026, 12, 25))
    assert schedule.non_working_reason(D(2026, 10, 6)) is None


def test_holiday_jurisdiction_comes_from_settings(settings):
    settings.LEANLEADERS_HOLIDAY_SUBDIV = "NY"
    # Cesar Chavez Day is a California holiday only.
    assert schedule.is_working_day(D(2026, 3, 31))
    settings.LEANLEADERS_HOLIDAY_COUNTRY = "GB"
    settings.LEANLEADERS_HOLIDAY_SUBDIV = ""
    assert not schedule.is_working_day(D(2026, 12, 28))  # Boxing Day (substitute)


def test_day2_after_friday_is_monday():
    assert schedule.propose_day2(D(2026, 10, 9)) == D(2026, 10, 12)


def test_day2_skips_a_holiday_monday():
    # Friday 4 Sep 2026; Monday 7 Sep is Labor Day.
    assert schedule.propose_day2(D(2026, 9, 4)) == D(2026, 9, 8)


def test_day3_same_weekday_about_a_month_later():
    day1 = D(2026, 10, 6)  # Tuesday
    day3 = schedule.propose_day3(day1)
    assert day3 == D(2026, 11, 3)  # the Tuesday closest to 6 Nov
    assert day3.weekday() == day1.weekday()


def test_day3_landing_on_a_holiday_moves_to_the_nearest_working_day():
    # Thursday 29 Oct 2026: the Thursday nearest a month later is 26 Nov, Thanksgiving (and
    # the 27th is the day after). The working day nearest the one-month mark (Sun 29 Nov) wins.
    day1 = D(2026, 10, 29)
    assert not schedule.is_working_day(D(2026, 11, 26))
    assert schedule.propose_day3(day1) == D(2026, 11, 30)


def test_day3_prefers_the_weekday_of_day1():
    # Monday 12 Oct: a month later is Thursday 12 Nov, but the Monday nearest it is 9 Nov.
    assert schedule.propose_day3(D(2026, 10, 12)) == D(2026, 11, 9)


def test_day3_from_a_month_end():
    day1 = D(2026, 1, 30)  # Friday; a month later is clamped to 28 Feb
    assert schedule.add_one_month(D(2026, 1, 31)) == D(2026, 2, 28)
    assert schedule.add_one_month(D(2028, 1, 31)) == D(2028, 2, 29)
    day3 = schedule.propose_day3(day1)
    assert day3 == D(2026, 2, 27)  # the Friday nearest 28 Feb
    assert day3 - schedule.propose_day2(day1) >= dt.timedelta(weeks=3)


def test_day3_from_december_crosses_the_year():
    day3 = schedule.propose_day3(D(2026, 12, 15))
    assert day3 == D(2027, 1, 12)


def test_day3_at_least_three_weeks_after_day2():
    day1 = D(2026, 10, 6)
    late_day2 = D(2026, 10, 20)
    assert schedule.propose_day3(day1, late_day2) >= late_day2 + dt.timedelta(weeks=3)


def test_add_working_days_forwards_backwards_and_zero():
    friday = D(2026, 10, 9)
    assert schedule.add_working_days(friday, 1) == D(2026, 10, 12)
    assert schedule.add_working_days(friday, 3) == D(2026, 10, 14)
    assert schedule.add_working_days(D(2026, 10, 12), -1) == friday
    assert schedule.add_working_days(D(2026, 10, 10), 0) == D(2026, 10, 12)
    # Thanksgiving week: Wed 25 Nov + 1 working day is Mon 30 Nov.
    assert schedule.add_working_days(D(2026, 11, 25), 1) == D(2026, 11, 30)
    assert schedule.working_days_between(friday, D(2026, 10, 14)) == 3
