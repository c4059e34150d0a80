"""The API's reads. Each list is scoped to what the token's owner may see (through the stages'
policies) and loads a page in a fixed number of queries, whatever its size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from cohorts.models import Cohort, Enrollment
from cohorts.policies import visible_cohorts
from cohorts.selectors import with_seat_counts
from leanleaders.models import Department, User
from projects.models import Measure, Project
from projects.policies import visible_projects


def department_list() -> QuerySet[Department]:
    return Department.objects.order_by("name", "pk")


@dataclass(frozen=True)
class CohortFilters:
    status: str | None = None
    starts_from: dt.date | None = None
    starts_to: dt.date | None = None
    # "city": open to every department; "department": reserved for one or more.
    kind: str | None = None


def cohort_list(*, user: User, filters: CohortFilters) -> QuerySet[Cohort]:
    cohorts = (
        with_seat_counts(visible_cohorts(user))
        .prefetch_related("departments")
        .order_by("day1", "pk")
    )
    if filters.kind == "city":
        cohorts = cohorts.filter(pk__in=Cohort.objects.city_wide())
    elif filters.kind == "department":
        cohorts = cohorts.filter(pk__in=Cohort.objects.reserved())
    if filters.status:
        cohorts = cohorts.filter(status=filters.status)
    if filters.starts_from:
        cohorts = cohorts.filter(day1__gte=filters.starts_from)
    if filters.starts_to:
        cohorts = cohorts.filter(day1__lte=filters.starts_to)
    return cohorts


@dataclass(frozen=True)
class ProjectFilters:
    department_id: int | None = None
    cohort_id: int | None = None
    verdict: str | None = None
    status: str | None = None


def _seat_cohort() -> Subquery:
    return Subquery(
        Enrollment.objects.filter(
            application_id=OuterRef("application_id"), status=Enrollment.Status.ENROLLED
        ).values("cohort_id")[:1]
    )


def project_list(*, user: User, filters: ProjectFilters) -> QuerySet[Project]:
    """Projects with their cohort and primary measure (`primary`). Only the columns the API
    shows are loaded."""
    projects = (
        visible_projects(user)
        .annotate(cohort_id=_seat_cohort())
        .only(
            "pk",
            "title",
            "status",
            "department_id",
            "verdict",
            "gain_percent",
            "created_at",
            "tools_used",
        )
        .prefetch_related(
            Prefetch(
                "measures", queryset=Measure.objects.filter(is_primary=True), to_attr="primary"
            ),
        )
        .order_by("-created_at", "-pk")
    )
    if filters.department_id:
        projects = projects.filter(department_id=filters.department_id)
    if filters.cohort_id:
        projects = projects.filter(cohort_id=filters.cohort_id)
    if filters.verdict:
        projects = projects.filter(verdict=filters.verdict)
    if filters.status:
        projects = projects.filter(status=filters.status)
    return projects
