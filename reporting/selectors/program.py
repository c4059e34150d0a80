"""Reads for the program report: the figures for leadership, counted in SQL in one query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Case, Count, Min, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from leanleaders.models import AuditEvent, Department, User
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
    computed_at: dt.datetime


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


# The report is counted by the database in one statement, whatever the city's size. Four parts,
# each an ORM queryset compiled to SQL (so the filters and the visible projects are the ORM's):
# the chosen applications, each application's first acceptance (the audit log), each current
# seat with its cohort and its attendance counted, and each visible project's stored outcome.
# They are joined into one row of facts per application, and every figure is counted from the
# facts in all, per department and per cohort. Only the joining and the counting are written
# here in SQL; the median is the database's own (SQLite gets one in reporting/sqlite.py).
_DIALECTS = {
    # (the median of an expression, the days from submitting to accepting)
    "postgresql": (
        "percentile_cont(0.5) WITHIN GROUP (ORDER BY {})",
        "EXTRACT(EPOCH FROM accepted_at - submitted_at) / 86400",
    ),
    "sqlite": ("median({})", "julianday(accepted_at) - julianday(submitted_at)"),
}

_FACTS_SQL = """
WITH applications (id, status, status_changed_at, submitted_at, department) AS ({applications}),
accepted (application_id, first_at) AS ({accepted}),
seats (application_id, cohort_id, cohort_name, cohort_day1, cohort_finished, marked, attended)
    AS ({seats}),
projects (application_id, reviewed, verdict, gain_percent) AS ({projects}),
facts AS (
    SELECT applications.department, seats.cohort_id, seats.cohort_name, seats.cohort_day1,
        COALESCE(
            accepted.first_at,
            CASE WHEN applications.status = %s THEN applications.status_changed_at END
        ) AS accepted_at,
        applications.submitted_at,
        CASE WHEN seats.attended = %s AND projects.reviewed = 1 THEN 1 ELSE 0 END AS completed,
        COALESCE(seats.cohort_finished, 0) AS cohort_finished,
        projects.verdict,
        CASE WHEN projects.verdict = %s THEN projects.gain_percent END AS improvement,
        COALESCE(seats.marked, 0) AS marked,
        COALESCE(seats.attended, 0) AS attended
    FROM applications
    LEFT JOIN accepted ON accepted.application_id = applications.id
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
)
{groups}SELECT 'all', NULL, NULL, NULL, NULL, {figures} FROM counted
"""
# The cohorts come first: PostgreSQL types a UNION's columns pair by pair from the left, so the
# NULLs of the other selects would be taken as text before they met the cohort's number.
_GROUPS_SQL = """SELECT 'cohort', NULL, cohort_id, cohort_name, cohort_day1, {figures}
FROM counted GROUP BY cohort_id, cohort_name, cohort_day1
UNION ALL
SELECT 'department', department, NULL, NULL, NULL, {figures} FROM counted GROUP BY department
UNION ALL
"""

# The columns of `Figures` after its label, in its order; `completed_finished` (Lean Leaders
# whose cohort has finished) is the completion rate's numerator. %s: a verdict. Sums are cast
# back to integers: PostgreSQL sums integers as numeric, which would reach the API as strings.
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
    """The statement's four parts, compiled: their columns in the order `_FACTS_SQL` names."""
    finished = Q(cohort__status=Cohort.Status.COMPLETED) | Q(cohort__day3__lte=today)
    if projects.query.is_empty():  # none() cannot be compiled; this is as empty and can
        projects = Project.objects.filter(pk__isnull=True)
    return {
        "applications": sql_of(
            report_applications(filters)
            .order_by()
            .values_list("pk", "status", "status_changed_at", "submitted_at", "department__name")
        ),
        # Accepted = reached "accepted" at any time, or accepted now (in the facts); the first
        # acceptance is when the clock stops for "days to accept".
        "accepted": sql_of(
            AuditEvent.objects.filter(
                target_type__app_label="applications",
                target_type__model="application",
                to_status=Application.Status.ACCEPTED,
            )
            .order_by()
            .values("target_id")
            .annotate(first=Min("created_at"))
            .values_list("target_id", "first")
        ),
        # A cohort has finished when its Day 3 has come or it is marked completed, never when
        # it is cancelled.
        "seats": sql_of(
            Enrollment.objects.filter(status=Enrollment.Status.ENROLLED)
            .order_by()
            .values("application_id", "cohort_id", "cohort__name", "cohort__day1")
            .annotate(
                cohort_finished=Case(
                    When(finished & ~Q(cohort__status=Cohort.Status.CANCELLED), then=1),
                    default=0,
                ),
                marked=Count("attendance"),
                attended=Count("attendance", filter=Q(attendance__mark__in=completion.ATTENDED)),
            )
            .values_list(
                "application_id",
                "cohort_id",
                "cohort__name",
                "cohort__day1",
                "cohort_finished",
                "marked",
                "attended",
            )
        ),
        "projects": sql_of(
            projects.order_by()
            .annotate(reviewed=Case(When(status=Project.Status.REVIEWED, then=1), default=0))
            .values_list("application_id", "reviewed", "verdict", "gain_percent")
        ),
    }


