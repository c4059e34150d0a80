"""The queryset helpers: `in_subquery` matches the rows `__in` does, and PostgreSQL is handed the
form its indexes answer."""

import pytest
from django.db import connection
from django.db.models import F, Q
from django.db.models.functions import JSONObject

from cohorts import policies as cohort_policies
from cohorts.models import Enrollment
from leanleaders.models import User
from leanleaders.querysets import head_and_counts, in_subquery, rows_of
from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
from tests.factories import DepartmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def test_in_subquery_inside_an_or_matches_the_rows_in_does(department, other_department):
    supervisor = TraineeFactory(department=other_department)
    reports = [TraineeFactory(department=other_department, supervisor=supervisor)]
    in_department = TraineeFactory(department=department)
    TraineeFactory(department=other_department)  # neither
    reached = User.objects.filter(supervisor=supervisor).values("pk")

    found = User.objects.filter(in_subquery("pk", reached) | Q(department=department))
    expected = User.objects.filter(Q(pk__in=reached) | Q(department=department))

    assert set(found) == set(expected) == {*reports, in_department}


def test_in_subquery_of_no_rows_matches_nothing_and_its_negation_everything(department):
    people = {TraineeFactory(department=department) for _ in range(2)}
    nobody = User.objects.filter(pk__in=[]).values("pk")

    assert not User.objects.filter(in_subquery("pk", nobody)).exists()
    assert set(User.objects.filter(~in_subquery("pk", nobody))) == people


def test_in_subquery_ignores_the_subquerys_order(department):
    # An ordered subquery inside ARRAY(...) would be sorted for nothing; the SQL has no ORDER BY.
    ordered = User.objects.order_by("full_name").values("pk")
    sql = str(User.objects.filter(in_subquery("pk", ordered)).order_by().query)
    assert "ORDER BY" not in sql


def test_postgresql_is_given_the_subquery_as_a_value_others_in(department):
    sql = str(User.objects.filter(in_subquery("supervisor", User.objects.values("pk"))).query)
    if connection.vendor == "postgresql":
        assert '"supervisor_id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"supervisor_id" IN (SELECT' in sql


def test_a_managers_people_enrollments_follow_the_applications_department(
    manager, department, other_department
):
    # The department of an enrollment is its application's, not where its trainee works now.
    cohort = CohortFactory()
    moved_away = TraineeFactory(department=other_department)
    applied_here = ApprovedApplicationFactory(trainee=moved_away, department=department)
    applied_elsewhere = ApprovedApplicationFactory(
        trainee=TraineeFactory(department=department), department=DepartmentFactory()
    )
    ours, theirs = (
        Enrollment.objects.create(
            application=application,
            trainee=application.trainee,
            cohort=cohort,
            status=Enrollment.Status.ENROLLED,
        )
        for application in (applied_here, applied_elsewhere)
    )

    visible = set(cohort_policies.visible_enrollments(manager))

    assert ours in visible
    assert theirs not in visible


def test_head_and_counts_reads_the_first_rows_and_every_count_in_one_query(
    department, other_department, django_assert_num_queries
):
    for name in ("Ann", "Bea", "Cy", "Dee"):
        TraineeFactory(department=department, full_name=name)
    TraineeFactory(department=other_department, full_name="Eve")

    with django_assert_num_queries(1):
        rows, counts = head_and_counts(
            User.objects.order_by("full_name"),
            2,
            here=Q(department=department),
            named_cy=Q(full_name="Cy"),
        )

    assert [p.full_name for p in rows] == ["Ann", "Bea"]
    assert counts == {"count": 5, "here": 4, "named_cy": 1}


def test_head_and_counts_of_no_rows_are_all_zero(django_assert_num_queries):
    with django_assert_num_queries(1):
        rows, counts = head_and_counts(User.objects.filter(pk=0), 3, active=Q(is_active=True))
    assert rows == []
    assert counts == {"count": 0, "active": 0}


def test_rows_of_reads_the_first_rows_in_order_with_their_nested_objects(
    department, other_department
):
    for name, where in (("Cy", department), ("Ann", other_department), ("Bea", department)):
        TraineeFactory(department=where, full_name=name)

    rows = (
        User.objects.filter(pk=User.objects.order_by("pk").values("pk")[:1])
        .values(
            people=rows_of(
                User.objects.order_by("full_name"),
                2,
                name=F("full_name"),
                department=JSONObject(code=F("department__code"), name=F("department__name")),
            )
        )
        .get()["people"]
    )

    assert rows == [
        {"name": "Ann", "department": {"code": "DPW", "name": "Public Works"}},
        {"name": "Bea", "department": {"code": "DPH", "name": "Public Health"}},
    ]
