"""Reads for the cohort board, the program report, the exports and certificates.

Everything is loaded in a fixed number of bulk queries (enrollments, projects, measures, data
points, measurements, progress, coaching) and joined in Python, so the query count does not grow
with the number of trainees. Results come from `projects.results.compute`, the same computation
as the project pages.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from applications.models import Application, MeasureDirection
from coaching.models import Conversation, NextStep
from coaching.selectors import open_step_counts
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.http import id_param
from leanleaders.models import AuditEvent, Department, User
from leanleaders.reporting import completion, policies
from projects import results
from projects.models import BaselinePoint, LeanTool, Measure, Measurement, ProgressEntry, Project
from projects.policies import visible_projects
from projects.results import Verdict
from projects.selectors import NO_OUTCOME, Outcome, project_outcomes

TOOL_LABELS = dict(LeanTool.choices)
SPARKLINE_POINTS = 12


# ---------------------------------------------------------------------------------------------
# The cohort review board
#
# The board and its exports read six small queries whatever the cohort's size (two more when the
# measures' series are not cached), as plain values into the light records below: building model
# instances, and reading every measurement of every project, was most of the board's time.


class BoardTrainee(NamedTuple):
    full_name: str
    email: str
    job_title: str

    def get_short_name(self) -> str:
        """As `User.get_short_name`: the first name, else the email."""
        return self.full_name.split(" ")[0] if self.full_name else self.email


class BoardDepartment(NamedTuple):
    pk: int
    name: str
    code: str


class BoardProject(NamedTuple):
    pk: int
    title: str
    status: str
    review_comment: str
    reviewed_by_name: str

    @property
    def is_reviewed(self) -> bool:
        return self.status == Project.Status.REVIEWED


class BoardMeasure(NamedTuple):
    """The project's primary measure, with its result and its latest values (the run chart)."""

    name: str
    unit: str
    direction: str
    result: results.Result
    latest: list[Decimal]  # at most SPARKLINE_POINTS, oldest first
    last_measured: dt.date | None

    @property
    def direction_label(self) -> str:
        return MeasureDirection(self.direction).label


@dataclass
class BoardRow:
    enrollment_id: int
    trainee: BoardTrainee
    department: BoardDepartment
    marks: dict[int, str]
    today: dt.date
    project: BoardProject | None = None
    measure: BoardMeasure | None = None
    tools: dict[str, int] = field(default_factory=dict)
    coaching_count: int = 0
    last_coached: dt.date | None = None
    open_steps: int = 0
    overdue_steps: int = 0
    last_progress: dt.date | None = None
    private_note: str = ""

    @property
    def result(self) -> results.Result | None:
        return self.measure.result if self.measure else None

    @property
    def verdict(self) -> str:
        return self.measure.result.verdict if self.measure else Verdict.NOT_ENOUGH_DATA

    @property
    def gain_percent(self) -> Decimal | None:
        return self.measure.result.gain_percent if self.measure else None

    @property
    def sparkline(self) -> list[Decimal]:
        return self.measure.latest if self.measure else []

    @property
    def last_measured(self) -> dt.date | None:
        return self.measure.last_measured if self.measure else None

    @property
    def last_activity(self) -> dt.date | None:
        dates = [d for d in (self.last_progress, self.last_measured, self.last_coached) if d]
        return max(dates) if dates else None

    @property
    def is_reviewed(self) -> bool:
        return self.project is not None and self.project.is_reviewed

    @property
    def attendance(self) -> list[tuple[int, str | None]]:
        return [(day, self.marks.get(day)) for day in completion.DAYS]

    @property
    def days_attended(self) -> int:
        return completion.days_attended(self.marks)

    @property
    def is_lean_leader(self) -> bool:
        return completion.is_lean_leader(self.marks, self.is_reviewed)

    @property
    def tool_labels(self) -> list[str]:
        return [TOOL_LABELS[code] for code in LeanTool.values if code in self.tools]

    @property
    def not_coached(self) -> bool:
        days = settings.LEANLEADERS_NOT_COACHED_DAYS
        return self.last_coached is None or (self.today - self.last_coached).days > days

    @cached_property
    def attention(self) -> list[str]:
        """Why this row needs an analyst's attention, in words; empty when it does not.
        (Computed once: the counts, the filter and the row all ask.)"""
        if self.is_reviewed:
            return []
        reasons = []
        if self.project is None:
            reasons.append("No project yet")
        elif self.verdict == Verdict.WORSE:
            reasons.append("Result is worse")
        elif self.verdict == Verdict.NOT_ENOUGH_DATA:
            reasons.append("Not enough data")
        if self.overdue_steps:
            reasons.append("Overdue next steps")
        if any(mark in Attendance.MISSED for mark in self.marks.values()):
            reasons.append("Missed a day")
        if self.project is not None and self.not_coached:
            reasons.append("Not coached recently")
        return reasons


