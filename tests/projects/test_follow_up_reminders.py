"""Follow-up reminders: one email when a follow-up falls due (the lead and those who may log),
one note when it was missed; each exactly once however often the rules run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from leanleaders.mail import absolute_url
from leanleaders.reminders import rule_run
from projects import services
from projects.models import ProjectMember, Sustainment
from projects.reminders import MISSED_NOTE_WINDOW_DAYS
from tests.projects.factories import reviewed_project

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")
DAY3 = dt.date(2026, 3, 3)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CITY)


@pytest.fixture
def project(trainee, analyst, other_trainee, colleague):
    with time_machine.travel(at(DAY3)):
        project = reviewed_project(trainee, analyst, day3=DAY3)
    ProjectMember.objects.create(
        project=project, user=other_trainee, email=other_trainee.email, may_log=True
    )
    ProjectMember.objects.create(project=project, user=colleague, email=colleague.email)
    return project


def _run(key, now, capture):
    with time_machine.travel(now), capture(execute=True):
        return rule_run(key=key, now=now)


def test_a_due_follow_up_is_emailed_once_to_the_lead_and_those_who_may_log(
    project, trainee, other_trainee, mailoutbox, django_capture_on_commit_callbacks
):
    due = project.follow_ups.get(days_after=30).due_on
    assert (
        _run(
            "follow-up-due", at(due - dt.timedelta(days=1)), django_capture_on_commit_callbacks
        ).due
        == []
    )
    first = _run("follow-up-due", at(due), django_capture_on_commit_callbacks)
    again = _run(
        "follow-up-due", at(due + dt.timedelta(days=1)), django_capture_on_commit_callbacks
    )
    assert first.queued == 2
    assert again.queued == 0
    assert again.already_sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([trainee.email, other_trainee.email])
    link = absolute_url(
        reverse(
            "projects:follow-up-log", args=[project.pk, project.follow_ups.get(days_after=30).pk]
        )
    )
    assert all(link in m.body for m in mailoutbox)
    assert mailoutbox[0].subject.startswith("30 days on: has")
    assert len(mailoutbox[0].alternatives) == 1  # and HTML


def test_a_logged_follow_up_is_not_reminded(project, trainee, django_capture_on_commit_callbacks):
    follow_up = project.follow_ups.get(days_after=30)
    with time_machine.travel(at(follow_up.due_on)):
        services.follow_up_log(follow_up_id=follow_up.pk, by=trainee, value=Decimal(15))
    assert _run("follow-up-due", at(follow_up.due_on), django_capture_on_commit_callbacks).due == []


def test_a_missed_follow_up_is_marked_and_the_lead_told_once(
    project, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    due = project.follow_ups.get(days_after=30).due_on
    late = due + dt.timedelta(days=15)
    assert _run("follow-up-due", at(late), django_capture_on_commit_callbacks).due == []
    first = _run("follow-up-missed", at(late), django_capture_on_commit_callbacks)
    again = _run(
        "follow-up-missed", at(late + dt.timedelta(days=1)), django_capture_on_commit_callbacks
    )
    assert (first.queued, again.queued, again.already_sent) == (1, 0, 1)
    project.refresh_from_db()
    assert project.sustainment == Sustainment.MISSED
    assert [m.to for m in mailoutbox] == [[trainee.email]]
    assert "was missed" in mailoutbox[0].subject


def test_an_old_miss_gets_no_note(project, django_capture_on_commit_callbacks):
    long_after = project.follow_ups.get(days_after=30).due_on + dt.timedelta(days=40)
    result = _run("follow-up-missed", at(long_after), django_capture_on_commit_callbacks)
    assert result.due == []
    assert project.follow_ups.get(days_after=30).verdict == Sustainment.MISSED


@pytest.mark.parametrize(
    ("days_since", "noted"), [(MISSED_NOTE_WINDOW_DAYS, True), (MISSED_NOTE_WINDOW_DAYS + 1, False)]
)
def test_a_miss_is_noted_within_its_window_from_the_day_after_the_last_day(
    project, django_capture_on_commit_callbacks, days_since, noted
):
    missed_on = project.follow_ups.get(days_after=30).last_day + dt.timedelta(days=1)
    today = missed_on + dt.timedelta(days=days_since)
    result = _run("follow-up-missed", at(today), django_capture_on_commit_callbacks)
    assert bool(result.due) == noted


def test_the_emails_are_in_the_recipients_language(
    project, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    trainee.language = "es"
    trainee.save(update_fields=["language"])
    due = project.follow_ups.get(days_after=30).due_on
    _run("follow-up-due", at(due), django_capture_on_commit_callbacks)
    (spanish,) = [m for m in mailoutbox if m.to == [trainee.email]]
    assert 'lang="es"' in spanish.alternatives[0][0]
