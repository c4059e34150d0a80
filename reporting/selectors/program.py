"""Reads for the program report: the figures for leadership, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min, QuerySet
from django.utils import timezone

from applications.models import Application
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.models import AuditEvent, Department, User
from projects.models import Project
from projects.policies import visible_projects
from projects.results import Verdict
from projects.selectors import NO_OUTCOME, Outcome, project_outcomes
from reporting import completion


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cohort_ids: tuple[int, ...] = ()
    department_id: int | None = None


@dataclass(frozen=True)
class ProjectOutcome:
    """What the report needs of a project: reviewed or not, and its primary measure's outcome."""

    reviewed: bool
    outcome: Outcome

    @property
    def verdict(self) -> str:
        return self.outcome.verdict


@dataclass
class ApplicationRecord:
    """One application in the report, with what became of it."""

    application_id: int
    department: str
    submitted_at: dt.datetime | None
    accepted_at: dt.datetime | None
    cohort: Cohort | None
    marks: dict[int, str]
    outcome: ProjectOutcome | None
    today: dt.date

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def cohort_finished(self) -> bool:
        cohort = self.cohort
        if cohort is None or cohort.status == Cohort.Status.CANCELLED:
            return False
        return cohort.status == Cohort.Status.COMPLETED or cohort.day3 <= self.today

    @property
    def reviewed(self) -> bool:
        return bool(self.outcome and self.outcome.reviewed)

    @property
    def completed(self) -> bool:
        return self.cohort is not None and completion.is_lean_leader(self.marks, self.reviewed)

    @property
    def verdict(self) -> str | None:
        return self.outcome.verdict if self.outcome else None

    @property
    def gain_percent(self) -> Decimal | None:
        return self.outcome.outcome.gain_percent if self.outcome else None

    @property
    def days_to_accept(self) -> Decimal | None:
        if self.accepted_at is None or self.submitted_at is None:
            return None
        seconds = Decimal((self.accepted_at - self.submitted_at).total_seconds())
        return max(seconds, Decimal(0)) / Decimal(86400)


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


