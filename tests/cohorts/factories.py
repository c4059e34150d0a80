"""Factories for cohorts, and a helper that brings an application to the analyst's desk."""

from __future__ import annotations

import datetime as dt

import factory

from applications.models import Application
from cohorts.models import Cohort
from tests.factories import DepartmentFactory, ManagerFactory, TraineeFactory

# A schedule of working days in California: Tue 6 Oct, Wed 7 Oct, Tue 3 Nov 2026.
DAY1 = dt.date(2026, 10, 6)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    status = Cohort.Status.OPEN
    day1 = DAY1
    day2 = dt.date(2026, 10, 7)
    day3 = dt.date(2026, 11, 3)
    location = "City Hall, Room 400"
    capacity = 10


class ApprovedApplicationFactory(factory.django.DjangoModelFactory):
    """An application its manager signed off on: ready for an analyst to place."""

    class Meta:
        model = Application

    trainee = factory.SubFactory(TraineeFactory)
    department = factory.LazyAttribute(lambda a: a.trainee.department)
    manager = None
    program_year = 2026
    status = Application.Status.MANAGER_APPROVED
    title = factory.Sequence(lambda n: f"Speed up process {n}")


def approved_application(department=None, **kwargs) -> Application:
    department = department or DepartmentFactory()
    trainee = TraineeFactory(department=department)
    return ApprovedApplicationFactory(trainee=trainee, **kwargs)


__all__ = ["ApprovedApplicationFactory", "CohortFactory", "ManagerFactory", "approved_application"]
