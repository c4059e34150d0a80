import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cohorts import services
from leanleaders.reminders import rule_run
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


def test_day3_preparation_a_week_before_and_optional(enrolled, trainee):
    due = rule_run(key="day3-prep", now=at(dt.date(2026, 10, 27)), dry_run=True)
    assert [r.recipient for r in due.due] == [trainee]
    assert rule_run(key="day3-prep", now=at(dt.date(2026, 10, 26)), dry_run=True).due == []
    trainee.muted_reminders = ["day3-prep"]
    trainee.save()
    muted = rule_run(key="day3-prep", now=at(dt.date(2026, 10, 27)), dry_run=True)
    assert muted.due == []
    assert muted.skipped_muted == 1