class _Series(NamedTuple):
    """What a primary measure's data points and measurements come to on the board."""

    result: results.Result
    latest: list[Decimal]  # at most SPARKLINE_POINTS, oldest first
    last_measured: dt.date | None


BOARD_SERIES_CACHE_SECONDS = 600


def _series(measures: dict[int, tuple[str, Decimal | None, dt.datetime]]) -> dict[int, _Series]:
    """{measure id: its series} for {measure id: (direction, baseline value, updated_at)}.

    Cached under everything it depends on: each measure's id, direction and baseline value, and
    its `updated_at`, which moves with every change to the measure, its baseline points or its
    measurements (see `projects.services._touch_measure`), so a cached series is never stale.
    Otherwise two queries: the baseline points, and only the
    latest SPARKLINE_POINTS measurements of each measure with their total (window functions),
    so a long history is never read. The result is `projects.results.compute`, as on the
    project page.
    """
    if not measures:
        return {}
    stamps = repr(
        sorted(
            (pk, direction, str(baseline), updated_at.isoformat())
            for pk, (direction, baseline, updated_at) in measures.items()
        )
    )
    key = "reports:board-series:" + hashlib.sha256(stamps.encode()).hexdigest()
    series = cache.get(key)
    if series is not None:
        return series
    points: dict[int, list[Decimal]] = defaultdict(list)
    for measure_id, value in (
        BaselinePoint.objects.filter(measure_id__in=list(measures))
        .order_by()
        .values_list("measure_id", "value")
    ):
        points[measure_id].append(value)
    latest: dict[int, list[tuple[int, dt.date, Decimal]]] = defaultdict(list)
    totals: dict[int, int] = {}
    for measure_id, rank, date, value, total in (
        Measurement.objects.filter(measure_id__in=list(measures))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("date").desc(), F("pk").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("measure_id")]),
        )
        .filter(rank__lte=SPARKLINE_POINTS)
        .order_by()
        .values_list("measure_id", "rank", "date", "value", "total")
    ):
        latest[measure_id].append((rank, date, value))
        totals[measure_id] = total
    series = {}
    for pk, (direction, baseline, _) in measures.items():
        newest_first = sorted(latest.get(pk, ()))
        values = [value for _, _, value in reversed(newest_first)]
        series[pk] = _Series(
            result=results.compute(
                higher_is_better=direction == MeasureDirection.HIGHER_IS_BETTER,
                baseline_value=baseline,
                baseline_points=points.get(pk, ()),
                measurements=values,
                measurement_count=totals.get(pk, 0),
            ),
            latest=values,
            last_measured=newest_first[0][1] if newest_first else None,
        )
    cache.set(key, series, BOARD_SERIES_CACHE_SECONDS)
    return series


def _primary_measures(project_ids: list[int]) -> dict[int, BoardMeasure]:
    """{project id: its primary measure with the result}."""
    rows = list(
        Measure.objects.filter(project_id__in=project_ids, is_primary=True)
        .order_by()
        .values_list(
            "pk", "project_id", "name", "unit", "direction", "baseline_value", "updated_at"
        )
    )
    series = _series({row[0]: (row[4], row[5], row[6]) for row in rows})
    return {
        project_id: BoardMeasure(name, unit, direction, *series[pk])
        for pk, project_id, name, unit, direction, _, _ in rows
    }


def _board_projects(
    user: User, application_ids: list[int]
) -> dict[int, tuple[BoardProject, BoardMeasure | None]]:
    """{application id: (project, primary measure)} for the visible projects of these
    applications."""
    projects = {
        application_id: BoardProject(pk, title, status, review_comment, reviewed_by or "")
        for application_id, pk, title, status, review_comment, reviewed_by in (
            visible_projects(user)
            .filter(application_id__in=application_ids)
            .order_by()
            .values_list(
                "application_id",
                "pk",
                "title",
                "status",
                "review_comment",
                "reviewed_by__full_name",
            )
        )
    }
    measures = _primary_measures([project.pk for project in projects.values()])
    return {
        application_id: (project, measures.get(project.pk))
        for application_id, project in projects.items()
    }


