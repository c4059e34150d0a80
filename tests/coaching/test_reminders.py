import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from coaching.models import NextStep
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run
from tests.coaching.factories import log_conversation, step

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
# A Wednesday, 10:00 local: inside sending hours.
WEDNESDAY = dt.datetime(2026, 3, 11, 10, 0, tzinfo=TZ)
DUE = dt.date(2026, 3, 12)  # Thursday


@pytest.fixture
def due_step(project, analyst):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        conversation = log_conversation(project, analyst, steps=[step("Time ten cases", days=10)])
    step_ = conversation.next_steps.get()
    assert step_.due_date == DUE
    OutboxEmail.objects.all().delete()
    return step_


def run(at: dt.datetime):
    with time_machine.travel(at, tick=False):
        return rule_run(key="next-step-due")


def test_nothing_two_days_before(due_step):
    assert run(WEDNESDAY - dt.timedelta(days=1)).queued == 0


def test_the_day_before_reminds_the_owner_once(due_step, trainee):
    first = run(WEDNESDAY)
    again = run(WEDNESDAY + dt.timedelta(hours=3))
    assert (first.queued, again.queued, again.already_sent) == (1, 0, 1)
    email = OutboxEmail.objects.get()
    assert email.to == [trainee.email]
    assert (
        email.dedupe_key == f"reminder:next-step-due:{trainee.pk}:step:{due_step.pk}:due-tomorrow"
    )
    assert "due tomorrow" in email.subject.lower()
    assert f"#step-{due_step.pk}" in email.body_text


def test_nothing_on_the_due_date_itself(due_step):
    assert run(WEDNESDAY + dt.timedelta(days=1)).queued == 0


def test_once_when_overdue(due_step):
    overdue = run(WEDNESDAY + dt.timedelta(days=2))
    later = run(WEDNESDAY + dt.timedelta(days=3))
    assert overdue.queued == 1
    assert later.queued == 0
    email = OutboxEmail.objects.get()
    assert email.dedupe_key.endswith(f"step:{due_step.pk}:overdue")
    assert email.subject.startswith("Overdue next step")


def test_no_reminder_outside_sending_hours(due_step):
    assert run(WEDNESDAY.replace(hour=22)).queued == 0


def test_done_steps_are_not_reminded(due_step, trainee):
    NextStep.objects.filter(pk=due_step.pk).update(status="done")
    assert run(WEDNESDAY).queued == 0
    assert run(WEDNESDAY + dt.timedelta(days=2)).queued == 0


def test_owner_can_mute_it(due_step, trainee):
    trainee.muted_reminders = ["next-step-due"]
    trainee.save()
    result = run(WEDNESDAY)
    assert (result.queued, result.skipped_muted) == (0, 1)


def test_long_overdue_steps_get_no_first_reminder(due_step):
    assert run(WEDNESDAY + dt.timedelta(days=30)).queued == 0


def test_manager_owned_step_reminds_the_manager(project, analyst, manager):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False):
        log_conversation(project, analyst, steps=[step("Free an hour", "manager", days=10)])
    OutboxEmail.objects.all().delete()
    run(WEDNESDAY)
    assert OutboxEmail.objects.get().to == [manager.email]
