"""Concurrency on PostgreSQL: the last seat, and promotions after simultaneous withdrawals.

SQLite ignores `select_for_update`, so these run only with DATABASE_URL pointing at PostgreSQL.
Each thread works on its own connection and closes it when done.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cohorts import services
from cohorts.models import Enrollment
from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
from tests.factories import AnalystFactory, DepartmentFactory, TraineeFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(jobs):
    """Start every job at the same moment (a barrier); collect errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def approved(count):
    department = DepartmentFactory()
    return [
        ApprovedApplicationFactory(trainee=TraineeFactory(department=department))
        for _ in range(count)
    ]


@pytest.mark.parametrize(("people", "seats"), [(20, 1), (50, 10)])
def test_capacity_is_never_exceeded(people, seats):
    cohort = CohortFactory(capacity=seats)
    analysts = [AnalystFactory(), AnalystFactory()]
    applications = approved(people)
    jobs = [
        (
            lambda app=app, i=i: services.enrollment_place(
                application_id=app.pk, cohort_id=cohort.pk, by=analysts[i % 2]
            )
        )
        for i, app in enumerate(applications)
    ]
    assert run_at_once(jobs) == []
    statuses = list(cohort.enrollments.values_list("status", flat=True))
    assert statuses.count(Enrollment.Status.ENROLLED) == seats
    assert statuses.count(Enrollment.Status.WAITLISTED) == people - seats
    # The queue has a strict order with no duplicates.
    queue = list(
        cohort.enrollments.filter(status="waitlisted")
        .order_by("queue_at", "pk")
        .values_list("pk", flat=True)
    )
    assert len(set(queue)) == people - seats


def test_simultaneous_withdrawals_promote_the_next_two_in_order_once():
    cohort = CohortFactory(capacity=2)
    analyst = AnalystFactory()
    applications = approved(5)
    enrollments = [
        services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
        for app in applications
    ]
    first, second, next1, next2, last = enrollments
    jobs = [
        lambda e=e: services.enrollment_withdraw(enrollment_id=e.pk, by=e.trainee)
        for e in (first, second)
    ]
    assert run_at_once(jobs) == []
    status = dict(cohort.enrollments.values_list("pk", "status"))
    assert status[first.pk] == status[second.pk] == Enrollment.Status.WITHDRAWN
    assert status[next1.pk] == status[next2.pk] == Enrollment.Status.ENROLLED
    assert status[last.pk] == Enrollment.Status.WAITLISTED
    assert cohort.enrollments.filter(status="enrolled").count() == 2
    from leanleaders.models import OutboxEmail

    for promoted in (next1, next2):
        assert (
            OutboxEmail.objects.filter(dedupe_key=f"enrollment:{promoted.pk}:promoted:0").count()
            == 1
        )
    assert not OutboxEmail.objects.filter(dedupe_key=f"enrollment:{last.pk}:promoted:0").exists()


def test_a_department_cohort_takes_only_its_department_however_many_place_at_once():
    own, other = DepartmentFactory(), DepartmentFactory()
    cohort = CohortFactory(capacity=3)
    cohort.departments.set([own])
    analysts = [AnalystFactory(), AnalystFactory()]
    applications = [
        ApprovedApplicationFactory(trainee=TraineeFactory(department=department))
        for department in (own, other) * 6
    ]
    jobs = [
        (
            lambda app=app, i=i: services.enrollment_place(
                application_id=app.pk, cohort_id=cohort.pk, by=analysts[i % 2]
            )
        )
        for i, app in enumerate(applications)
    ]
    errors = run_at_once(jobs)
    assert len(errors) == 6
    assert all(isinstance(e, ValidationError) and "reserved for" in str(e) for e in errors)
    placed = list(cohort.enrollments.values_list("status", "application__department_id"))
    assert {department for _, department in placed} == {own.pk}
    assert sorted(status for status, _ in placed) == ["enrolled"] * 3 + ["waitlisted"] * 3


@pytest.mark.parametrize("round_", range(3))
def test_reserving_a_cohort_while_people_are_placed_never_leaves_anyone_outside(round_):
    own, other = DepartmentFactory(), DepartmentFactory()
    cohort = CohortFactory(capacity=10)
    analysts = [AnalystFactory(), AnalystFactory()]
    applications = [
        ApprovedApplicationFactory(trainee=TraineeFactory(department=other)) for _ in range(5)
    ]
    jobs = [
        (
            lambda app=app: services.enrollment_place(
                application_id=app.pk, cohort_id=cohort.pk, by=analysts[0]
            )
        )
        for app in applications
    ]
    jobs.insert(
        round_,
        lambda: services.cohort_update(
            cohort_id=cohort.pk, by=analysts[1], data={"departments": [own]}
        ),
    )
    errors = run_at_once(jobs)
    assert all(isinstance(e, ValidationError) for e in errors)
    reserved = list(cohort.departments.values_list("pk", flat=True))
    placed = cohort.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES).count()
    # Either the reservation came first and every placement was refused, or a placement came
    # first and the reservation was refused (then every placement went through).
    assert (reserved, placed, len(errors)) in (([own.pk], 0, 5), ([], 5, 1))