def _progress(project_ids: list[int]) -> tuple[dict[int, dict[str, int]], dict[int, dt.date]]:
    """How often each project tagged each Lean tool in its progress log, and its latest entry."""
    tools: dict[int, dict[str, int]] = defaultdict(dict)
    latest: dict[int, dt.date] = {}
    for project_id, date, entry_tools in (
        ProgressEntry.objects.filter(project_id__in=project_ids)
        .order_by()
        .values_list("project_id", "date", "tools")
    ):
        counts = tools[project_id]
        for code in entry_tools or []:
            if code in TOOL_LABELS:
                counts[code] = counts.get(code, 0) + 1
        if project_id not in latest or date > latest[project_id]:
            latest[project_id] = date
    return tools, latest


def _coaching(
    project_ids: list[int], *, with_notes: bool
) -> tuple[dict[int, tuple[int, dt.date]], dict[int, str]]:
    """Each project's number of conversations and the latest one's date, and (only when asked:
    other readers never load the notes' table) the latest private note that says something."""
    fields = ["project_id", "date", "pk"]
    if with_notes:
        fields.append("private_note__text")
    coaching: dict[int, tuple[int, dt.date]] = {}
    notes: dict[int, str] = {}
    noted: dict[int, tuple[dt.date, int]] = {}
    for project_id, date, pk, *note in (
        Conversation.objects.filter(project_id__in=project_ids).order_by().values_list(*fields)
    ):
        count, last = coaching.get(project_id, (0, date))
        coaching[project_id] = (count + 1, max(date, last))
        if note and note[0] and (date, pk) > noted.get(project_id, (date.min, 0)):
            noted[project_id] = (date, pk)
            notes[project_id] = note[0]
    return coaching, notes


def board_rows(*, user: User, cohort: Cohort) -> list[BoardRow]:
    """One row per enrolled trainee of the cohort that this reader may see, by name."""
    today = timezone.localdate()
    # With each of the (at most three) attendance marks joined in: one row per mark, or one
    # row with no mark, instead of a second query.
    people: dict[int, tuple[Any, ...]] = {}
    marks: dict[int, dict[int, str]] = defaultdict(dict)
    for pk, *person, day, mark in (
        policies.board_enrollments(user)
        .filter(cohort=cohort)
        .order_by("trainee__full_name", "pk")
        .values_list(
            "pk",
            "application_id",
            "trainee__full_name",
            "trainee__email",
            "trainee__job_title",
            "application__department_id",
            "application__department__name",
            "application__department__code",
            "attendance__day",
            "attendance__mark",
        )
    ):
        people[pk] = tuple(person)
        if day is not None:
            marks[pk][day] = mark
    if not people:
        return []
    projects = _board_projects(user, [person[0] for person in people.values()])
    project_ids = [project.pk for project, _ in projects.values()]

    tools, last_progress = _progress(project_ids)
    coaching, notes = _coaching(project_ids, with_notes=policies.can_see_private_notes(user))
    steps = open_step_counts(project_ids, today=today)

    rows = []
    for enrollment_id, (application_id, name, email, job_title, *department) in people.items():
        row = BoardRow(
            enrollment_id=enrollment_id,
            trainee=BoardTrainee(name, email, job_title),
            department=BoardDepartment(*department),
            marks=marks.get(enrollment_id, {}),
            today=today,
        )
        if application_id in projects:
            row.project, row.measure = projects[application_id]
            pk = row.project.pk
            row.tools = tools.get(pk, {})
            row.last_progress = last_progress.get(pk)
            row.coaching_count, row.last_coached = coaching.get(pk, (0, None))
            row.open_steps, row.overdue_steps = steps.get(pk, (0, 0))
            row.private_note = notes.get(pk, "")
        rows.append(row)
    return rows


