import datetime as dt

import pytest
from django.utils import timezone

from coaching import selectors, services
from cohorts.models import Enrollment
from tests.coaching.factories import log_conversation, step
from tests.cohorts.factories import CohortFactory
from tests.factories import AnalystFactory, TraineeFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_overview_rows_read_coach_last_conversation_and_steps(analyst):
    cohort = CohortFactory()
    coached, never = (make_project(TraineeFactory(full_name=n)) for n in ("Ann A", "Bob B"))
    for project in (coached, never):
        Enrollment.objects.create(
            cohort=cohort,
            application=project.application,
            trainee=project.trainee,
            status="enrolled",
        )
    first_coach = AnalystFactory(full_name="First Coach")
    services.coach_assign(project_ids=[coached.pk], coach_id=first_coach.pk, by=analyst)
    services.coach_assign(project_ids=[coached.pk], coach_id=analyst.pk, by=analyst)
    log_conversation(coached, analyst, date=TODAY() - dt.timedelta(days=30))
    log_conversation(
        coached,
        analyst,
        date=TODAY() - dt.timedelta(days=3),
        steps=[step("a", days=-1), step("b", days=-3), step("c", days=2)],
    )

    rows = selectors.coaching_overview(cohort=cohort)

    assert [r.project for r in rows] == [coached, never]
    ann, bob = rows
    assert (ann.coach_name, ann.last_coached, ann.days_since) == (
        analyst.full_name,
        TODAY() - dt.timedelta(days=3),
        3,
    )
    assert (ann.overdue_steps, ann.open_steps, ann.not_coached) == (2, 4, False)
    assert (bob.coach_name, bob.last_coached, bob.overdue_steps, bob.open_steps) == (
        None,
        None,
        0,
        0,
    )
    assert bob.not_coached
    assert selectors.coaching_overview(cohort=cohort, attention_only=True) == [ann, bob]
    assert selectors.coaching_overview(cohort=CohortFactory()) == []


def test_overview_rows_of_a_withdrawn_trainee_are_left_out(analyst):
    cohort = CohortFactory()
    project = make_project(TraineeFactory())
    Enrollment.objects.create(
        cohort=cohort, application=project.application, trainee=project.trainee, status="withdrawn"
    )
    assert selectors.coaching_overview(cohort=cohort) == []
