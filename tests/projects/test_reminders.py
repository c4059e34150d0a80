import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cohorts import services as cohort_services
from leanleaders.reminders import rule_run
from projects import services
from projects.models import Project
from tests.cohorts.factories import CohortFactory
from tests.projects.factories import AcceptedApplicationFactory

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")
STARTED = dt.datetime(2026, 10, 8, 9, 0, tzinfo=CITY)  # the day after Day 2 (Wed 7 Oct)


def at(day: int, month: int = 10, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=CITY)


@pytest.fixture
def project(trainee, analyst):
    application = AcceptedApplicationFactory(
        trainee=trainee, status="manager_approved", program_year=2026
    )
    cohort = CohortFactory()
    cohort_services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    with time_machine.travel(STARTED, tick=False):
        return services.project_start(application_id=application.pk, by=trainee)


def due(now):
    return rule_run(key="progress-nudge", now=now, dry_run=True).due


def test_no_nudge_within_the_first_week(project):
    assert due(at(14)) == []


def test_a_quiet_week_gets_a_nudge_with_a_link_to_log(project, trainee):
    reminders = due(at(15))
    assert [r.recipient for r in reminders] == [trainee]
    assert (
        reminders[0]
        .context["log_url"]
        .endswith(reverse("projects:measurement-add", args=[project.pk]))
    )


def test_one_nudge_per_quiet_spell(project, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="progress-nudge", now=at(15))
        rule_run(key="progress-nudge", now=at(16))
        rule_run(key="progress-nudge", now=at(20))
    assert len(mailoutbox) == 1
    assert "Log a measurement" in mailoutbox[0].alternatives[0][0]


def test_logging_something_resets_the_clock(project, trainee):
    with time_machine.travel(at(14), tick=False):
        services.measurement_add(
            measure_id=project.measures.get().pk,
            by=trainee,
            date=dt.date(2026, 10, 14),
            value=Decimal(12),
        )
    assert due(at(20)) == []
    assert due(at(21))[0].occasion.endswith("quiet-since:2026-10-14")


def test_no_nudge_before_day2_or_after_review(project, analyst):
    assert due(at(6)) == []
    Project.objects.filter(pk=project.pk).update(status=Project.Status.REVIEWED)
    assert due(at(30)) == []


def test_the_nudge_can_be_turned_off(project, trainee):
    trainee.muted_reminders = ["progress-nudge"]
    trainee.save()
    assert due(at(15)) == []
