"""The program report's sustainment figures, and the follow-ups of the exports' project rows.

Counted from the follow-up rows (projects.models.FollowUp) and the verdict stored on each, in one
query that groups them however many projects: nothing is re-derived here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cohorts.models import Enrollment
from leanleaders.models import User
from projects.models import FollowUp, Project, Sustainment
from projects.policies import visible_projects
from reporting.selectors.program import ReportFilters, report_applications

# The 30-day follow-up is an early check; whether a result lasted is judged at the later ones.
REPORTED_FROM_DAYS = 90


def reported_days() -> tuple[int, ...]:
    return tuple(d for d in settings.LEANLEADERS_FOLLOW_UP_DAYS if d >= REPORTED_FROM_DAYS)


@dataclass
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

    @property
    def waiting(self) -> int:
        """Due, not logged, still within the grace period."""
        return self.due - self.logged - self.missed

    def count(self, *, verdict: str, logged: bool, follow_ups: int) -> None:
        """Count `follow_ups` more, all with this verdict, logged or not."""
        self.due += follow_ups
        self.logged += logged * follow_ups
        self.sustained += (verdict == Sustainment.SUSTAINED) * follow_ups
        self.slipping += (verdict == Sustainment.SLIPPING) * follow_ups
        self.reverted += (verdict == Sustainment.REVERTED) * follow_ups
        self.missed += (verdict == Sustainment.MISSED) * follow_ups


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


class _Row(NamedTuple):
    """How many follow-ups (`follow_ups`) share all the rest."""

    days_after: int
    verdict: str
    logged: bool
    department: str
    cohort: str
    cohort_day1: dt.date | None
    follow_ups: int


def _groups(
    rows: Iterable[_Row], days: tuple[int, ...], group: Callable[[_Row], tuple[Any, ...]]
) -> list[list[SustainmentFigures]]:
    """The rows counted by `group` (a sort key whose last item is the label), in its order;
    each group's figures in the order of `days`."""
    figures: dict[tuple[Any, ...], dict[int, SustainmentFigures]] = defaultdict(dict)
    for row in rows:
        key = group(row)
        by_day = figures[key]
        if row.days_after not in by_day:
            by_day[row.days_after] = SustainmentFigures(key[-1], row.days_after)
        by_day[row.days_after].count(
            verdict=row.verdict, logged=row.logged, follow_ups=row.follow_ups
        )
    return [[figures[k][d] for d in days if d in figures[k]] for k in sorted(figures)]


def _by_department(row: _Row) -> tuple[str, str]:
    return row.department.lower(), row.department


def _by_cohort(row: _Row) -> tuple[bool, int, str]:
    """The most recent Day 1 first (cohorts of the same name apart), no cohort last."""
    day1 = row.cohort_day1
    return day1 is None, -day1.toordinal() if day1 else 0, row.cohort


NO_COHORT = gettext_noop("No cohort")


def sustainment_report(
    *, user: User, filters: ReportFilters, today: dt.date | None = None
) -> SustainmentReport:
    """Of the reviewed projects in the report (its filters, the user's visible projects): their
    90- and 180-day follow-ups that have fallen due, counted overall, by the applicant's
    department and by the cohort of their seat. One query, which counts the follow-ups alike
    (same day, verdict, department, cohort, logged or not) together: a row a group, however
    many projects."""
    today = today or timezone.localdate()
    days = reported_days()
    rows = [
        _Row(days_after, verdict, logged, department, cohort or gettext(NO_COHORT), day1, count)
        for days_after, verdict, logged, department, cohort, day1, count in (
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
                    condition=Q(
                        project__application__enrollments__status=Enrollment.Status.ENROLLED
                    ),
                )
            )
            .order_by()
            .values(
                "days_after",
                "verdict",
                "project__department__name",
                "seat__cohort__name",
                "seat__cohort__day1",
                logged=ExpressionWrapper(Q(value__isnull=False), output_field=BooleanField()),
            )
            .annotate(follow_ups=Count("pk"))
            .values_list(
                "days_after",
                "verdict",
                "logged",
                "project__department__name",
                "seat__cohort__name",
                "seat__cohort__day1",
                "follow_ups",
            )
        )
    ]
    total = {d: SustainmentFigures("", d) for d in days}
    for row in rows:
        total[row.days_after].count(
            verdict=row.verdict, logged=row.logged, follow_ups=row.follow_ups
        )
    return SustainmentReport(
        days=days,
        total=list(total.values()),
        by_department=[f for group in _groups(rows, days, _by_department) for f in group],
        cohorts=_groups(rows, days, _by_cohort),
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
