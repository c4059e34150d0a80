"""Reads for the program report's leader engagement: per department, in all, and per trainee.

Counted by the database from the projects' stored leader figures (touchpoints since the
trainee's Day 1, the latest one, the sponsor's agreement), stored by the coaching stage's
touchpoint service, and the leaders' cadences (touchpoints made and due since Day 1 or the
cadence's start, summed by `coaching.selectors.cadence_totals`). Two queries whatever the
city's size: the departments with the total, and the page of trainees shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.selectors import cadence_totals, project_adherence
from leanleaders.models import User
from leanleaders.querysets import sql_of
from projects.models import Project
from projects.policies import visible_projects
from reporting.selectors.program import ReportFilters, report_applications

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise


def _adherence(made: int, due: int) -> int | None:
    """Touchpoints made ÷ due as a whole percent capped at 100; None when none is due."""
    return min(100, round(100 * made / due)) if due else None


@dataclass(frozen=True)
class TraineeEngagement:
    trainee_name: str
    department_name: str
    project_pk: int
    project_title: str
    touchpoints: int
    last_touchpoint_on: dt.date | None
    made: int
    due: int
    goal_agreed: bool
    today: dt.date

    @property
    def days_since(self) -> int | None:
        last = self.last_touchpoint_on
        return None if last is None else (self.today - last).days

    @property
    def adherence_percent(self) -> int | None:
        return _adherence(self.made, self.due)


@dataclass(frozen=True)
class GroupEngagement:
    """A department's (or the whole report's) trainees with a project, together."""

    label: str | StrOrPromise
    trainees: int
    touchpoints: int
    # Trainees with at least one touchpoint since Day 1.
    touched: int
    median_days_since: int | None
    made: int
    due: int
    goal_agreed: int

    @property
    def adherence_percent(self) -> int | None:
        return _adherence(self.made, self.due)


# The departments' figures and the total's, counted by the database in one statement whatever
# the city's size, from two ORM querysets compiled to SQL (so the filters and the visible
# projects are the ORM's): the counted projects, and the cadences summed by project. Joined one
# row a project, so that a trainee with several leaders' cadences is counted once, and read
# once for both the departments and the total. The median is the database's own (SQLite gets
# one in reporting/sqlite.py): the days since the last touchpoint count back from its date, so
# the upper of the two middle days, which the report has always shown for an even count, is
# the lower of the two middle dates, which both databases pick exactly. %s: today.
_MEDIAN_DAYS = {
    "postgresql": "CAST(%s AS DATE) - percentile_disc(0.5) WITHIN GROUP (ORDER BY last_on)",
    "sqlite": "CAST(julianday(%s) - julianday(median_low(last_on)) AS INTEGER)",
}

_GROUPS_SQL = """
WITH projects (id, department, touchpoints, last_on, agreed_at) AS ({projects}),
cadences (project_id, made, due) AS ({cadences}),
counted AS (
    SELECT projects.*, COALESCE(cadences.made, 0) AS made, COALESCE(cadences.due, 0) AS due
    FROM projects LEFT JOIN cadences ON cadences.project_id = projects.id
)
{groups}
"""
# Each department's row and the total's (its department NULL). PostgreSQL counts both in one
# pass over the projects with grouping sets; SQLite has none, so it counts them twice.
_GROUPINGS = {
    "postgresql": """SELECT department, {figures}
FROM counted GROUP BY GROUPING SETS ((department), ())""",
    "sqlite": """SELECT department, {figures} FROM counted GROUP BY department
