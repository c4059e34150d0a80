"""Reads for the program report: the figures for leadership, counted in SQL in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from leanleaders.models import Department, User
from leanleaders.querysets import sql_of
from projects import completion
from projects.models import Project
from projects.policies import visible_projects
from projects.results import Verdict

# Which cohorts the report covers: every one, those open to the whole city, or those reserved
# for departments by special arrangement.
ALL_COHORTS, CITY_WIDE, DEPARTMENT_COHORTS = "", "city", "department"
COHORT_KINDS = {
    ALL_COHORTS: _("All cohorts"),
    CITY_WIDE: _("City-wide cohorts"),
    DEPARTMENT_COHORTS: _("Department cohorts"),
}


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cohort_ids: tuple[int, ...] = ()
    department_id: int | None = None
    cohort_kind: str = ALL_COHORTS  # one of COHORT_KINDS


@dataclass(frozen=True)
class Figures:
    """The report's figures for one group of applications; the definitions are on the page."""

    label: str
    applied: int
    accepted: int
    completed: int
    finished: int
    completion_rate: Decimal | None
    projects: int
    measured: int
    improved: int
    no_change: int
    worse: int
    no_data: int
    median_improvement: Decimal | None
    sessions_marked: int
    sessions_attended: int
    attendance_rate: Decimal | None
    median_days_to_accept: Decimal | None


@dataclass
class ProgramReport:
    filters: ReportFilters
    total: Figures
    by_department: list[Figures]
    by_cohort: list[Figures]


NOT_PLACED = gettext_noop("Not placed in a cohort")


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def report_applications(filters: ReportFilters) -> QuerySet[Application]:
    """Submitted applications created within the range (both ends included), in the chosen
    cohorts and kind of cohort (their current seat), and department."""
    applications = Application.objects.filter(submitted_at__isnull=False)
    if filters.date_from:
        applications = applications.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        end = _start_of(filters.date_to + dt.timedelta(days=1))
        applications = applications.filter(created_at__lt=end)
    if filters.department_id:
        applications = applications.filter(department_id=filters.department_id)
    seats = Enrollment.objects.filter(status=Enrollment.Status.ENROLLED)
    if filters.cohort_ids:
        applications = applications.filter(
            pk__in=seats.filter(cohort_id__in=filters.cohort_ids).values("application_id")
        )
    if filters.cohort_kind == CITY_WIDE:
        seats = seats.filter(cohort__in=Cohort.objects.city_wide())
    elif filters.cohort_kind == DEPARTMENT_COHORTS:
        seats = seats.filter(cohort__in=Cohort.objects.reserved())
    if filters.cohort_kind in (CITY_WIDE, DEPARTMENT_COHORTS):
        applications = applications.filter(pk__in=seats.values("application_id"))
    return applications


def program_report(
    *, user: User, filters: ReportFilters, totals_only: bool = False
) -> ProgramReport:
    """The program's figures for analysts, over the projects the user may see."""
    projects = visible_projects(user)
    return program_figures(projects=projects, filters=filters, totals_only=totals_only)


# The report is counted by the database in one statement, whatever the city's size. Five parts,
# each an ORM queryset compiled to SQL (so the filters and the visible projects are the ORM's):
# the chosen applications with their stored first acceptance, each current seat with its
# cohort's state and its stored sessions marked and attended, each visible project's stored
# outcome, and the names of the departments and cohorts. The facts are joined one row per
# application, and every figure is counted from them in all, per department and per cohort
# (by id, named once counted). Only the joining and the counting are written here in SQL; the
# median is the database's own (SQLite gets one in reporting/sqlite.py).
_FACTS_SQL = """
WITH applications (id, submitted_at, accepted_at, department_id) AS ({applications}),
seats (application_id, cohort_id, cohort_finished, marked, attended) AS ({seats}),
projects (application_id, reviewed, verdict, gain_percent) AS ({projects}),
departments (id, name) AS ({departments}),
cohorts (id, name, day1) AS ({cohorts}),
facts AS (
    SELECT applications.department_id, seats.cohort_id, applications.accepted_at,
        applications.submitted_at,
        CASE WHEN seats.attended = %s AND projects.reviewed = 1 THEN 1 ELSE 0 END AS completed,
        COALESCE(seats.cohort_finished, 0) AS cohort_finished,
        projects.verdict,
        CASE WHEN projects.verdict = %s THEN projects.gain_percent END AS improvement,
        COALESCE(seats.marked, 0) AS marked,
        COALESCE(seats.attended, 0) AS attended
    FROM applications
    LEFT JOIN seats ON seats.application_id = applications.id
    LEFT JOIN projects ON projects.application_id = applications.id
),
counted AS (
    SELECT facts.*,
        CASE WHEN accepted_at IS NOT NULL AND (completed = 1 OR cohort_finished = 1)
            THEN 1 ELSE 0 END AS finished,
        CASE WHEN accepted_at IS NULL THEN NULL WHEN accepted_at < submitted_at THEN 0
            ELSE {days} END AS days_to_accept
    FROM facts
),
grouped (kind, department_id, cohort_id, {columns}) AS ({groups})
SELECT kind, departments.name, cohort_id, cohorts.name, cohorts.day1, {columns}
FROM grouped
LEFT JOIN departments ON departments.id = grouped.department_id
LEFT JOIN cohorts ON cohorts.id = grouped.cohort_id
"""
# The total alone (the summary's download). Its NULLs are typed: PostgreSQL would take them as
# text, which the joins to the names could not compare with ids.
_TOTAL_SQL = "SELECT 'all', CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), {figures} FROM counted"


