"""Leader figures count from the trainee's cohort Day 1: the touchpoint service stores them in
its transaction, and `manage.py recompute_leader_figures` stores the same from the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching import services
from coaching.models import Conversation, LeaderCadence
from projects.models import Project
from tests.coaching.factories import seat_in_cohort
from tests.cohorts.factories import CohortFactory
from tests.factories import TraineeFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def supervisor(trainee, department):
    person = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = person
    trainee.save()
    return person


@pytest.fixture
def placed(trainee):
    """A project whose trainee's Day 1 was 20 days ago."""
    project = make_project(trainee)
    seat_in_cohort(project, day1=TODAY() - dt.timedelta(days=20))
    return project


def huddle(project, by, days_ago):
    return services.touchpoint_log(
        project_id=project.pk,
        by=by,
        routine=Conversation.Routine.HUDDLE,
        data={
            "date": TODAY() - dt.timedelta(days=days_ago),
            "duration_minutes": 10,
            "what_we_see": "The board",
        },
    )


def figures(project):
    project.refresh_from_db()
    return project.leader_touchpoints, project.last_leader_touchpoint_on


def test_touchpoints_before_day1_are_not_counted(placed, supervisor):
    huddle(placed, supervisor, 30)
    assert figures(placed) == (0, None)
    huddle(placed, supervisor, 20)  # on Day 1 itself
    huddle(placed, supervisor, 5)
    assert figures(placed) == (2, TODAY() - dt.timedelta(days=5))


def test_a_trainee_without_a_day1_has_nothing_counted(trainee, supervisor):
    project = make_project(trainee)
    huddle(project, supervisor, 1)
    assert figures(project) == (0, None)
    cadence = services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
    assert cadence.counts_from is None
    assert cadence.periods_due(TODAY() + dt.timedelta(days=30)) == 0