def figures(label: str, records: Sequence[ApplicationRecord]) -> Figures:
    accepted = [r for r in records if r.accepted]
    completed = [r for r in records if r.completed]
    # Whoever completed has, by definition, a finished cohort; counted once either way.
    finished = [r for r in accepted if r.cohort_finished or r.completed]
    verdicts = [r.verdict for r in records if r.outcome is not None]
    improvements = [
        r.gain_percent
        for r in records
        if r.verdict == Verdict.IMPROVED and r.gain_percent is not None
    ]
    marks = [m for r in records for m in r.marks.values()]
    attended = sum(completion.attended(m) for m in marks)
    waits = [r.days_to_accept for r in accepted if r.days_to_accept is not None]
    return Figures(
        label=label,
        applied=len(records),
        accepted=len(accepted),
        completed=len(completed),
        finished=len(finished),
        completion_rate=_rate(len([r for r in finished if r.completed]), len(finished)),
        projects=len(verdicts),
        measured=sum(v != Verdict.NOT_ENOUGH_DATA for v in verdicts),
        improved=verdicts.count(Verdict.IMPROVED),
        no_change=verdicts.count(Verdict.NO_CHANGE),
        worse=verdicts.count(Verdict.WORSE),
        no_data=verdicts.count(Verdict.NOT_ENOUGH_DATA),
        median_improvement=_median(improvements),  # type: ignore[arg-type]
        sessions_marked=len(marks),
        sessions_attended=attended,
        attendance_rate=_rate(attended, len(marks)),
        median_days_to_accept=_median(waits),  # type: ignore[arg-type]
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
    cohorts (their current seat) and department."""
    applications = Application.objects.filter(submitted_at__isnull=False)
    if filters.date_from:
        applications = applications.filter(created_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        end = _start_of(filters.date_to + dt.timedelta(days=1))
        applications = applications.filter(created_at__lt=end)
    if filters.department_id:
        applications = applications.filter(department_id=filters.department_id)
    if filters.cohort_ids:
        applications = applications.filter(
            pk__in=Enrollment.objects.filter(
                cohort_id__in=filters.cohort_ids, status=Enrollment.Status.ENROLLED
            ).values("application_id")
        )
    return applications


def program_report(*, user: User, filters: ReportFilters) -> ProgramReport:
    """The figures in a fixed number of queries. Thousands of applications, enrollments and
    attendance marks are read as plain values, not model instances: building the instances
    was most of the report's time. Projects' outcomes are their stored verdicts and gains."""
    computed_at = timezone.now()
    today = timezone.localdate()
    applications = list(
        report_applications(filters).values_list(
            "pk", "status", "status_changed_at", "submitted_at", "department__name"
        )
    )
    ids = [row[0] for row in applications]
    # Accepted = reached "accepted" at any time (the audit log), or accepted now. The first
    # acceptance is when the clock stops for "days to accept".
    accepted_at: dict[int, dt.datetime] = dict(
        AuditEvent.objects.filter(
            target_type__app_label="applications",
            target_type__model="application",
            target_id__in=report_applications(filters).values("pk"),
            to_status=Application.Status.ACCEPTED,
        )
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values_list("target_id", "first")
        if ids
        else []
    )
    seats = Enrollment.objects.filter(
        application_id__in=report_applications(filters).values("pk"),
        status=Enrollment.Status.ENROLLED,
    )
    cohort_of: dict[int, int] = (
        dict(seats.values_list("application_id", "cohort_id")) if ids else {}
    )
    cohorts = Cohort.objects.in_bulk(set(cohort_of.values())) if ids else {}
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for application_id, day, mark in (
        Attendance.objects.filter(enrollment__in=seats).values_list(
            "enrollment__application_id", "day", "mark"
        )
        if ids
        else []
    ):
        marks[application_id][day] = mark
    projects = visible_projects(user).filter(
        application_id__in=report_applications(filters).values("pk")
    )
    by_project = project_outcomes(projects=projects) if ids else {}
    outcomes = {
        application_id: ProjectOutcome(
            reviewed=status == Project.Status.REVIEWED, outcome=by_project.get(pk, NO_OUTCOME)
        )
        for pk, application_id, status in (
            projects.values_list("pk", "application_id", "status") if ids else []
        )
    }
    records = []
    for pk, status, status_changed_at, submitted_at, department in applications:
        accepted = accepted_at.get(pk)
        if accepted is None and status == Application.Status.ACCEPTED:
            accepted = status_changed_at
        cohort_id = cohort_of.get(pk)
        records.append(
            ApplicationRecord(
                application_id=pk,
                department=department,
                submitted_at=submitted_at,
                accepted_at=accepted,
                cohort=cohorts[cohort_id] if cohort_id else None,
                marks=marks.get(pk, {}),
                outcome=outcomes.get(pk),
                today=today,
            )
        )
    by_department: dict[str, list[ApplicationRecord]] = defaultdict(list)
    by_cohort: dict[Cohort | None, list[ApplicationRecord]] = defaultdict(list)
    for record in records:
        by_department[record.department].append(record)
        by_cohort[record.cohort].append(record)
    cohorts = sorted((c for c in by_cohort if c is not None), key=lambda c: (c.day1, c.pk))
    cohort_figures = [figures(c.name, by_cohort[c]) for c in cohorts]
    if None in by_cohort:
        cohort_figures.append(figures(NOT_PLACED, by_cohort[None]))
    return ProgramReport(
        filters=filters,
        total=figures("All", records),
        by_department=[figures(name, by_department[name]) for name in sorted(by_department)],
        by_cohort=cohort_figures,
        computed_at=computed_at,
    )


def report_department_choices() -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))
