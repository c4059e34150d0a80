"""The program report's leader engagement, per trainee and per department, from the stored
figures (touchpoints since Day 1, the latest one, cadences, the sponsor's agreement)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services as coaching_services
from coaching.models import Conversation, LeaderCadence
from projects.models import Project
from reporting.selectors import engagement, program
from tests.factories import TraineeFactory
from tests.reporting.factories import enroll, make_application, make_cohort, make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _trainee_with_project(department, cohort, *, name, supervisor=None):
    trainee = TraineeFactory(department=department, full_name=name, supervisor=supervisor)
    application = make_application(trainee, accepted_after_days=2)
    enroll(application, cohort)
    return make_project(application, baseline="10", values=("8",))


def _huddle(project, by, days_ago):
    coaching_services.touchpoint_log(
        project_id=project.pk,
        by=by,
        routine=Conversation.Routine.HUDDLE,
        data={
            "date": TODAY() - dt.timedelta(days=days_ago),
            "duration_minutes": 10,
            "what_we_see": "The board",
        },
    )


@pytest.fixture
def engaged(department, other_department):
    """Ana (Day 1 30 days ago): her supervisor's weekly cadence, set 30 days ago, with
    touchpoints 40 (before Day 1), 20 and 6 days ago, and her sponsor agreed the goal. Ben, in
    the other department: no touchpoint, no cadence."""
    cohort = make_cohort("Autumn", TODAY() - dt.timedelta(days=30), status="in_progress")
    supervisor = TraineeFactory(department=department, full_name="Sue Supervisor")
    ana = _trainee_with_project(department, cohort, name="Ana", supervisor=supervisor)
    ben = _trainee_with_project(other_department, cohort, name="Ben")
    coaching_services.cadence_set(project_id=ana.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.update(started_on=TODAY() - dt.timedelta(days=30))
    for days_ago in (40, 20, 6):
        _huddle(ana, supervisor, days_ago)
    Project.objects.filter(pk=ana.pk).update(sponsor_agreed_goal_at=timezone.now())
    return ana, ben


def figures(user):
    return engagement.program_engagement(user=user, filters=program.ReportFilters())


def test_per_trainee_figures(engaged, analyst):
    ana, ben = figures(analyst).trainees
    assert (ana.trainee_name, ana.touchpoints, ana.days_since) == ("Ana", 2, 6)
    assert (ana.made, ana.due, ana.adherence_percent) == (2, 4, 50)
    assert ana.goal_agreed
    assert (ben.trainee_name, ben.touchpoints, ben.days_since, ben.adherence_percent) == (
        "Ben",
        0,
        None,
        None,
    )
    assert not ben.goal_agreed


def test_per_department_and_total(engaged, analyst, department, other_department):
    found = figures(analyst)
    by_name = {g.label: g for g in found.by_department}
    mine = by_name[department.name]
    assert (mine.trainees, mine.touchpoints, mine.touched, mine.median_days_since) == (1, 2, 1, 6)
    assert (mine.adherence_percent, mine.goal_agreed) == (50, 1)
    other = by_name[other_department.name]
    assert (other.trainees, other.touchpoints, other.adherence_percent) == (1, 0, None)
    assert (found.total.trainees, found.total.touchpoints, found.total.goal_agreed) == (2, 2, 1)


def test_the_report_shows_engagement_and_how_it_is_counted(engaged, analyst, client_for):
    html = client_for(analyst).get(reverse("reports:program-report")).content.decode()
    assert "Leader engagement" in html
    assert 'data-testid="engagement-by-trainee"' in html
    assert "50% (2 of 4)" in html
    assert "dated on or after the Day 1 of the cohort" in html
    assert "whichever is later" in html


def test_an_empty_report_says_so(analyst, client_for):
    html = client_for(analyst).get(reverse("reports:program-report")).content.decode()
    assert "no leader engagement to show" in html


@pytest.mark.parametrize("extra", [1, 30])
def test_two_queries_whatever_the_number_of_trainees(
    extra, department, analyst, django_assert_num_queries
):
    cohort = make_cohort("Big", TODAY() - dt.timedelta(days=10), status="in_progress")
    leader = TraineeFactory(department=department)
    for i in range(extra):
        project = _trainee_with_project(department, cohort, name=f"T{i}", supervisor=leader)
        coaching_services.cadence_set(project_id=project.pk, by=leader, every_days=7)
    with django_assert_num_queries(2):
        assert len(figures(analyst).trainees) == extra


def test_the_trainee_table_is_paginated(department, analyst, client_for):
    cohort = make_cohort("Big", TODAY() - dt.timedelta(days=10), status="in_progress")
    for i in range(27):
        _trainee_with_project(department, cohort, name=f"Trainee {i:02d}")
    client = client_for(analyst)
    first = client.get(reverse("reports:program-report")).content.decode()
    assert "Trainee 24" in first
    assert "Trainee 25" not in first
    second = client.get(reverse("reports:program-report") + "?page=2").content.decode()
    assert "Trainee 26" in second
