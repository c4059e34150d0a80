import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cohorts import services as cohort_services
from cohorts.models import Cohort
from leanleaders.reminders import rule_run
from projects import services as project_services
from tests.cohorts.factories import CohortFactory
from tests.projects.factories import AcceptedApplicationFactory, add_measurements

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")
MONDAY = dt.datetime(2026, 10, 19, 8, 0, tzinfo=CITY)


@pytest.fixture
def cohort_with_projects(trainee, colleague, analyst):
    cohort = CohortFactory()
    projects = []
    for person in (trainee, colleague):
        application = AcceptedApplicationFactory(
            trainee=person, status="manager_approved", baseline_estimate=Decimal(20)
        )
        cohort_services.enrollment_place(
            application_id=application.pk, cohort_id=cohort.pk, by=analyst
        )
        with time_machine.travel(dt.datetime(2026, 10, 8, 9, tzinfo=CITY), tick=False):
            projects.append(
                project_services.project_start(application_id=application.pk, by=person)
            )
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.IN_PROGRESS)
    with time_machine.travel(dt.datetime(2026, 10, 18, 9, tzinfo=CITY), tick=False):
        add_measurements(projects[0], [12, 11, 10], start=dt.date(2026, 10, 15))
    return cohort, projects


def test_digest_goes_to_analysts_once_a_week_on_mondays(
    cohort_with_projects, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    assert rule_run(key="analyst-digest", now=MONDAY + dt.timedelta(days=1)).due == []
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="analyst-digest", now=MONDAY)
        rule_run(key="analyst-digest", now=MONDAY + dt.timedelta(hours=3))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [analyst.email]
    # The week it covers as dates, not "week 43".
    assert mailoutbox[0].subject == "Lean Leaders weekly digest, 19 Oct 2026 to 23 Oct 2026"


def test_digest_names_the_quiet_the_uncoached_and_the_improving(
    cohort_with_projects, trainee, colleague
):
    reminder = rule_run(key="analyst-digest", now=MONDAY, dry_run=True).due[0]
    (item,) = reminder.context["cohorts"]
    assert [p.trainee for p in item.quiet] == [colleague]
    assert {r.project.trainee for r in item.attention} == {trainee, colleague}
    assert [p.trainee for p in item.improving] == [trainee]


def test_digest_names_projects_with_no_leader_touchpoint_in_30_days(
    cohort_with_projects, trainee, colleague, department
):
    from coaching import services as coaching_services
    from tests.factories import TraineeFactory

    supervisor = TraineeFactory(department=department)
    trainee.supervisor = supervisor
    trainee.save()
    with time_machine.travel(dt.datetime(2026, 10, 16, 9, tzinfo=CITY), tick=False):
        coaching_services.touchpoint_log(
            project_id=cohort_with_projects[1][0].pk,
            by=supervisor,
            routine="gemba_walk",
            data={"date": dt.date(2026, 10, 16), "duration_minutes": 20, "what_we_see": "Queue"},
        )
    reminder = rule_run(key="analyst-digest", now=MONDAY, dry_run=True).due[0]
    (item,) = reminder.context["cohorts"]
    assert [p.trainee for p in item.no_leader] == [colleague]
    # A leader's touchpoint is not an analyst's coaching: both still need coaching.
    assert {r.project.trainee for r in item.attention} == {trainee, colleague}


def test_digest_names_projects_whose_result_slipped_or_reverted(
    trainee, other_trainee, colleague, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    from projects.models import Sustainment
    from tests.projects.factories import reviewed_project

    day3 = dt.date(2026, 6, 2)
    with time_machine.travel(dt.datetime(2026, 6, 3, 9, tzinfo=CITY)):
        projects = [
            reviewed_project(person, analyst, day3=day3, title=title)
            for person, title in (
                (trainee, "Slipped one"),
                (other_trainee, "Reverted one"),
                (colleague, "Held one"),
            )
        ]
    for project, value in zip(projects, ("19", "22", "15"), strict=True):
        follow_up = project.follow_ups.get(days_after=90)
        with time_machine.travel(dt.datetime(2026, 9, 1, 9, tzinfo=CITY)):
            project_services.follow_up_log(
                follow_up_id=follow_up.pk, by=project.trainee, value=Decimal(value)
            )
    with django_capture_on_commit_callbacks(execute=True):
        reminder = rule_run(key="analyst-digest", now=MONDAY).due[0]
    assert [(p.title, p.sustainment) for p in reminder.context["fading"]] == [
        ("Reverted one", Sustainment.REVERTED),
        ("Slipped one", Sustainment.SLIPPING),
    ]
    body = mailoutbox[0].body
    assert "Results slipping or reverted after Day 3" in body
    assert "Slipped one" in body
    assert "Held one" not in body
