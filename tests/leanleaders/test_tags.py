import datetime as dt

import time_machine
from django.utils import timezone

from leanleaders.templatetags.leanleaders_tags import relative_days, reldate


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_relative_days_in_the_city_time_zone():
    today = timezone.localdate()
    assert relative_days(today) == "today"
    assert relative_days(today + dt.timedelta(days=3)) == "in 3 days"
    assert relative_days(today - dt.timedelta(days=2)) == "2 days ago"
    assert relative_days(today - dt.timedelta(days=2), overdue=True) == "overdue by 2 days"
    assert relative_days(today - dt.timedelta(days=1), overdue=True) == "overdue by 1 day"


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_shows_the_exact_date_too():
    html = reldate(dt.date(2026, 3, 13))
    assert "in 3 days" in html
    assert 'datetime="2026-03-13"' in html
    assert "Friday 13 March 2026" in html


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_shows_the_exact_date_on_screen_unless_the_page_prints_it():
    shown = reldate(dt.date(2026, 3, 15))
    assert '<span class="reldate-exact"> (Sunday 15 March 2026)</span>' in shown
    beside = reldate(dt.date(2026, 3, 15), exact=False)
    assert '<span class="visually-hidden"> (Sunday 15 March 2026)</span>' in beside


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_gives_times_in_the_city_time_zone():
    html = reldate(dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC))  # 1 March 2026, 18:30 in PT
    assert "Saturday 28 February 2026, 6:30 PM" in html
    assert "10 days ago" in html
