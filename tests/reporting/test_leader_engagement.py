"""The cohort board shows each trainee's leader engagement from stored columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import services as coaching_services
from coaching.models import LeaderCadence
from cohorts import services as cohort_services
from projects import services as project_services
from reporting.selectors import board
from tests.cohorts.factories import CohortFactory
from tests.factories import TraineeFactory
from tests.projects.factories import AcceptedApplicationFactory

pytestmark = pytest.mark.django_db


def test_board_shows_touchpoints_days_since_adherence_and_the_goal(
    trainee, manager, analyst, department, client_for
):
    cohort = CohortFactory()
    application = AcceptedApplicationFactory(
        trainee=trainee, manager=manager, status="manager_approved"
    )
    cohort_services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    project = project_services.project_start(application_id=application.pk, by=trainee)
    supervisor = TraineeFactory(department=department)
    trainee.supervisor = supervisor
    trainee.save()
    today = timezone.localdate()
    coaching_services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.update(started_on=today - dt.timedelta(days=28))  # 4 due
    for days_ago in (20, 6):
        coaching_services.touchpoint_log(
            project_id=project.pk,
            by=supervisor,
            routine="huddle",
            data={
                "date": today - dt.timedelta(days=days_ago),
                "duration_minutes": 10,
                "what_we_see": "Board",
            },
        )
    measure = project.measures.get(is_primary=True)
    measure.target_value = Decimal("10")
    measure.save()
    project_services.project_goal_agree(project_id=project.pk, by=manager)

    (row,) = board.board_rows(user=analyst, cohort=cohort)
    assert row.leader_touchpoints == 2
    assert row.days_since_leader == 6
    assert (row.leader_made, row.leader_due) == (2, 4)
    assert row.adherence_percent == 50
    assert row.goal_agreed
    assert row.coaching_count == 0  # leaders' touchpoints are not analysts' coaching
    page = client_for(analyst).get(reverse("reports:cohort-board", args=[cohort.pk]))
    html = page.content.decode()
    assert "2 touchpoints" in html
    assert "Adherence 50% (2 of 4 due)" in html
    assert "Sponsor agreed the goal" in html
    assert "How the leader figures are counted" in html


def test_analysts_open_the_trainees_leaders_from_the_board(
    trainee, manager, analyst, department, client_for
):
    cohort = CohortFactory()
    application = AcceptedApplicationFactory(
        trainee=trainee, manager=manager, status="manager_approved"
    )
    cohort_services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    project_services.project_start(application_id=application.pk, by=trainee)
    supervisor = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = supervisor
    trainee.save()
    url = reverse("reports:cohort-board", args=[cohort.pk])
    link = reverse("coaching:leader-detail", args=[supervisor.pk])
    assert link in client_for(analyst).get(url).content.decode()
    assert link not in client_for(manager).get(url).content.decode()
