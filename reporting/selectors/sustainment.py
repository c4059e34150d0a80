"""The program report's sustainment figures, and the follow-ups of the exports' project rows.

Counted from the follow-up rows (projects.models.FollowUp) and the verdict stored on each, in one
query that counts them in the database however many projects: nothing is re-derived here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop, ngettext

from cohorts.models import Enrollment
from leanleaders.models import User
from leanleaders.querysets import sql_of
from projects.models import FollowUp, Project, Sustainment
from projects.policies import visible_projects
from reporting.selectors.program import ReportFilters, report_applications

# The 30-day follow-up is an early check; whether a result lasted is judged at the later ones.
REPORTED_FROM_DAYS = 90


def reported_days() -> tuple[int, ...]:
    return tuple(d for d in settings.LEANLEADERS_FOLLOW_UP_DAYS if d >= REPORTED_FROM_DAYS)


@dataclass(frozen=True)
class SustainmentFigures:
    """One group's follow-ups at one day (90, 180) that have fallen due."""

    label: str
    days_after: int
    due: int = 0
    logged: int = 0
    sustained: int = 0
    slipping: int = 0
    reverted: int = 0
    missed: int = 0
    # What the page's row shows and is known by, set once per group and day by
    # `sustainment_report` rather than worked out in the template on each of a hundred rows.
    days_label: str = ""
    slug: str = "all"

    @property
    def waiting(self) -> int:
        """Due, not logged, still within the grace period."""
        return self.due - self.logged - self.missed


@dataclass
class SustainmentReport:
    days: tuple[int, ...]
    total: list[SustainmentFigures] = field(default_factory=list)
    by_department: list[SustainmentFigures] = field(default_factory=list)
    # Each cohort's rows (one per follow-up day), the most recent Day 1 first: the page shows a
    # page of cohorts at a time.
    cohorts: list[list[SustainmentFigures]] = field(default_factory=list)
    grace_days: int = 0
    sustained_percent: Decimal = Decimal(0)

    @property
    def any_due(self) -> bool:
        return any(f.due for f in self.total)

    @property
    def by_cohort(self) -> list[SustainmentFigures]:
        return [f for rows in self.cohorts for f in rows]


NO_COHORT = gettext_noop("No cohort")

# The follow-ups (an ORM queryset compiled to SQL) counted in the database: per day, per day
# and department, per day and cohort (by its Day 1 and name), one row each, so the page gets
# a few hundred rows of figures, not a row per follow-up. A table used more than once is
# materialized, so the joins behind it run once. The cohorts' rows come first: PostgreSQL types
# a union's columns from left to right, and a NULL first would make the Day 1 text. %s: a
# verdict.
_COUNTS_SQL = """
WITH follow_ups (days_after, verdict, value, department, cohort, day1) AS ({follow_ups})
SELECT 'cohort', days_after, NULL, cohort, day1, {figures}
FROM follow_ups GROUP BY days_after, cohort, day1
UNION ALL
SELECT 'department', days_after, department, NULL, NULL, {figures}
FROM follow_ups GROUP BY days_after, department
UNION ALL
SELECT 'all', days_after, NULL, NULL, NULL, {figures} FROM follow_ups GROUP BY days_after
"""
_FIGURES_SQL = """COUNT(*), COUNT(value), COUNT(CASE WHEN verdict = %s THEN 1 END),
    COUNT(CASE WHEN verdict = %s THEN 1 END), COUNT(CASE WHEN verdict = %s THEN 1 END),
    COUNT(CASE WHEN verdict = %s THEN 1 END)"""
_FIGURES_PARAMS = (
    Sustainment.SUSTAINED,
    Sustainment.SLIPPING,
    Sustainment.REVERTED,
    Sustainment.MISSED,
)


def _follow_ups(
    user: User, filters: ReportFilters, days: tuple[int, ...], today: dt.date
) -> QuerySet[FollowUp, tuple[Any, ...]]:
    """The follow-ups that have fallen due of the reviewed projects in the report, with what
    they are counted by."""
    return (
        FollowUp.objects.filter(
            project__in=visible_projects(user).filter(status=Project.Status.REVIEWED),
            project__application_id__in=report_applications(filters).values("pk"),
            days_after__in=days,
            due_on__lte=today,
        )
        # The applicant's seat (one at most is enrolled), joined: no cohort, no seat.
        .alias(
            seat=FilteredRelation(
                "project__application__enrollments",
                condition=Q(project__application__enrollments__status=Enrollment.Status.ENROLLED),
            )
        )
        .order_by()
        .values_list(
            "days_after",
            "verdict",
            "value",
            "project__department__name",
            "seat__cohort__name",
            "seat__cohort__day1",
        )
    )