UNION ALL
SELECT NULL, {figures} FROM counted""",
}

# The columns of `GroupEngagement` after its label, in its order. Sums are cast back to
# integers: PostgreSQL sums big integers as numeric, which Python reads as decimals.
_FIGURES_SQL = """COUNT(*), CAST(COALESCE(SUM(touchpoints), 0) AS INTEGER),
    COUNT(CASE WHEN touchpoints > 0 THEN 1 END), {median_days},
    CAST(COALESCE(SUM(made), 0) AS INTEGER), CAST(COALESCE(SUM(due), 0) AS INTEGER),
    COUNT(agreed_at)"""


def _groups_sql(projects: QuerySet[Project], today: dt.date) -> tuple[str, tuple[Any, ...]]:
    projects_sql, projects_params = sql_of(
        projects.values_list(
            "pk",
            "department__name",
            "leader_touchpoints",
            "last_leader_touchpoint_on",
            "sponsor_agreed_goal_at",
        )
    )
    cadences_sql, cadences_params = sql_of(
        cadence_totals(today=today).values_list("project_id", "made", "due")
    )
    figures = _FIGURES_SQL.format(median_days=_MEDIAN_DAYS[connection.vendor])
    groups = _GROUPINGS[connection.vendor]
    sql = _GROUPS_SQL.format(
        projects=projects_sql, cadences=cadences_sql, groups=groups.format(figures=figures)
    )
    return sql, projects_params + cadences_params + (today.isoformat(),) * groups.count("{figures}")


class TraineeRows(Sequence[TraineeEngagement]):
    """The trainees' rows by name (then project), read from the database a slice at a time,
    each slice in one query with its cadences: the report shows a page of a city's thousands.
    Its length is the total's count, so a Paginator over it counts nothing again."""

    def __init__(self, projects: QuerySet[Project], *, count: int, today: dt.date) -> None:
        made, due = project_adherence(today=today)
        self._rows = (
            projects.order_by("trainee__full_name", "pk")
            .annotate(cadence_made=made, cadence_due=due)
            .values_list(
                "pk",
                "title",
                "trainee__full_name",
                "department__name",
                "leader_touchpoints",
                "last_leader_touchpoint_on",
                "sponsor_agreed_goal_at",
                "cadence_made",
                "cadence_due",
            )
        )
        self._count = count
        self._today = today

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> TraineeEngagement: ...

    @overload
    def __getitem__(self, index: slice) -> list[TraineeEngagement]: ...

    def __getitem__(self, index: int | slice) -> TraineeEngagement | list[TraineeEngagement]:
        if isinstance(index, slice):
            return [self._trainee(row) for row in self._rows[index]]
        return self._trainee(self._rows[index])

    def __iter__(self) -> Iterator[TraineeEngagement]:
        return iter(self[:])  # every row in one query, not one query a row

    def _trainee(self, row: tuple[Any, ...]) -> TraineeEngagement:
        pk, title, name, department, touchpoints, last, agreed, made, due = row
        return TraineeEngagement(
            trainee_name=name,
            department_name=department,
            project_pk=pk,
            project_title=title,
            touchpoints=touchpoints,
            last_touchpoint_on=last,
            made=made,
            due=due,
            goal_agreed=agreed is not None,
            today=self._today,
        )


@dataclass(frozen=True)
class Engagement:
    trainees: TraineeRows
    by_department: list[GroupEngagement]
    total: GroupEngagement


def program_engagement(*, user: User, filters: ReportFilters) -> Engagement:
    """Leader engagement over the projects (that the user may see) of the applications the
    report counts: by department and in all, counted by the database in one query, and the
    trainees by name, a slice at a time (see `TraineeRows`)."""
    today = timezone.localdate()
    counted = (
        visible_projects(user)
        .filter(application_id__in=report_applications(filters).values("pk"))
        .order_by()
    )
    total_label = _("All departments")
    if counted.query.is_empty():  # a reader who may see no project: nothing to ask
        return Engagement(
            trainees=TraineeRows(counted, count=0, today=today),
            by_department=[],
            total=GroupEngagement(total_label, 0, 0, 0, None, 0, 0, 0),
        )
    with connection.cursor() as cursor:
        cursor.execute(*_groups_sql(counted, today))
        rows = cursor.fetchall()
    total = next(GroupEngagement(total_label, *row[1:]) for row in rows if row[0] is None)
    return Engagement(
        trainees=TraineeRows(counted, count=total.trainees, today=today),
        # By name as Python sorts them, whatever the database's collation.
        by_department=sorted(
            (GroupEngagement(row[0], *row[1:]) for row in rows if row[0] is not None),
            key=lambda group: str(group.label),
        ),
        total=total,
    )