VERDICT_ORDER = {
    Verdict.IMPROVED: 0,
    Verdict.NO_CHANGE: 1,
    Verdict.WORSE: 2,
    Verdict.NOT_ENOUGH_DATA: 3,
}
# Each sort key gives None where a row has no value; those rows go last either way.
SORTS: dict[str, tuple[str, Any]] = {
    "name": ("Trainee", lambda r: r.trainee.full_name.lower()),
    "department": ("Department", lambda r: (r.department.code, r.trainee.full_name.lower())),
    "project": ("Project", lambda r: r.project.title.lower() if r.project else None),
    "change": ("Change", lambda r: r.gain_percent),
    "verdict": ("Verdict", lambda r: VERDICT_ORDER[Verdict(r.verdict)]),
    "activity": ("Last activity", lambda r: r.last_activity),
    "coaching": ("Coaching", lambda r: r.coaching_count),
    "steps": ("Next steps", lambda r: (r.overdue_steps, r.open_steps)),
    "attendance": ("Attendance", lambda r: r.days_attended),
    "review": ("Review", lambda r: (r.is_reviewed, r.is_lean_leader)),
}
SORT_OPTIONS = [
    ("name", "Trainee (A to Z)"),
    ("department", "Department"),
    ("project", "Project title"),
    ("-change", "Change (best first)"),
    ("change", "Change (worst first)"),
    ("verdict", "Result (improved first)"),
    ("-activity", "Last activity (most recent first)"),
    ("activity", "Last activity (longest ago first)"),
    ("coaching", "Coaching (least first)"),
    ("-steps", "Overdue next steps (most first)"),
    ("attendance", "Days attended (fewest first)"),
    ("review", "Not reviewed first"),
]
REVIEW_FILTERS = {"reviewed": "Reviewed", "not_reviewed": "Not reviewed yet"}


@dataclass
class BoardFilters:
    department: int | None = None
    verdict: str = ""
    review: str = ""
    attention: bool = False
    sort: str = "name"

    @property
    def active(self) -> bool:
        return bool(self.department or self.verdict or self.review or self.attention)

    @property
    def sort_key(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


def parse_filters(params: Any) -> BoardFilters:
    """Filters from the query string; anything unknown is ignored."""
    sort = params.get("sort", "name")
    verdict = params.get("verdict", "")
    review = params.get("review", "")
    return BoardFilters(
        department=id_param(params, "department"),
        verdict=verdict if verdict in Verdict.__members__.values() else "",
        review=review if review in REVIEW_FILTERS else "",
        attention=params.get("attention") in ("1", "on", "true"),
        sort=sort if sort.lstrip("-") in SORTS else "name",
    )


def filter_rows(rows: Sequence[BoardRow], filters: BoardFilters) -> list[BoardRow]:
    chosen = list(rows)
    if filters.department:
        chosen = [r for r in chosen if r.department.pk == filters.department]
    if filters.verdict:
        chosen = [r for r in chosen if r.verdict == filters.verdict]
    if filters.review == "reviewed":
        chosen = [r for r in chosen if r.is_reviewed]
    elif filters.review == "not_reviewed":
        chosen = [r for r in chosen if not r.is_reviewed]
    if filters.attention:
        chosen = [r for r in chosen if r.attention]
    key = SORTS[filters.sort_key][1]
    chosen.sort(key=lambda r: r.trainee.full_name.lower())
    present = [r for r in chosen if key(r) is not None]
    missing = [r for r in chosen if key(r) is None]
    return sorted(present, key=key, reverse=filters.descending) + missing


@dataclass
class ToolUse:
    code: str
    label: str
    trainees: list[str]
    entries: int


def tool_usage(rows: Sequence[BoardRow]) -> list[ToolUse]:
    """Each Lean tool: who used it (from their progress log tags) and how often. Every tool is
    listed, so the ones nobody has used yet show up too."""
    usage = []
    for code, label in LeanTool.choices:
        users = [r.trainee.full_name for r in rows if code in r.tools]
        usage.append(ToolUse(code, label, users, sum(r.tools.get(code, 0) for r in rows)))
    return usage


def board_counts(rows: Sequence[BoardRow]) -> dict[str, int]:
    return {
        "trainees": len(rows),
        "improved": sum(r.verdict == Verdict.IMPROVED for r in rows),
        "worse": sum(r.verdict == Verdict.WORSE for r in rows),
        "reviewed": sum(r.is_reviewed for r in rows),
        "lean_leaders": sum(r.is_lean_leader for r in rows),
        "attention": sum(bool(r.attention) for r in rows),
    }


def board_departments(rows: Sequence[BoardRow]) -> list[BoardDepartment]:
    seen = {r.department.pk: r.department for r in rows}
    return sorted(seen.values(), key=lambda d: d.name)


def board_cohort_list(*, user: User) -> QuerySet[Cohort]:
    """Cohorts with a board for this reader, newest first, with how many people they see."""
    return (
        policies.board_cohorts(user)
        .exclude(status=Cohort.Status.CANCELLED)
        .annotate(
            people=Count(
                "enrollments",
                filter=Q(enrollments__in=policies.board_enrollments(user)),
                distinct=True,
            )
        )
        .order_by("-day1", "-pk")
    )


# ---------------------------------------------------------------------------------------------
# Coaching activity (for the export)


def coaching_activity(*, user: User, cohort: Cohort) -> QuerySet[Conversation]:
    """Conversations on the projects of the cohort's trainees this reader sees, oldest first.
    The private note is attached (as `.private_note_text`) only for analysts."""
    applications = policies.board_enrollments(user).filter(cohort=cohort).values("application_id")
    conversations = (
        Conversation.objects.filter(
            project__in=visible_projects(user), project__application_id__in=applications
        )
        .select_related("coach", "project__trainee", "project__department")
        .annotate(
            steps_agreed=Count("next_steps", distinct=True),
            steps_open=Count(
                "next_steps", filter=Q(next_steps__status=NextStep.Status.OPEN), distinct=True
            ),
        )
        .order_by("date", "pk")
    )
    if policies.can_see_private_notes(user):
        conversations = conversations.annotate(private_note_text=Max("private_note__text"))
    return conversations


# ---------------------------------------------------------------------------------------------
# The program report


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
    key: str  # names this computation; the page caches its rendered tables under it


PROGRAM_REPORT_CACHE_SECONDS = 60


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
    """The program's figures for analysts, computed at most once a minute per set of filters.

    The report reads every application of the city and their seats, attendance and outcomes,
    which takes a few hundred milliseconds at a large city's volume. It is a monthly figure for
    leadership, so a minute's delay is invisible there; the page says when it was computed.
    """
    filters_key = hashlib.sha256(repr((user.role, filters)).encode()).hexdigest()
    cache_key = f"reports:program:{filters_key}"
    report = cache.get(cache_key)
    if report is None:
        report = _compute_program_report(user=user, filters=filters, filters_key=filters_key)
        cache.set(cache_key, report, PROGRAM_REPORT_CACHE_SECONDS)
    return report


def _compute_program_report(
    *, user: User, filters: ReportFilters, filters_key: str
) -> ProgramReport:
    """The figures in a fixed number of queries. Thousands of applications, enrollments and
    attendance marks are read as plain values, not model instances: building the instances
    was most of the report's time."""
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
        key=f"{filters_key}:{computed_at.timestamp()}",
    )