def _in_days(
    groups: Mapping[Any, dict[int, SustainmentFigures]], days: tuple[int, ...], keys: Iterable[Any]
) -> list[list[SustainmentFigures]]:
    """Each group's figures (in the order of `keys`), in the order of `days`."""
    return [[groups[key][d] for d in days if d in groups[key]] for key in keys]


def sustainment_report(
    *, user: User, filters: ReportFilters, today: dt.date | None = None
) -> SustainmentReport:
    """Of the reviewed projects in the report (its filters, the user's visible projects): their
    90- and 180-day follow-ups that have fallen due, counted overall, by the applicant's
    department and by the cohort of their seat, by the database in one query whatever the
    number of projects."""
    today = today or timezone.localdate()
    days = reported_days()
    follow_ups_sql, params = sql_of(_follow_ups(user, filters, days, today))
    sql = _COUNTS_SQL.format(follow_ups=follow_ups_sql, figures=_FIGURES_SQL)
    with connection.cursor() as cursor:
        cursor.execute(sql, params + _FIGURES_PARAMS * 3)
        rows = cursor.fetchall()
    days_labels = {d: ngettext("%(days)s day", "%(days)s days", d) % {"days": d} for d in days}
    slugs: dict[str, str] = {}  # a group's, for each of its days

    def figures(label: str, days_after: int, counts: list[int]) -> SustainmentFigures:
        if label not in slugs:
            slugs[label] = slugify(label) or "all"
        due, logged, sustained, slipping, reverted, missed = counts
        return SustainmentFigures(
            label,
            days_after,
            due=due,
            logged=logged,
            sustained=sustained,
            slipping=slipping,
            reverted=reverted,
            missed=missed,
            days_label=days_labels[days_after],
            slug=slugs[label],
        )

    total = {d: figures("", d, [0] * 6) for d in days}
    departments: dict[str, dict[int, SustainmentFigures]] = defaultdict(dict)
    cohorts: dict[tuple[str | None, Any], dict[int, SustainmentFigures]] = defaultdict(dict)
    for kind, days_after, department, cohort, day1, *counts in rows:
        if kind == "all":
            total[days_after] = figures("", days_after, counts)
        elif kind == "department":
            departments[department][days_after] = figures(department, days_after, counts)
        else:
            label = cohort or gettext(NO_COHORT)
            cohorts[(cohort, day1)][days_after] = figures(label, days_after, counts)
    # Departments by name; the most recent Day 1 first (cohorts of the same name apart, by
    # name on the same day), no cohort last. SQLite gives the day as its ISO text.
    by_name = sorted(departments, key=lambda name: (name.lower(), name))
    placed = sorted((key for key in cohorts if key[1] is not None), key=lambda key: key[0] or "")
    placed.sort(key=lambda key: str(key[1]), reverse=True)
    unplaced = [key for key in cohorts if key[1] is None]
    return SustainmentReport(
        days=days,
        total=list(total.values()),
        by_department=[f for group in _in_days(departments, days, by_name) for f in group],
        cohorts=_in_days(cohorts, days, placed + unplaced),
        grace_days=settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS,
        sustained_percent=settings.LEANLEADERS_SUSTAINED_SHARE * 100,
    )


class FollowUpCell(NamedTuple):
    value: Decimal | None
    verdict: str


def follow_ups_by_project(
    project_ids: Iterable[int],
) -> Mapping[int, Mapping[int, FollowUpCell]]:
    """{project id: {days after Day 3: (value, verdict)}} for the exports' project rows: one
    query."""
    cells: dict[int, dict[int, FollowUpCell]] = defaultdict(dict)
    for project_id, days_after, value, verdict in FollowUp.objects.filter(
        project_id__in=list(project_ids)
    ).values_list("project_id", "days_after", "value", "verdict"):
        cells[project_id][days_after] = FollowUpCell(value, verdict)
    return cells
