import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cohorts import services
from leanleaders.reminders import all_rules, rule_run
from tests.cohorts.factories import DAY1, ApprovedApplicationFactory, CohortFactory

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CITY)


@pytest.fixture
def enrolled(trainee, analyst):
    cohort = CohortFactory()  # Day 1 Tue 6 Oct, Day 2 Wed 7 Oct, Day 3 Tue 3 Nov 2026
    application = ApprovedApplicationFactory(trainee=trainee)
    services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    return cohort


def occasions(now):
    return sorted(
        r.occasion.split(":", 2)[2]
        for r in rule_run(key="session-reminder", now=now, dry_run=True).due
    )


def test_nothing_more_than_a_week_ahead(enrolled):
    assert occasions(at(DAY1 - dt.timedelta(days=8))) == []


def test_week_reminders_a_week_before(enrolled):
    assert occasions(at(DAY1 - dt.timedelta(days=7))) == ["day1:2026-10-06:week"]
    assert occasions(at(DAY1 - dt.timedelta(days=6))) == [
        "day1:2026-10-06:week",
        "day2:2026-10-07:week",
    ]


def test_day_reminder_the_day_before(enrolled):
    assert occasions(at(DAY1 - dt.timedelta(days=1))) == [
        "day1:2026-10-06:day",
        "day2:2026-10-07:week",
    ]
    # On Day 1 itself, Day 2 is tomorrow.
    assert occasions(at(DAY1)) == ["day2:2026-10-07:day"]


def test_day3_reminders_and_nothing_after(enrolled):
    assert occasions(at(dt.date(2026, 10, 27))) == ["day3:2026-11-03:week"]
    assert occasions(at(dt.date(2026, 11, 2))) == ["day3:2026-11-03:day"]
    assert occasions(at(dt.date(2026, 11, 3))) == []


def test_each_reminder_is_sent_once_with_the_calendar(
    enrolled, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="session-reminder", now=at(DAY1 - dt.timedelta(days=1)))
        rule_run(key="session-reminder", now=at(DAY1 - dt.timedelta(days=1), hour=15))
    assert len(mailoutbox) == 2
    message = next(m for m in mailoutbox if "Day 1" in m.subject)
    assert message.to == [trainee.email]
    assert "tomorrow" in message.subject
    _, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    assert len(list(Calendar.from_ical(content).walk("VEVENT"))) == 3


def test_cancelled_cohort_gets_no_reminders(enrolled, analyst):
    services.cohort_cancel(cohort_id=enrolled.pk, by=analyst, reason="Room flooded")
    assert occasions(at(DAY1 - dt.timedelta(days=1))) == []


def test_day3_brings_one_reminder_a_day_that_says_when_and_what_to_bring(
    enrolled, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for day in (dt.date(2026, 10, 27), dt.date(2026, 10, 30), dt.date(2026, 11, 2)):
            for key in all_rules():  # every rule, as beat runs them
                rule_run(key=key, now=at(day))
    subjects = [m.subject for m in mailoutbox if "Day 3" in m.subject]
    assert subjects == [
        "Lean Leaders Day 3 is in 7 days: Tuesday 3 November 2026",
        "Lean Leaders Day 3 is tomorrow: Tuesday 3 November 2026",
    ]
    assert "next week" not in " ".join(m.body for m in mailoutbox)
    week = next(m for m in mailoutbox if "in 7 days" in m.subject)
    assert "your run chart" in week.body
    assert "/projects/mine/" in week.body