@dataclass(frozen=True)
class _Dialect:
    median: str  # the median of an expression
    days: str  # the days from submitting to accepting
    groups: str  # the figures of each cohort, each department and all, one row each


_DIALECTS = {
    # Grouping sets count the three groupings in one pass over the facts, not three over a
    # materialized copy of them: a quarter of the statement's time at a city's size.
    "postgresql": _Dialect(
        median="percentile_cont(0.5) WITHIN GROUP (ORDER BY {})",
        days="EXTRACT(EPOCH FROM accepted_at - submitted_at) / 86400",
        groups="""SELECT CASE GROUPING(cohort_id, department_id)
        WHEN 1 THEN 'cohort' WHEN 2 THEN 'department' ELSE 'all' END,
    department_id, cohort_id, {figures}
FROM counted GROUP BY GROUPING SETS ((cohort_id), (department_id), ())""",
    ),
    # SQLite has no grouping sets.
    "sqlite": _Dialect(
        median="median({})",
        days="julianday(accepted_at) - julianday(submitted_at)",
        groups="""SELECT 'cohort', NULL, cohort_id, {figures} FROM counted GROUP BY cohort_id
UNION ALL
SELECT 'department', department_id, NULL, {figures} FROM counted GROUP BY department_id
UNION ALL
SELECT 'all', NULL, NULL, {figures} FROM counted""",
    ),
}

# The figures counted for each group, named in `_FIGURE_COLUMNS`: what `Figures` shows after its
# label, in its order, with `completed_finished` (Lean Leaders whose cohort has finished), the
# completion rate's numerator. %s: a verdict. Sums are cast back to integers: PostgreSQL sums
# integers as numeric, which would reach the API as strings.
_FIGURE_COLUMNS = (
    "applied",
    "accepted",
    "completed",
    "finished",
    "completed_finished",
    "projects",
    "measured",
    "improved",
    "no_change",
    "worse",
    "no_data",
    "median_improvement",
    "marked",
    "attended",
    "median_days",
)
_FIGURES_SQL = """COUNT(*), COUNT(accepted_at), CAST(COALESCE(SUM(completed), 0) AS INTEGER),
    CAST(COALESCE(SUM(finished), 0) AS INTEGER),
    CAST(COALESCE(SUM(completed * finished), 0) AS INTEGER), COUNT(verdict),
    COUNT(CASE WHEN verdict <> %s THEN 1 END), COUNT(CASE WHEN verdict = %s THEN 1 END),
    COUNT(CASE WHEN verdict = %s THEN 1 END), COUNT(CASE WHEN verdict = %s THEN 1 END),
    COUNT(CASE WHEN verdict = %s THEN 1 END), {median_improvement},
    CAST(COALESCE(SUM(marked), 0) AS INTEGER), CAST(COALESCE(SUM(attended), 0) AS INTEGER),
    {median_days}"""
_FIGURES_PARAMS = (
    Verdict.NOT_ENOUGH_DATA,
    Verdict.IMPROVED,
    Verdict.NO_CHANGE,
    Verdict.WORSE,
    Verdict.NOT_ENOUGH_DATA,
)


