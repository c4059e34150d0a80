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
from tests.factories import DepartmentFactory, TraineeFactory
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
    html = client_for(analyst).get(reverse("reports:program-engagement")).content.decode()
    assert "Leader engagement" in html
    assert 'data-testid="engagement-by-trainee"' in html
    assert "50% (2 of 4)" in html
    assert "dated on or after the Day 1 of the cohort" in html
    assert "whichever is later" in html


def test_an_empty_report_says_so(analyst, client_for):
    html = client_for(analyst).get(reverse("reports:program-engagement")).content.decode()
    assert "no leader engagement to show" in html


@pytest.mark.parametrize("extra", [1, 30])
def test_two_queries_whatever_the_number_of_trainees(
    extra, department, analyst, django_assert_num_queries
):
    """The departments and the total in one query, a page of trainees with their cadences in
    another; the page's length comes with the total."""
    cohort = make_cohort("Big", TODAY() - dt.timedelta(days=10), status="in_progress")
    leader = TraineeFactory(department=department)
    for i in range(extra):
        project = _trainee_with_project(department, cohort, name=f"T{i}", supervisor=leader)
        coaching_services.cadence_set(project_id=project.pk, by=leader, every_days=7)
    with django_assert_num_queries(2):
        found = figures(analyst)
        page = found.trainees[:25]
        assert len(found.trainees) == extra
    assert len(page) == min(extra, 25)
    assert found.total.trainees == extra


def test_the_trainee_table_is_paginated(department, analyst, client_for):
    cohort = make_cohort("Big", TODAY() - dt.timedelta(days=10), status="in_progress")
    for i in range(27):
        _trainee_with_project(department, cohort, name=f"Trainee {i:02d}")
    client = client_for(analyst)
    first = client.get(reverse("reports:program-engagement")).content.decode()
    assert "Trainee 24" in first
    assert "Trainee 25" not in first
    second = client.get(reverse("reports:program-engagement") + "?page=2").content.decode()
    assert "Trainee 26" in second


# --- Counted by the database as the page always counted them ------------------------------------


def _project(department, name, cohort=None, *, days_ago=None, touchpoints=None):
    """A trainee's project with its stored leader figures: the latest touchpoint `days_ago`
    (None: none yet) and `touchpoints` since Day 1 (1 when there is a latest one)."""
    cohort = cohort or make_cohort(f"Cohort of {name}", TODAY() - dt.timedelta(days=60))
    project = _trainee_with_project(department, cohort, name=name)
    last = None if days_ago is None else TODAY() - dt.timedelta(days=days_ago)
    count = touchpoints if touchpoints is not None else int(last is not None)
    Project.objects.filter(pk=project.pk).update(
        leader_touchpoints=count, last_leader_touchpoint_on=last
    )
    return project


def _cadence(project, *, every_days, counts_from_days_ago, made):
    """A leader's cadence on the project as the touchpoint service stores it: counting from
    `counts_from_days_ago` (None: the trainee has no Day 1; negative: in the future)."""
    counts_from = (
        None if counts_from_days_ago is None else TODAY() - dt.timedelta(days=counts_from_days_ago)
    )
    return LeaderCadence.objects.create(
        leader=TraineeFactory(department=project.department),
        project=project,
        every_days=every_days,
        counts_from=counts_from,
        made=made,
        due_on=TODAY(),
    )


def _by_label(found):
    return {str(group.label): group for group in found.by_department}


def test_median_days_is_the_upper_middle_for_an_even_count_and_the_middle_for_an_odd(
    department, other_department, analyst
):
    parks = DepartmentFactory(name="Parks", code="REC")
    library = DepartmentFactory(name="Library", code="LIB")
    for i, days_ago in enumerate((2, 5, 9, 20, None)):  # even: 5 and 9 are the middle two
        _project(department, f"Health {i}", days_ago=days_ago)
    for i, days_ago in enumerate((30, 3, 7)):  # odd
        _project(other_department, f"Works {i}", days_ago=days_ago)
    _project(parks, "Parks 0", days_ago=1)
    for i in range(2):  # no touchpoint at all
        _project(library, f"Library {i}")

    found = figures(analyst)
    groups = _by_label(found)
    assert groups["Public Health"].median_days_since == 9
    assert groups["Public Works"].median_days_since == 7
    assert groups["Parks"].median_days_since == 1
    assert groups["Library"].median_days_since is None
    assert (groups["Library"].trainees, groups["Library"].touched) == (2, 0)
    assert (groups["Public Health"].trainees, groups["Public Health"].touched) == (5, 4)
    # Every trainee's days: 1 2 3 5 | 7 9 20 30, so the upper of the middle two.
    assert found.total.median_days_since == 7
    assert (found.total.trainees, found.total.touched, found.total.touchpoints) == (11, 8, 8)
    # The departments by name, the total not among them.
    assert [str(g.label) for g in found.by_department] == [
        "Library",
        "Parks",
        "Public Health",
        "Public Works",
    ]


