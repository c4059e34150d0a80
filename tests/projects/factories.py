"""Factories for projects: an accepted application, and a project started from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from applications.models import Application
from projects import services
from projects.models import Measurement, Project
from tests.factories import TraineeFactory


class AcceptedApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    trainee = factory.SubFactory(TraineeFactory)
    department = factory.LazyAttribute(lambda o: o.trainee.department)
    program_year = factory.LazyFunction(lambda: timezone.localdate().year)
    status = Application.Status.ACCEPTED
    title = factory.Sequence(lambda n: f"Faster permit renewals {n}")
    process_today = "Requests arrive by email and are keyed in twice."
    problem = "Renewals take 21 days; residents call twice to chase them."
    evidence = "Case log for January: 48 renewals, median 21 days."
    measure_name = "Days from request to renewal"
    measure_unit = "days"
    measure_direction = "lower"
    baseline_estimate = Decimal("21")
    why_it_matters = "Residents wait and staff answer chasing calls."
    role_and_team = "Permit clerk, permits team"


def make_project(trainee, **application_fields) -> Project:
    application = AcceptedApplicationFactory(trainee=trainee, **application_fields)
    return services.project_start(application_id=application.pk, by=trainee)


def add_measurements(project: Project, values, *, start: dt.date | None = None) -> None:
    measure = project.measures.get(is_primary=True)
    start = start or timezone.localdate() - dt.timedelta(days=len(values))
    Measurement.objects.bulk_create(
        Measurement(measure=measure, date=start + dt.timedelta(days=i), value=Decimal(str(v)))
        for i, v in enumerate(values)
    )
    services.measure_result_store(measure=measure)


def reviewed_project(
    trainee,
    analyst,
    *,
    day3: dt.date,
    values=(15,),
    **application_fields,
) -> Project:
    """A project with a seat in a cohort whose Day 3 is `day3`, its measurements logged (21 days
    at baseline, lower is better, unless told otherwise) and reviewed by `analyst`."""
    from cohorts.models import Enrollment
    from tests.cohorts.factories import CohortFactory

    project = make_project(trainee, **application_fields)
    cohort = CohortFactory(
        day1=day3 - dt.timedelta(days=28), day2=day3 - dt.timedelta(days=27), day3=day3
    )
    Enrollment.objects.create(
        cohort=cohort,
        application=project.application,
        trainee=trainee,
        status=Enrollment.Status.ENROLLED,
    )
    add_measurements(project, values, start=day3 - dt.timedelta(days=len(values)))
    return services.project_review(project_id=project.pk, by=analyst)
