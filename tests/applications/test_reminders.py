import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from applications.models import Application
from applications.reminders import signoff_stage
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")
# Monday 2 March 2026, 10:00 in the city; no holidays in the following two weeks.
SUBMITTED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=CITY)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, 0, tzinfo=CITY)


@pytest.fixture
def waiting(trainee, manager, alternate_manager):
    return ApplicationFactory(
        trainee=trainee,
        manager=manager,
        status=Application.Status.SUBMITTED,
        submitted_at=SUBMITTED,
    )


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (dt.date(2026, 3, 4), 0),  # Wednesday: 2 working days
        (dt.date(2026, 3, 5), 1),  # Thursday: 3 working days
        (dt.date(2026, 3, 9), 1),  # next Monday: 5 (the weekend does not count)
        (dt.date(2026, 3, 10), 2),  # 6 working days
        (dt.date(2026, 3, 13), 3),  # 9 working days: analysts are told
        (dt.date(2026, 4, 30), 3),
    ],
)
def test_signoff_stages_count_working_days(today, stage):
    assert signoff_stage(dt.date(2026, 3, 2), today) == stage


def test_a_holiday_does_not_count_as_a_working_day():
    # Wednesday 11 Nov 2026 is Veterans Day: Tue 10 -> Fri 13 is only 2 working days.
    assert signoff_stage(dt.date(2026, 11, 10), dt.date(2026, 11, 13)) == 0
    assert signoff_stage(dt.date(2026, 11, 10), dt.date(2026, 11, 16)) == 1


def test_nobody_is_reminded_before_three_working_days(waiting):
    result = rule_run(key="signoff-pending", now=at(4))
    assert result.due == []


def test_manager_and_alternate_get_one_reminder_however_often_the_rule_runs(
    waiting, manager, alternate_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = rule_run(key="signoff-pending", now=at(5))
        again = rule_run(key="signoff-pending", now=at(5, 15))
    assert first.queued == 2
    assert again.queued == 0
    assert again.already_sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, alternate_manager.email])
    assert "waiting for your sign-off" in mailoutbox[0].subject
    assert "Why you got this" in mailoutbox[0].body


def test_a_named_manager_who_left_the_department_is_not_reminded(
    waiting, manager, alternate_manager, department, mailoutbox, django_capture_on_commit_callbacks
):
    department.managers.remove(manager)
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(5))
    assert [m.to for m in mailoutbox] == [[alternate_manager.email]]


def test_second_reminder_then_analysts_are_told(
    waiting, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(5))
        rule_run(key="signoff-pending", now=at(10))
        rule_run(key="signoff-pending", now=at(13))
        rule_run(key="signoff-pending", now=at(16))
    assert len(mailoutbox) == 2 + 2 + 1
    assert mailoutbox[-1].to == [analyst.email]
    assert "Sign-off overdue" in mailoutbox[-1].subject


def test_the_overdue_email_names_everyone_who_was_reminded(
    waiting, analyst, manager, alternate_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="signoff-pending", now=at(16))
    (overdue,) = [m for m in mailoutbox if m.to == [analyst.email]]
    assert "Sign-off overdue" in overdue.subject
    for person in (manager, alternate_manager):
        assert f"{person.full_name} ({person.email})" in overdue.body
    assert f"{person.full_name} ({person.email})" in overdue.alternatives[0][0]


def test_no_reminder_once_the_manager_acted(waiting, manager):
    from applications import services

    services.application_manager_decide(application_id=waiting.pk, by=manager, decision="approve")
    assert rule_run(key="signoff-pending", now=at(13)).due == []


def test_reminders_wait_for_working_hours(waiting):
    assert rule_run(key="signoff-pending", now=at(5, hour=3)).due == []
    assert rule_run(key="signoff-pending", now=at(5, hour=3), force=True).due


def test_a_disabled_rule_sends_nothing(waiting, settings):
    settings.LEANLEADERS_REMINDERS_DISABLED = ["signoff-pending"]
    assert rule_run(key="signoff-pending", now=at(5)).due == []


def test_run_reminders_dry_run_lists_and_sends_nothing(waiting, manager, capsys):
    with time_machine.travel(at(5), tick=False):
        call_command("run_reminders", "signoff-pending", "--dry-run")
    output = capsys.readouterr().out
    assert manager.email in output
    assert not OutboxEmail.objects.exists()


def test_a_run_by_hand_prints_its_request_id_and_its_emails_carry_it(waiting, manager, capsys):
    with time_machine.travel(at(5), tick=False):
        call_command("run_reminders", "signoff-pending")
    request_id = capsys.readouterr().out.splitlines()[0].removeprefix("request id ")
    assert len(request_id) == 32
    reminders = OutboxEmail.objects.filter(dedupe_key__startswith="reminder:signoff-pending:")
    assert reminders.exists()
    assert set(reminders.values_list("request_id", flat=True)) == {request_id}