def report_department_choices() -> list[tuple[int, str]]:
    """(id, name) of every department, by name."""
    return list(Department.objects.order_by("name").values_list("pk", "name"))


# ---------------------------------------------------------------------------------------------
# Completion and certificates


@dataclass
class Completion:
    enrollment: Enrollment
    marks: dict[int, str]
    project: Project | None

    @property
    def is_lean_leader(self) -> bool:
        return self.enrollment.status == Enrollment.Status.ENROLLED and completion.is_lean_leader(
            self.marks, bool(self.project and self.project.is_reviewed)
        )

    @property
    def missing(self) -> list[str]:
        reviewed = None if self.project is None else self.project.is_reviewed
        return completion.missing_for_completion(self.marks, reviewed)

    @property
    def attendance(self) -> list[tuple[int, str | None]]:
        return [(day, self.marks.get(day)) for day in completion.DAYS]

    @property
    def completed_on(self) -> dt.date | None:
        """The later of Day 3 and the review: when the last requirement was met."""
        if not self.is_lean_leader or self.project is None:
            return None
        reviewed = timezone.localdate(self.project.status_changed_at)
        return max(reviewed, self.enrollment.cohort.day3)


def _completion(enrollment: Enrollment) -> Completion:
    project = getattr(enrollment.application, "project", None)
    return Completion(
        enrollment=enrollment,
        marks={a.day: a.mark for a in enrollment.attendance.all()},
        project=project,
    )


def _completion_query(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return enrollments.select_related(
        "trainee",
        "cohort",
        "application__department",
        "application__project__reviewed_by",
    ).prefetch_related("attendance")


def certificate_get(*, user: User, enrollment_id: int) -> Completion:
    """Raises Enrollment.DoesNotExist when out of this reader's scope."""
    enrollment = _completion_query(policies.certificate_enrollments(user)).get(pk=enrollment_id)
    return _completion(enrollment)


def trainee_completion(*, user: User) -> Completion | None:
    """The trainee's seat: a completed one first, else the latest enrolled one."""
    # Only what the home card shows: a seven-table join costs more to plan than to run.
    enrollments = list(
        Enrollment.objects.filter(trainee=user, status=Enrollment.Status.ENROLLED)
        .select_related("cohort", "application__project")
        .prefetch_related("attendance")
        .order_by("-cohort__day1", "-pk")[:5]
    )
    completions = [_completion(e) for e in enrollments]
    return next((c for c in completions if c.is_lean_leader), None) or (
        completions[0] if completions else None
    )
