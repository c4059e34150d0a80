"""Reads for the program report's leader engagement: per trainee and per department.

Two queries whatever the city's size: the projects' stored leader figures (touchpoints since
the trainee's Day 1, the latest one, the sponsor's agreement), stored by the coaching stage's
touchpoint service, and the leaders' cadences (touchpoints made and due since Day 1 or the
cadence's start), read through `coaching.selectors.cadence_adherence`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.selectors import cadence_adherence
from leanleaders.models import User
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


@dataclass(frozen=True)
class Engagement:
    trainees: list[TraineeEngagement]
    by_department: list[GroupEngagement]
    total: GroupEngagement


def _median_days(rows: Sequence[TraineeEngagement]) -> int | None:
    days = sorted(r.days_since for r in rows if r.days_since is not None)
    return days[len(days) // 2] if days else None


def _group(label: str | StrOrPromise, rows: Sequence[TraineeEngagement]) -> GroupEngagement:
    return GroupEngagement(
        label=label,
        trainees=len(rows),
        touchpoints=sum(r.touchpoints for r in rows),
        touched=sum(1 for r in rows if r.touchpoints),
        median_days_since=_median_days(rows),
        made=sum(r.made for r in rows),
        due=sum(r.due for r in rows),
        goal_agreed=sum(1 for r in rows if r.goal_agreed),
    )


def program_engagement(*, user: User, filters: ReportFilters) -> Engagement:
    """Leader engagement over the projects (that the user may see) of the applications the
    report counts, by trainee name, in two queries."""
    today = timezone.localdate()
    counted = visible_projects(user).filter(
        application_id__in=report_applications(filters).values("pk")
    )
    projects = list(
        counted.order_by("trainee__full_name", "pk").values_list(
            "pk",
            "title",
            "trainee__full_name",
            "department__name",
            "leader_touchpoints",
            "last_leader_touchpoint_on",
            "sponsor_agreed_goal_at",
        )
    )
    adherence = cadence_adherence(counted.values("pk"), today=today) if projects else {}
    trainees = [
        TraineeEngagement(
            trainee_name=name,
            department_name=department,
            project_pk=pk,
            project_title=title,
            touchpoints=touchpoints,
            last_touchpoint_on=last,
            made=adherence.get(pk, (0, 0))[0],
            due=adherence.get(pk, (0, 0))[1],
            goal_agreed=agreed is not None,
            today=today,
        )
        for pk, title, name, department, touchpoints, last, agreed in projects
    ]
    departments: dict[str, list[TraineeEngagement]] = defaultdict(list)
    for row in trainees:
        departments[row.department_name].append(row)
    return Engagement(
        trainees=trainees,
        by_department=[_group(name, departments[name]) for name in sorted(departments)],
        total=_group(_("All departments"), trainees),
    )