def _fact_parts(
    projects: QuerySet[Project], filters: ReportFilters, today: dt.date
) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """The statement's parts, compiled: their columns in the order `_FACTS_SQL` names."""
    finished = Q(cohort__status=Cohort.Status.COMPLETED) | Q(cohort__day3__lte=today)
    if projects.query.is_empty():  # none() cannot be compiled; this is as empty and can
        projects = Project.objects.filter(pk__isnull=True)
    return {
        # Accepted = reached "accepted" at any time (stored at the first acceptance); the first
        # acceptance is when the clock stops for "days to accept".
        "applications": sql_of(
            report_applications(filters)
            .order_by()
            .values_list("pk", "submitted_at", "first_accepted_at", "department_id")
        ),
        # A cohort has finished when its Day 3 has come or it is marked completed, never when
        # it is cancelled.
        "seats": sql_of(
            Enrollment.objects.filter(status=Enrollment.Status.ENROLLED)
            .order_by()
            .annotate(
                cohort_finished=Case(
                    When(finished & ~Q(cohort__status=Cohort.Status.CANCELLED), then=1),
                    default=0,
                )
            )
            .values_list(
                "application_id",
                "cohort_id",
                "cohort_finished",
                "sessions_marked",
                "sessions_attended",
            )
        ),
        "projects": sql_of(
            projects.order_by()
            .annotate(reviewed=Case(When(status=Project.Status.REVIEWED, then=1), default=0))
            .values_list("application_id", "reviewed", "verdict", "gain_percent")
        ),
        "departments": sql_of(Department.objects.order_by().values_list("pk", "name")),
        "cohorts": sql_of(Cohort.objects.order_by().values_list("pk", "name", "day1")),
    }


def _report_sql(
    projects: QuerySet[Project], filters: ReportFilters, today: dt.date, *, totals_only: bool
) -> tuple[str, tuple[Any, ...]]:
    dialect = _DIALECTS[connection.vendor]
    parts = _fact_parts(projects, filters, today)
    figures = _FIGURES_SQL.format(
        median_improvement=dialect.median.format("improvement"),
        median_days=dialect.median.format("days_to_accept"),
    )
    groups = _TOTAL_SQL if totals_only else dialect.groups
    sql = _FACTS_SQL.format(
        **{name: part_sql for name, (part_sql, _) in parts.items()},
        days=dialect.days,
        columns=", ".join(_FIGURE_COLUMNS),
        groups=groups.format(figures=figures),
    )
    params: tuple[Any, ...] = sum((part_params for _, part_params in parts.values()), ())
    params += (len(completion.DAYS), Verdict.IMPROVED)
    return sql, params + _FIGURES_PARAMS * groups.count("{figures}")


def _decimal(value: float | Decimal | None) -> Decimal | None:
    """A median from the database (a float) as the decimal it stands for."""
    return None if value is None else Decimal(str(round(float(value), 6)))


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / Decimal(whole) if whole else None


def _figures(label: str, counts: Sequence[Any]) -> Figures:
    figure = dict(zip(_FIGURE_COLUMNS, counts, strict=True))
    return Figures(
        label=label,
        applied=figure["applied"],
        accepted=figure["accepted"],
        completed=figure["completed"],
        finished=figure["finished"],
        completion_rate=_rate(figure["completed_finished"], figure["finished"]),
        projects=figure["projects"],
        measured=figure["measured"],
        improved=figure["improved"],
        no_change=figure["no_change"],
        worse=figure["worse"],
        no_data=figure["no_data"],
        median_improvement=_decimal(figure["median_improvement"]),
        sessions_marked=figure["marked"],
        sessions_attended=figure["attended"],
        attendance_rate=_rate(figure["attended"], figure["marked"]),
        median_days_to_accept=_decimal(figure["median_days"]),
    )


def program_figures(
    *, projects: QuerySet[Project], filters: ReportFilters, totals_only: bool = False
) -> ProgramReport:
    """The program's figures over the given projects, counted by the database on every request
    in one query from stored values: applications' first acceptances, seats' sessions marked
    and attended, projects' verdicts and gains. `totals_only`: the total alone, no department or
    cohort (for the summary's download: grouping and naming them is a third of the statement's
    time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            *_report_sql(projects, filters, timezone.localdate(), totals_only=totals_only)
        )
        rows = cursor.fetchall()
    total = _figures("All", next(row[5:] for row in rows if row[0] == "all"))
    departments = sorted((row[1], row[5:]) for row in rows if row[0] == "department")
    # The most recent Day 1 first (then the latest cohort), those not placed in a cohort last:
    # the page shows the first page of cohorts, and the recent ones are those an analyst acts on.
    placed = sorted(
        (row for row in rows if row[0] == "cohort" and row[2] is not None),
        key=lambda row: (str(row[4]), row[2]),
        reverse=True,
    )
    cohorts = placed + [row for row in rows if row[0] == "cohort" and row[2] is None]
    return ProgramReport(
        filters=filters,
        total=total,
        by_department=[_figures(name, counts) for name, counts in departments],
        by_cohort=[
            _figures(gettext(NOT_PLACED) if row[2] is None else row[3], row[5:]) for row in cohorts
        ],
    )


def report_department_choices(*, among: Collection[int] | None = None) -> list[tuple[int, str]]:
    """(id, name) of every department (`among`: of those), by name."""
    departments = Department.objects.order_by("name")
    if among is not None:
        departments = departments.filter(pk__in=among)
    return list(departments.values_list("pk", "name"))
