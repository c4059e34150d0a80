"""Reads for the program report: the figures for leadership, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from leanleaders.models import AuditEvent, Department, User
from projects.models import Project
from projects.policies import visible_projects
from projects.results import Verdict
from projects.selectors import Outcome
from reporting import completion

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
class ProjectOutcome:
    """What the report needs of a project: reviewed or not, and its primary measure's outcome."""

    reviewed: bool
    outcome: Outcome

    @property
    def verdict(self) -> str:
        return self.outcome.verdict


class ReportCohort(NamedTuple):
    """What the report needs of a cohort."""

    pk: int
    name: str
    day1: dt.date
    finished: bool  # its Day 3 has come, or it is marked completed (never when cancelled)


def _cohort_finished(status: str, day3: dt.date, today: dt.date) -> bool:
    if status == Cohort.Status.CANCELLED:
        return False
    return status == Cohort.Status.COMPLETED or day3 <= today


def _median(values: Sequence[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(sorted(values))) if values else None


def _rate(part: int, whole: int) -> Decimal | None:
    return Decimal(part) * 100 / Decimal(whole) if whole else None


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


class _Counted(NamedTuple):
    """What one application adds to each group it is in (all, its department, its cohort):
    worked out once, not once per group."""

    accepted: bool
    completed: bool
    finished: bool  # accepted, and its cohort has finished (whoever completed has, by definition)
    verdict: str | None  # None: no project
    improvement: Decimal | None  # the percent of an improved project that has one
    marked: int
    attended: int
    days_to_accept: Decimal | None  # from submitting to the first acceptance


def _counted(
    *,
    submitted_at: dt.datetime | None,
    accepted_at: dt.datetime | None,
    cohort: ReportCohort | None,
    marks: dict[int, str],
    outcome: ProjectOutcome | None,
) -> _Counted:
    reviewed = outcome is not None and outcome.reviewed
    completed = cohort is not None and completion.is_lean_leader(marks, reviewed)
    accepted = accepted_at is not None
    wait = None
    if accepted_at is not None and submitted_at is not None:
        seconds = Decimal((accepted_at - submitted_at).total_seconds())
        wait = max(seconds, Decimal(0)) / Decimal(86400)
    verdict = outcome.verdict if outcome is not None else None
    return _Counted(
        accepted=accepted,
        completed=completed,
        finished=accepted and (completed or (cohort is not None and cohort.finished)),
        verdict=verdict,
        improvement=outcome.outcome.gain_percent
        if outcome is not None and verdict == Verdict.IMPROVED
        else None,
        marked=len(marks),
        attended=sum(completion.attended(mark) for mark in marks.values()),
        days_to_accept=wait,
    )


def figures(label: str, group: Sequence[_Counted]) -> Figures:
    finished = [c for c in group if c.finished]
    verdicts = [c.verdict for c in group if c.verdict is not None]
    marked = sum(c.marked for c in group)
    attended = sum(c.attended for c in group)
    return Figures(
        label=label,
        applied=len(group),
        accepted=sum(c.accepted for c in group),
        completed=sum(c.completed for c in group),
        finished=len(finished),
        completion_rate=_rate(sum(c.completed for c in finished), len(finished)),
        projects=len(verdicts),
        measured=sum(v != Verdict.NOT_ENOUGH_DATA for v in verdicts),
        improved=verdicts.count(Verdict.IMPROVED),
        no_change=verdicts.count(Verdict.NO_CHANGE),
        worse=verdicts.count(Verdict.WORSE),
        no_data=verdicts.count(Verdict.NOT_ENOUGH_DATA),
        median_improvement=_median([c.improvement for c in group if c.improvement is not None]),
        sessions_marked=marked,
        sessions_attended=attended,
        attendance_rate=_rate(attended, marked),
        median_days_to_accept=_median(
            [c.days_to_accept for c in group if c.days_to_accept is not None]
        ),
    )


@dataclass
class ProgramReport:
    filters: ReportFilters
    total: Figures
    by_department: list[Figures]
    by_cohort: list[Figures]
    computed_at: dt.datetime


NOT_PLACED = "Not placed in a cohort"


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


def program_report(*, user: User, filters: ReportFilters) -> ProgramReport:
    """The program's figures for analysts, over the projects the user may see."""
    return program_figures(projects=visible_projects(user), filters=filters)


def program_figures(*, projects: QuerySet[Project], filters: ReportFilters) -> ProgramReport:
    """The program's figures over the given projects, computed on every request in six queries
    whatever the city's size. Thousands of applications, seats and attendance marks are read as
    plain values, not model instances: building the instances was most of the report's time.
    Projects' outcomes are their stored verdicts and gains."""
    computed_at = timezone.now()
    today = timezone.localdate()
    # No ORDER BY on these reads: the groups are sorted once they are counted.
    applications = list(
        report_applications(filters)
        .order_by()
        .values_list("pk", "status", "status_changed_at", "submitted_at", "department__name")
    )
    if not applications:
        return _report(filters, [], computed_at)
    chosen = report_applications(filters).values("pk")
    # Accepted = reached "accepted" at any time (the audit log), or accepted now. The first
    # acceptance is when the clock stops for "days to accept".
    accepted_at: dict[int, dt.datetime] = dict(
        AuditEvent.objects.filter(
            target_type__app_label="applications",
            target_type__model="application",
            target_id__in=chosen,
            to_status=Application.Status.ACCEPTED,
        )
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values_list("target_id", "first")
    )
    # Each current seat with its cohort and each of its (at most three) attendance marks joined
    # in: one row per mark, or one row with no mark.
    cohorts: dict[int, ReportCohort] = {}
    cohort_of: dict[int, ReportCohort] = {}
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for application_id, cohort_id, name, day1, day3, cohort_status, day, mark in (
        Enrollment.objects.filter(application_id__in=chosen, status=Enrollment.Status.ENROLLED)
        .order_by()
        .values_list(
            "application_id",
            "cohort_id",
            "cohort__name",
            "cohort__day1",
            "cohort__day3",
            "cohort__status",
            "attendance__day",
            "attendance__mark",
        )
    ):
        cohort = cohorts.get(cohort_id)
        if cohort is None:
            finished = _cohort_finished(cohort_status, day3, today)
            cohort = cohorts[cohort_id] = ReportCohort(cohort_id, name, day1, finished)
        cohort_of[application_id] = cohort
        if day is not None:
            marks[application_id][day] = mark
    # Each project's stored outcome, with whether it is reviewed, in one read.
    outcomes = {
        application_id: ProjectOutcome(
            reviewed=status == Project.Status.REVIEWED, outcome=Outcome(verdict, gain)
        )
        for application_id, status, verdict, gain in projects.filter(application_id__in=chosen)
        .order_by()
        .values_list("application_id", "status", "verdict", "gain_percent")
    }
    rows = []
    for pk, status, status_changed_at, submitted_at, department in applications:
        accepted = accepted_at.get(pk)
        if accepted is None and status == Application.Status.ACCEPTED:
            accepted = status_changed_at
        cohort = cohort_of.get(pk)
        counted = _counted(
            submitted_at=submitted_at,
            accepted_at=accepted,
            cohort=cohort,
            marks=marks.get(pk, {}),
            outcome=outcomes.get(pk),
        )
        rows.append((department, cohort, counted))
    return _report(filters, rows, computed_at)


def _report(
    filters: ReportFilters,
    rows: list[tuple[str, ReportCohort | None, _Counted]],
    computed_at: dt.datetime,
) -> ProgramReport:
    by_department: dict[str, list[_Counted]] = defaultdict(list)
    by_cohort: dict[ReportCohort | None, list[_Counted]] = defaultdict(list)
    for department, cohort, counted in rows:
        by_department[department].append(counted)
        by_cohort[cohort].append(counted)
    cohorts = sorted((c for c in by_cohort if c is not None), key=lambda c: (c.day1, c.pk))
    cohort_figures = [figures(c.name, by_cohort[c]) for c in cohorts]
    if None in by_cohort:
        cohort_figures.append(figures(NOT_PLACED, by_cohort[None]))
    return ProgramReport(
        filters=filters,
        total=figures("All", [counted for _, _, counted in rows]),
        by_department=[figures(name, by_department[name]) for name in sorted(by_department)],
        by_cohort=cohort_figures,
        computed_at=computed_at,
    )


def report_department_choices() -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))
