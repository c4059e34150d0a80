"""Reads for the program report's leader engagement: per department, in all, and per trainee.

Counted by the database from the projects' stored leader figures (touchpoints since the
trainee's Day 1, the latest one, the sponsor's agreement), stored by the coaching stage's
touchpoint service, and the leaders' cadences (touchpoints made and due since Day 1 or the
cadence's start, summed in SQL by `coaching.selectors.project_adherence`). Two queries
whatever the city's size: the departments with the total, and the page of trainees shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from django.db.models import Aggregate, CharField, Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import LeaderCadence
from coaching.selectors import cadence_sums, project_adherence
from leanleaders.models import User
from projects.models import Project
from projects.policies import visible_projects
from reporting.selectors.program import ReportFilters, report_applications

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise


def _adherence(made: int, due: int) -> int | None:
    """Touchpoints made ÷ due as a whole percent capped at 100; None when none is due."""
    return min(100, round(100 * made / due)) if due else None


def _days_from(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (today - day).days


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
        return _days_from(self.last_touchpoint_on, self.today)

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


class _LowerMedian(Aggregate):
    """The lower of the two middle values of the group (the middle one for an odd count),
    NULLs left out: one of the values, never a mean. PostgreSQL's `percentile_disc`; SQLite's
    `median_low` from reporting/sqlite.py."""

    function = "median_low"
    name = "LowerMedian"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "percentile_disc(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


# The columns of the rows that count a `GroupEngagement`, in their order (and the median's
# date last). Each query of the union below fills them all, with zeros for what it does not
# count: the projects' counts, then the cadences'.
_PROJECT_COUNTS = ("trainees", "touchpoints", "touched", "goal_agreed")
_COUNTS = (*_PROJECT_COUNTS, "made", "due")
_NO_DATE = Value(None, output_field=DateField())


def _project_figures() -> dict[str, Any]:
    """A group of projects' columns, with zeros for the cadences'."""
    return {
        "trainees": Count("pk"),
        "touchpoints": Coalesce(Sum("leader_touchpoints"), 0),
        "touched": Count("pk", filter=Q(leader_touchpoints__gt=0)),
        "goal_agreed": Count("pk", filter=Q(sponsor_agreed_goal_at__isnull=False)),
        "made": Value(0),
        "due": Value(0),
        # A department's median days since the last touchpoint is the upper middle of its
        # trainees' days when there is an even number of them: the days count back from the
        # dates, so that is the lower middle of the dates, which the database picks exactly.
        "median_last": _LowerMedian("last_leader_touchpoint_on"),
    }


def _cadence_figures(today: dt.date) -> dict[str, Any]:
    """A group of cadences' columns: touchpoints made and due, zeros for the rest."""
    made, due = cadence_sums(today=today)
    return {
        **dict.fromkeys(_PROJECT_COUNTS, Value(0)),
        "made": made,
        "due": due,
        "median_last": _NO_DATE,
    }


def _group(label: str | StrOrPromise, row: Mapping[str, Any], today: dt.date) -> GroupEngagement:
    return GroupEngagement(
        label=label,
        trainees=row["trainees"],
        touchpoints=row["touchpoints"],
        touched=row["touched"],
        median_days_since=_days_from(row["median_last"], today),
        made=row["made"],
        due=row["due"],
        goal_agreed=row["goal_agreed"],
    )


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


def _no_figures() -> dict[str, Any]:
    return {**dict.fromkeys(_COUNTS, 0), "median_last": None}


def _groups(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The union's rows added up by label: the total's (label None) and each department's."""
    total, departments = _no_figures(), dict[str, dict[str, Any]]()
    for row in rows:
        label = row["label"]
        group = total if label is None else departments.setdefault(label, _no_figures())
        for name in _COUNTS:
            group[name] += row[name]
        if row["median_last"] is not None:
            group["median_last"] = row["median_last"]
    return total, departments


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
    department, everyone = F("department__name"), Value(None, output_field=CharField())
    # Three queries in one: the projects by department; all of them (a constant label groups
    # nothing, so that is one row even without a project), for the median; and the cadences
    # by their project's department, apart because a trainee may have several leaders'
    # cadences, and joined to the projects they would count the trainee once for each.
    by_department = counted.values(label=department).annotate(**_project_figures())
    total = counted.values(label=everyone).annotate(**_project_figures())
    cadences = (
        LeaderCadence.objects.filter(project__in=counted)
        .order_by()
        .values(label=F("project__department__name"))
        .annotate(**_cadence_figures(today))
    )
    # No row at all when the user may see no project (none() is not even sent).
    all_of_them, departments = _groups(by_department.union(total, cadences, all=True))
    all_of_them["made"] = sum(group["made"] for group in departments.values())
    all_of_them["due"] = sum(group["due"] for group in departments.values())
    return Engagement(
        trainees=TraineeRows(counted, count=all_of_them["trainees"], today=today),
        # By name as Python sorts them, whatever the database's collation.
        by_department=[_group(name, departments[name], today) for name in sorted(departments)],
        total=_group(_("All departments"), all_of_them, today),
    )