def test_adherence_counts_from_day1_when_the_cadence_is_older(placed, supervisor):
    services.cadence_set(project_id=placed.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.update(started_on=TODAY() - dt.timedelta(days=40))
    for days_ago in (35, 14, 3):  # the first one is before Day 1
        huddle(placed, supervisor, days_ago)
    cadence = LeaderCadence.objects.get()
    assert cadence.counts_from == TODAY() - dt.timedelta(days=20)
    assert cadence.made == 2
    assert cadence.periods_due(TODAY()) == 2  # 20 days at every 7
    assert cadence.adherence_percent(TODAY()) == 100


def test_adherence_counts_from_the_cadence_when_it_is_set_after_day1(placed, supervisor):
    huddle(placed, supervisor, 10)  # since Day 1 but before the cadence
    cadence = services.cadence_set(project_id=placed.pk, by=supervisor, every_days=7)
    assert cadence.counts_from == TODAY()
    assert cadence.made == 0
    assert figures(placed)[0] == 1  # the project's count is from Day 1 all the same


def test_the_command_stores_what_the_services_store(placed, supervisor, trainee):
    sponsor = TraineeFactory(department=placed.department, full_name="Sam Sponsor")
    Project.objects.filter(pk=placed.pk).update(sponsor=sponsor)
    services.cadence_set(project_id=placed.pk, by=supervisor, every_days=7)
    services.cadence_set(project_id=placed.pk, by=sponsor, every_days=14)
    LeaderCadence.objects.update(started_on=TODAY() - dt.timedelta(days=25))
    for by, days_ago in ((supervisor, 24), (supervisor, 12), (sponsor, 4), (supervisor, 2)):
        huddle(placed, by, days_ago)
    other = make_project(TraineeFactory(department=placed.department))
    seat_in_cohort(other, day1=TODAY() - dt.timedelta(days=3))

    def stored():
        cadences = LeaderCadence.objects.order_by("pk").values_list(
            "counts_from", "made", "last_touchpoint_on", "due_on"
        )
        projects = Project.objects.order_by("pk").values_list(
            "leader_touchpoints", "last_leader_touchpoint_on"
        )
        return list(cadences), list(projects)

    by_services = stored()
    assert by_services[1][0] == (3, TODAY() - dt.timedelta(days=2))  # not the one before Day 1
    # Written outside the services: wiped, then recomputed.
    Project.objects.update(leader_touchpoints=99, last_leader_touchpoint_on=None)
    LeaderCadence.objects.update(made=0, counts_from=None, last_touchpoint_on=None)
    call_command("recompute_leader_figures", verbosity=0)
    assert stored() == by_services


def test_the_command_follows_a_moved_day1(placed, supervisor):
    huddle(placed, supervisor, 10)
    huddle(placed, supervisor, 2)
    assert figures(placed)[0] == 2
    day1 = TODAY() - dt.timedelta(days=5)
    later = CohortFactory(
        day1=day1, day2=day1 + dt.timedelta(days=1), day3=day1 + dt.timedelta(days=30)
    )
    placed.application.enrollments.update(cohort=later)  # written outside the services
    call_command("recompute_leader_figures", verbosity=0)
    assert figures(placed) == (1, TODAY() - dt.timedelta(days=2))


def test_a_rescheduled_day1_is_followed_in_its_transaction(placed, supervisor, analyst):
    """A cohort not yet started moves its Day 1 later: the touchpoints before it stop
    counting."""
    from cohorts import schedule
    from cohorts import services as cohort_services
    from leanleaders.workdays import next_working_day

    huddle(placed, supervisor, 10)
    huddle(placed, supervisor, 2)
    assert figures(placed)[0] == 2
    cohort = placed.application.enrollments.get().cohort
    cohort.status = "planned"
    cohort.save()
    day1 = next_working_day(TODAY() + dt.timedelta(days=14))
    day2 = schedule.propose_day2(day1)
    cohort_services.cohort_update(
        cohort_id=cohort.pk,
        by=analyst,
        data={"day1": day1, "day2": day2, "day3": schedule.propose_day3(day1, day2)},
    )
    assert figures(placed) == (0, None)


def test_a_trainee_moved_to_another_cohort_is_counted_from_its_day1(placed, supervisor, analyst):
    from cohorts import services as cohort_services

    huddle(placed, supervisor, 10)
    huddle(placed, supervisor, 2)
    day1 = TODAY() - dt.timedelta(days=5)
    later = CohortFactory(
        day1=day1, day2=day1 + dt.timedelta(days=1), day3=day1 + dt.timedelta(days=30)
    )
    cohort_services.enrollment_move(
        enrollment_id=placed.application.enrollments.get().pk, cohort_id=later.pk, by=analyst
    )
    assert figures(placed) == (1, TODAY() - dt.timedelta(days=2))


def stored_figures():
    """Every stored leader figure: the projects' and the cadences'."""
    cadences = LeaderCadence.objects.order_by("pk").values_list(
        "counts_from", "made", "last_touchpoint_on", "due_on"
    )
    projects = Project.objects.order_by("pk").values_list(
        "leader_touchpoints", "last_leader_touchpoint_on"
    )
    return list(cadences), list(projects)


def assert_as_recomputed():
    """What the services stored is what `recompute_leader_figures` stores from the rows."""
    by_services = stored_figures()
    call_command("recompute_leader_figures", verbosity=0)
    assert stored_figures() == by_services


@pytest.fixture
def counted(placed, supervisor):
    """The placed project with a cadence and touchpoints counted since Day 1."""
    services.cadence_set(project_id=placed.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.update(started_on=TODAY() - dt.timedelta(days=25))
    huddle(placed, supervisor, 10)
    huddle(placed, supervisor, 2)
    assert figures(placed) == (2, TODAY() - dt.timedelta(days=2))
    return placed


def test_a_withdrawal_ends_the_count_in_its_transaction(counted, trainee):
    """Without a seat there is no Day 1: nothing counts, on the project or its cadences."""
    from cohorts import services as cohort_services

    cohort_services.enrollment_withdraw(
        enrollment_id=counted.application.enrollments.get().pk, by=trainee
    )
    assert figures(counted) == (0, None)
    cadence = LeaderCadence.objects.get()
    assert (cadence.counts_from, cadence.made) == (None, 0)
    assert cadence.adherence_percent(TODAY()) is None
    assert_as_recomputed()


def test_a_cancelled_cohort_ends_the_count_in_its_transaction(counted, analyst):
    from cohorts import services as cohort_services

    cohort = counted.application.enrollments.get().cohort
    cohort_services.cohort_cancel(cohort_id=cohort.pk, by=analyst, reason="No trainer")
    assert figures(counted) == (0, None)
    assert LeaderCadence.objects.get().counts_from is None
    assert_as_recomputed()


def test_a_seat_from_the_waitlist_starts_the_count(trainee, supervisor, analyst, settings):
    """A seat freed by a withdrawal goes to the next in line, whose touchpoints then count from
    that cohort's Day 1, in the same transaction; and when an offered seat lapses they stop."""
    from cohorts import services as cohort_services
    from cohorts.models import Enrollment

    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    seated = make_project(TraineeFactory(department=trainee.department))
    seat_in_cohort(seated, day1=TODAY() - dt.timedelta(days=20))
    cohort = seated.application.enrollments.get().cohort
    cohort.capacity = 1
    cohort.save()
    waiting = make_project(trainee)
    Enrollment.objects.create(
        cohort=cohort,
        application=waiting.application,
        trainee=trainee,
        status=Enrollment.Status.WAITLISTED,
    )
    huddle(waiting, supervisor, 2)
    assert figures(waiting) == (0, None)
    cohort_services.enrollment_withdraw(
        enrollment_id=seated.application.enrollments.get().pk, by=seated.trainee
    )
    assert figures(waiting) == (1, TODAY() - dt.timedelta(days=2))  # offered: a held seat
    assert_as_recomputed()
    offer = waiting.application.enrollments.get()
    Enrollment.objects.filter(pk=offer.pk).update(offer_expires_at=timezone.now())
    assert cohort_services.enrollment_offer_expire(enrollment_id=offer.pk)
    assert figures(waiting) == (0, None)
    assert_as_recomputed()


def test_the_databases_adherence_counts_as_the_cadence_does(trainee, department):
    """`cadence_adherence` (the board) and `project_adherence` (the program report) count in
    SQL what `LeaderCadence.periods_due` counts in Python: no Day 1, a start still ahead, days
    short of a period, a period to the day, a remainder, and more made than due."""
    from coaching.selectors import cadence_adherence, project_adherence

    today = TODAY()
    project = make_project(trainee)
    cadence = LeaderCadence.objects.create(
        leader=TraineeFactory(department=department), project=project, every_days=7, due_on=today
    )
    made, due = project_adherence(today=today)
    annotated = Project.objects.filter(pk=project.pk).annotate(made=made, due=due)
    for every_days in (1, 7, 13, 90):
        for days_ago in (None, -3, 0, 6, 7, 13, 20, 90, 181):
            for made_count in (0, 2, 40):
                cadence.every_days, cadence.made = every_days, made_count
                cadence.counts_from = (
                    None if days_ago is None else today - dt.timedelta(days=days_ago)
                )
                cadence.save()
                periods = cadence.periods_due(today)
                expected = (min(made_count, periods), periods)
                case = (every_days, days_ago, made_count)
                assert cadence_adherence([project.pk], today=today) == {project.pk: expected}, case
                assert annotated.values_list("made", "due").get() == expected, case
