import datetime as dt

import pytest
from django.utils import timezone

from coaching import selectors, services
from coaching.models import CoachingRequest, NextStep
from cohorts.models import Enrollment
from tests.coaching.factories import log_conversation, step
from tests.cohorts.factories import CohortFactory
from tests.factories import AnalystFactory, TraineeFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_panel_reads_the_latest_conversation_count_and_open_steps(project, analyst):
    older = log_conversation(
        project, analyst, date=TODAY() - dt.timedelta(days=9), steps=[step("Late", days=-2)]
    )
    same_day_first = log_conversation(project, analyst, steps=[step("Soon", days=1)])
    latest = log_conversation(project, analyst, steps=[step("Later", days=5), step("Done")])
    done = NextStep.objects.get(description="Done")
    services.next_step_complete(step_id=done.pk, by=project.trainee, note="")
    CoachingRequest.objects.create(project=project, requested_by=project.trainee, note="Help")
    services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)

    panel = selectors.project_panel(project=project)

    assert panel.latest == latest != same_day_first  # same date: the one logged last
    assert panel.conversation_count == 3
    assert [s.description for s in panel.open_steps] == ["Late", "Soon", "Later"]
    assert panel.open_request.note == "Help"
    assert panel.coach == analyst
    conversations = selectors.project_conversations(project=project)
    assert conversations == [latest, same_day_first, older]
    assert selectors.project_panel(project=project, conversations=conversations) == panel


def test_panel_of_a_project_without_coaching(project):
    panel = selectors.project_panel(project=project)
    assert (panel.latest, panel.conversation_count, panel.open_steps) == (None, 0, [])
    assert (panel.coach, panel.open_request) == (None, None)


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


def test_overview_counts_in_sql_agree_with_each_rows_own_answer(analyst):
    """The counts of a list of many pages (SQL) and those of one page (its rows) must say the
    same, at the edge of "not coached recently" (the cutoff day) and of "overdue" too."""
    days = selectors.not_coached_days()
    cohort = CohortFactory()
    coached_on = {
        "never": None,
        "on the cutoff": days,
        "a day before it": days + 1,
        "recently": 2,
    }
    for name, ago in coached_on.items():
        project = make_project(TraineeFactory(full_name=name))
        Enrollment.objects.create(
            cohort=cohort,
            application=project.application,
            trainee=project.trainee,
            status="enrolled",
        )
        if ago is not None:
            # One step overdue, one due today (not overdue), on every coached project but one.
            steps = [step("today", days=0)] + ([step("late", days=-1)] if ago != 2 else [])
            log_conversation(project, analyst, date=TODAY() - dt.timedelta(days=ago), steps=steps)
    rows = selectors.coaching_overview(cohort=cohort)
    counts = selectors.overview_counts(cohort=cohort, today=TODAY())
    assert counts["not_coached"] == sum(1 for r in rows if r.not_coached) == 2
    assert counts["overdue"] == sum(1 for r in rows if r.overdue_steps) == 2
    assert counts["shown"] == len(rows) == 4
    attention = selectors.coaching_overview(cohort=cohort, attention_only=True)
    assert [r.project.trainee.full_name for r in attention] == [
        "a day before it",
        "never",
        "on the cutoff",
    ]


def test_overview_rows_of_a_withdrawn_trainee_are_left_out(analyst):
    cohort = CohortFactory()
    project = make_project(TraineeFactory())
    Enrollment.objects.create(
        cohort=cohort, application=project.application, trainee=project.trainee, status="withdrawn"
    )
    assert selectors.coaching_overview(cohort=cohort) == []