def test_cadences_are_summed_per_trainee_and_department_without_counting_trainees_twice(
    department, other_department, analyst
):
    ana = _project(department, "Ana", days_ago=3, touchpoints=4)
    _cadence(ana, every_days=7, counts_from_days_ago=28, made=3)  # 3 of 4 due
    _cadence(ana, every_days=14, counts_from_days_ago=28, made=5)  # 2 due: counts 2
    ben = _project(department, "Ben")
    _cadence(ben, every_days=7, counts_from_days_ago=None, made=0)  # no Day 1 yet
    _cadence(ben, every_days=7, counts_from_days_ago=-5, made=0)  # counts from next week
    _project(other_department, "Cleo")  # no cadence
    dev = _project(other_department, "Dev")
    _cadence(dev, every_days=7, counts_from_days_ago=20, made=1)  # 20 days: 2 due
    _cadence(dev, every_days=7, counts_from_days_ago=7, made=0)  # a week to the day: 1 due
    _cadence(dev, every_days=7, counts_from_days_ago=6, made=0)  # not a week yet: none due

    found = figures(analyst)
    rows = {row.trainee_name: row for row in found.trainees}
    assert [(rows[n].made, rows[n].due) for n in ("Ana", "Ben", "Cleo", "Dev")] == [
        (5, 6),
        (0, 0),
        (0, 0),
        (1, 3),
    ]
    assert (rows["Ana"].adherence_percent, rows["Dev"].adherence_percent) == (83, 33)
    assert rows["Ben"].adherence_percent is None
    groups = _by_label(found)
    health, works = groups["Public Health"], groups["Public Works"]
    assert (health.trainees, health.made, health.due, health.adherence_percent) == (2, 5, 6, 83)
    assert (health.touchpoints, health.touched) == (4, 1)
    assert (works.trainees, works.made, works.due, works.adherence_percent) == (2, 1, 3, 33)
    assert (found.total.trainees, found.total.made, found.total.due) == (4, 6, 9)
    assert found.total.touchpoints == 4


def test_the_filters_choose_the_projects_counted(department, other_department, analyst):
    spring = make_cohort("Spring", TODAY() - dt.timedelta(days=60))
    summer = make_cohort("Summer", TODAY() - dt.timedelta(days=20))
    ana = _project(department, "Ana", spring, days_ago=4)
    _cadence(ana, every_days=7, counts_from_days_ago=14, made=1)
    _project(department, "Ben", summer, days_ago=10)
    cleo = _project(other_department, "Cleo", summer, days_ago=2)
    _cadence(cleo, every_days=7, counts_from_days_ago=14, made=2)

    works = engagement.program_engagement(
        user=analyst, filters=program.ReportFilters(department_id=other_department.pk)
    )
    assert [row.trainee_name for row in works.trainees] == ["Cleo"]
    assert [str(g.label) for g in works.by_department] == ["Public Works"]
    assert (works.total.trainees, works.total.made, works.total.due) == (1, 2, 2)
    assert works.total.median_days_since == 2

    in_summer = engagement.program_engagement(
        user=analyst, filters=program.ReportFilters(cohort_ids=(summer.pk,))
    )
    assert [row.trainee_name for row in in_summer.trainees] == ["Ben", "Cleo"]
    # Days 2 and 10: the upper one.
    assert in_summer.total.median_days_since == 10
    assert (in_summer.total.made, in_summer.total.due) == (2, 2)
    assert _by_label(in_summer)["Public Health"].made == 0


def test_only_the_projects_the_reader_may_see_are_counted(
    department, other_department, manager, analyst
):
    """Only analysts open the report, but the reads go through the visible projects all the
    same: a manager's would count their department's people only."""
    ana = _project(department, "Ana", days_ago=5)
    _cadence(ana, every_days=7, counts_from_days_ago=14, made=1)
    ben = _project(other_department, "Ben", days_ago=1)
    _cadence(ben, every_days=7, counts_from_days_ago=14, made=2)

    mine = figures(manager)
    assert [row.trainee_name for row in mine.trainees] == ["Ana"]
    assert [str(g.label) for g in mine.by_department] == ["Public Health"]
    assert (mine.total.trainees, mine.total.made, mine.total.due) == (1, 1, 2)
    assert mine.total.median_days_since == 5
    assert figures(analyst).total.trainees == 2


@pytest.mark.parametrize("active", [True, False])
def test_a_reader_who_may_see_no_project_gets_empty_figures(
    active, dataset, other_trainee, django_assert_max_num_queries
):
    """Another trainee sees none of the projects (so the database counts none); an account
    switched off sees nothing at all, which takes no query of the figures."""
    other_trainee.is_active = active
    with django_assert_max_num_queries(4 if active else 0):  # the reader's roles: 2
        found = figures(other_trainee)
        assert list(found.trainees) == []
    assert len(found.trainees) == 0
    assert found.by_department == []
    assert (found.total.trainees, found.total.made, found.total.median_days_since) == (0, 0, None)


def test_the_trainees_are_paged_in_the_database_by_name_then_project(department, analyst):
    cohort = make_cohort("Big", TODAY() - dt.timedelta(days=10), status="in_progress")
    twins = [_trainee_with_project(department, cohort, name="Zoe Same") for _ in range(2)]
    for i in range(28):
        _trainee_with_project(department, cohort, name=f"Trainee {i:02d}")
    rows = figures(analyst).trainees
    assert len(rows) == 30
    page = rows[25:50]
    assert [row.trainee_name for row in page] == [
        "Trainee 25",
        "Trainee 26",
        "Trainee 27",
        "Zoe Same",
        "Zoe Same",
    ]
    assert [row.project_pk for row in page[3:]] == sorted(p.pk for p in twins)
    assert rows[0].trainee_name == "Trainee 00"
    assert [row.trainee_name for row in rows][:2] == ["Trainee 00", "Trainee 01"]