def _report_sql(
    projects: QuerySet[Project], filters: ReportFilters, today: dt.date, *, totals_only: bool
) -> tuple[str, tuple[Any, ...]]:
    median, days = _DIALECTS[connection.vendor]
    parts = _fact_parts(projects, filters, today)
    figures = _FIGURES_SQL.format(
        median_improvement=median.format("improvement"), median_days=median.format("days_to_accept")
    )
    sql = _FACTS_SQL.format(
        **{name: part_sql for name, (part_sql, _) in parts.items()},
        days=days,
        figures=figures,
        groups="" if totals_only else _GROUPS_SQL.format(figures=figures),
    )
    params: tuple[Any, ...] = sum((part_params for _, part_params in parts.values()), ())
    params += (Application.Status.ACCEPTED, len(completion.DAYS), Verdict.IMPROVED)
    return sql, params + _FIGURES_PARAMS * (1 if totals_only else 3)


def _decimal(value: float | Decimal | None) -> Decimal | None:
    """A median from the database (a float) as the decimal it stands for."""
    return None if value is None else Decimal(str(round(float(value), 6)))


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / Decimal(whole) if whole else None


def _figures(label: str, counts: Sequence[Any]) -> Figures:
    (
        applied,
        accepted,
        completed,
        finished,
        completed_finished,
        projects,
        measured,
        improved,
        no_change,
        worse,
        no_data,
        median_improvement,
        marked,
        attended,
        median_days,
    ) = counts
    return Figures(
        label=label,
        applied=applied,
        accepted=accepted,
        completed=completed,
        finished=finished,
        completion_rate=_rate(completed_finished, finished),
        projects=projects,
        measured=measured,
        improved=improved,
        no_change=no_change,
        worse=worse,
        no_data=no_data,
        median_improvement=_decimal(median_improvement),
        sessions_marked=marked,
        sessions_attended=attended,
        attendance_rate=_rate(attended, marked),
        median_days_to_accept=_decimal(median_days),
    )


def program_figures(
    *, projects: QuerySet[Project], filters: ReportFilters, totals_only: bool = False
) -> ProgramReport:
    """The program's figures over the given projects, counted by the database on every request
    in one query. Projects' outcomes are their stored verdicts and gains. `totals_only`: the
    total alone, no department or cohort (for the summary's download: grouping the facts twice
    more is a third of the statement's time)."""
    computed_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            *_report_sql(projects, filters, timezone.localdate(), totals_only=totals_only)
        )
        rows = cursor.fetchall()
    total = _figures("All", rows[-1][5:])
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
        computed_at=computed_at,
    )


def report_department_choices(*, among: Collection[int] | None = None) -> list[tuple[int, str]]:
    """(id, name) of every department (`among`: of those), by name."""
    departments = Department.objects.order_by("name")
    if among is not None:
        departments = departments.filter(pk__in=among)
    return list(departments.values_list("pk", "name"))
