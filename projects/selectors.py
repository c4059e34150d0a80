"""Reads of projects, always through the reader's visible set, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.paginator import Page
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import JSONObject

from applications.models import Application
from cohorts.models import Enrollment
from leanleaders.audit import audit_events_for
from leanleaders.models import AuditEvent, User
from leanleaders.querysets import as_date, rows_of
from projects import results
from projects.models import (
    Attachment,
    FollowUp,
    Measure,
    Measurement,
    ProgressEntry,
    Project,
    ProjectMember,
)
from projects.policies import is_membership_of, memberships_of, visible_projects


def _measures_prefetch() -> Prefetch:
    """The measures with their measurements, oldest first: the run charts and their tables."""
    return Prefetch(
        "measures",
        queryset=Measure.objects.prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("date", "id"))
        ),
    )


LIST_DEFERRED = (
    "problem",
    "background",
    "current_condition",
    "root_cause",
    "countermeasures",
    "result_summary",
    "sustain_plan",
    "review_comment",
)


def _with_people(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("trainee", "department", "reviewed_by", "sponsor")


@dataclass(frozen=True)
class MeasurementTable:
    """The page of a measure's table that the project page shows, newest first: `param` is its
    page number's query parameter, and the table is open when the request asked for a page."""

    page: Page[Measurement]
    param: str
    open: bool


@dataclass
class MeasureView:
    """A measure with its stored result, as the pages show it."""

    measure: Measure
    result: results.Result
    # The page of its table that the project page and the A3 show (set by projects.views).
    table: MeasurementTable | None = None

    @property
    def measurements(self) -> list[Measurement]:
        """Read only where loaded (`with_measures`): the run chart."""
        return list(self.measure.measurements.all())


@dataclass
class ProjectSummary:
    project: Project
    primary: MeasureView | None

    @property
    def verdict(self) -> str:
        return self.project.verdict

    @property
    def verdict_label(self) -> str:
        return results.Verdict(self.verdict).label


def measure_view(measure: Measure) -> MeasureView:
    return MeasureView(measure=measure, result=measure.result)


def project_get(*, user: User, pk: int) -> Project:
    """One visible project with its trainee, department and reviewer (raises
    Project.DoesNotExist)."""
    return _with_people(visible_projects(user)).get(pk=pk)


def with_measures(project: Project) -> Project:
    """`project` with its measures and their measurements read. The progress log comes from
    `progress_entries`."""
    prefetch_related_objects([project], _measures_prefetch())
    return project


def measure_views(project: Project) -> list[MeasureView]:
    return [measure_view(m) for m in project.measures.all()]


def progress_entries(*, project: Project) -> list[ProgressEntry]:
    """A project's progress log, newest first, each entry with `files`: its attachments.

    Attachments are read only when an entry has any (an EXISTS in the entries' query): most
    entries have none, and reading none still costs a query."""
    entries: list[ProgressEntry] = list(
        ProgressEntry.objects.filter(project=project)
        .annotate(has_files=Exists(Attachment.objects.filter(entry=OuterRef("pk"))))
        .order_by("-date", "-id")
    )
    files: dict[int, list[Attachment]] = defaultdict(list)
    with_files = [e.pk for e in entries if e.has_files]  # type: ignore[attr-defined]  # annotated
    if with_files:
        for attachment in Attachment.objects.filter(entry__in=with_files):
            files[attachment.entry_id].append(attachment)
    for entry in entries:
        entry.files = files[entry.pk]  # type: ignore[attr-defined]
    return entries


def project_timeline(*, project: Project) -> QuerySet[AuditEvent]:
    return audit_events_for(project).order_by("-created_at", "-id")


def project_queryset(*, user: User, department_id: int | None = None) -> QuerySet[Project]:
    """Visible projects, newest first, with what a list row shows: the trainee and the
    department, not the sponsor or the reviewer (each person joined costs the list's query
    more to plan than to run)."""
    projects = with_primary(visible_projects(user).select_related("trainee", "department")).defer(
        *LIST_DEFERRED, *(f"primary_measure__{name}" for name in MEASURE_LIST_DEFERRED)
    )
    if department_id:
        projects = projects.filter(department_id=department_id)
    return projects.order_by("-created_at", "-id")


# Columns a list row does not show: the measure's texts and the board's sparkline.
MEASURE_LIST_DEFERRED = ("collection_method", "baseline_method", "result_recent")


def people_project_list(*, user: User) -> QuerySet[Project]:
    """The visible projects of other people, newest first, with their trainees and primary
    measures and no other person: what a manager's home card shows. Each person joined costs
    the card's query more to plan than to run."""
    return (
        with_primary(visible_projects(user).exclude(trainee=user).select_related("trainee"))
        .defer(*LIST_DEFERRED, *(f"primary_measure__{name}" for name in MEASURE_LIST_DEFERRED))
        .order_by("-created_at", "-id")
    )


def with_primary(projects: QuerySet[Project]) -> QuerySet[Project]:
    """`projects` with each one's primary measure (and its stored result) joined in, as
    `primary_measure` (None when it has none): a list reads it in the same query."""
    return projects.annotate(
        primary_measure=FilteredRelation("measures", condition=Q(measures__is_primary=True))
    ).select_related("primary_measure")  # type: ignore[misc]  # django-stubs knows no FilteredRelation in select_related


def summaries_of(projects: Iterable[Project]) -> list[ProjectSummary]:
    """Summaries of projects read through `with_primary` (a sliced queryset or a list of them),
    from their primary measures' stored results."""
    summaries = []
    for project in projects:
        # Set by with_primary's join (None without a primary measure); the model has no such
        # field, so a project read without the join fails here rather than showing no result.
        measure: Measure | None = project.primary_measure  # type: ignore[attr-defined]  # joined
        summaries.append(
            ProjectSummary(project=project, primary=measure_view(measure) if measure else None)
        )
    return summaries


class Outcome(NamedTuple):
    """A project's primary-measure verdict and its gain in percent (None when there is none)."""

    verdict: str
    gain_percent: Decimal | None


def counts_of(*, projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """How many of `projects` have each verdict, every verdict listed (one GROUP BY query)."""
    counts = dict(
        projects.order_by()
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .values_list("verdict", "n")
    )
    return [
        {"verdict": v.value, "label": v.label, "count": counts.get(v.value, 0)}
        for v in results.Verdict
    ]


def latest_project_id(user: User) -> Subquery:
    """The id of the trainee's latest project (None without one), as an expression that refers
    to nothing outside itself: the home page reads it with its other facts."""
    return Subquery(Project.objects.filter(trainee=user).order_by("-created_at").values("pk")[:1])


def follow_ups_waiting(*, today: dt.date) -> QuerySet[FollowUp]:
    """Follow-ups waiting for a value: from the due date until logged, or found missed once the
    grace days are over. The one rule of "due" for the reminder and the home page."""
    return FollowUp.objects.pending().filter(due_on__lte=today).last_day_on_or_after(today)


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up waiting for a value that the reader may log, as their home shows it: the
    follow-up with its project's title and its primary measure's unit and direction, read as
    JSON (never saved)."""

    follow_up: FollowUp
    measure: Measure
    today: dt.date

    @property
    def is_overdue(self) -> bool:
        return self.follow_up.due_on < self.today


def _due_follow_up_rows(*, user: User, today: dt.date) -> Subquery:
    """The follow-ups waiting for a value that `user` may log (`policies.can_log_follow_up`: on
    the projects they lead and those whose team lets them log), oldest due first, as one JSON
    expression that refers to nothing outside itself."""
    # A project has at most one primary measure (a unique constraint): joined, not looked up
    # by a subquery for each of its columns.
    primary = FilteredRelation("project__measures", condition=Q(project__measures__is_primary=True))
    return rows_of(
        follow_ups_waiting(today=today)
        .filter(
            Q(project__trainee=user)
            | Q(project__in=memberships_of(user).filter(may_log=True).values("project_id"))
        )
        .annotate(primary=primary)
        .order_by("due_on", "pk"),
        None,
        pk=F("pk"),
        days_after=F("days_after"),
        due_on=F("due_on"),
        baseline=F("reference_baseline"),
        gain=F("reference_gain"),
        project=JSONObject(pk=F("project_id"), title=F("project__title")),
        unit=F("primary__unit"),
        direction=F("primary__direction"),
    )


def _due_follow_ups(rows: list[dict[str, Any]], today: dt.date) -> list[DueFollowUp]:
    return [
        DueFollowUp(
            follow_up=FollowUp(
                pk=row["pk"],
                days_after=row["days_after"],
                due_on=as_date(row["due_on"]),
                # JSON carries the decimals as numbers, read as floats: back through their
                # shortest text, so 12.5 reads 12.5 and not 12.4999….
                reference_baseline=Decimal(str(row["baseline"])),
                reference_gain=Decimal(str(row["gain"])),
                project=Project(pk=row["project"]["pk"], title=row["project"]["title"]),
            ),
            measure=Measure(unit=row["unit"], direction=row["direction"]),
            today=today,
        )
        for row in rows
    ]


@dataclass
class TraineeHome:
    """The trainee's latest project and the follow-ups due that they may log."""

    summary: ProjectSummary | None
    due_follow_ups: list[DueFollowUp]


def trainee_home(*, user: User, today: dt.date) -> TraineeHome:
    """The trainee's latest project with the follow-ups due that they may log, on any project:
    one query, the follow-ups riding on the project's row. Someone who leads no project (a team
    member who may log) has them read on their own, one query more."""
    rows = _due_follow_up_rows(user=user, today=today)
    # The card shows the project's title and its primary measure's result, as a list row does.
    project = (
        with_primary(Project.objects.filter(trainee=user))
        .defer(*LIST_DEFERRED, *(f"primary_measure__{name}" for name in MEASURE_LIST_DEFERRED))
        .annotate(due_follow_ups=rows)
        .order_by("-created_at")
        .first()
    )
    if project is None:
        due = User.objects.filter(pk=user.pk).annotate(due=rows).values_list("due", flat=True)
        return TraineeHome(summary=None, due_follow_ups=_due_follow_ups(due.get(), today))
    return TraineeHome(
        summary=summaries_of([project])[0],
        due_follow_ups=_due_follow_ups(project.due_follow_ups, today),
    )


def startable_application(*, user: User) -> Application | None:
    """The trainee's accepted application that has no project yet."""
    return (
        Application.objects.filter(
            trainee=user, status=Application.Status.ACCEPTED, project__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def project_day3(project: Project) -> dt.date | None:
    """Day 3 of the cohort the project's trainee has a seat in (None without a seat)."""
    return (
        Enrollment.objects.filter(
            application_id=project.application_id, status=Enrollment.Status.ENROLLED
        )
        .values_list("cohort__day3", flat=True)
        .first()
    )


def follow_ups_of(*, project: Project) -> list[FollowUp]:
    """The project's follow-ups after Day 3 in the order they fall due, with who logged each:
    one query."""
    return list(
        FollowUp.objects.filter(project=project).select_related("logged_by").order_by("days_after")
    )


@dataclass
class Team:
    """Who works on a project, as the project page, the A3 and the team page show it."""

    project: Project
    members: list[ProjectMember]

    def member_for(self, user: User) -> ProjectMember | None:
        """`user`'s place on this team, from the loaded members (no query)."""
        return next((m for m in self.members if is_membership_of(user, m)), None)


def project_team(*, project: Project) -> Team:
    """The project's members with their accounts, in the order they joined: one query."""
    members = list(ProjectMember.objects.filter(project=project).select_related("user"))
    for member in members:
        member.project = project
    return Team(project=project, members=members)


PEOPLE_PAGE_SIZE = 10


def people_search(*, query: str, project: Project) -> QuerySet[User]:
    """Active city staff whose name or email contains `query`, by name, without the project's
    lead and the people already on its team (they are listed above the search)."""
    query = query.strip()
    if not query:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(full_name__icontains=query) | Q(email__icontains=query))
        .exclude(pk=project.trainee_id)
        .exclude(
            pk__in=ProjectMember.objects.filter(project=project, user__isnull=False).values(
                "user_id"
            )
        )
        .select_related("department")
        .order_by("full_name", "email")
    )


def memberships_list(*, user: User) -> QuerySet[ProjectMember]:
    """The projects `user` is on the team of, newest first (their home page)."""
    return (
        memberships_of(user)
        .select_related("project", "project__trainee")
        .order_by("-added_at", "-id")
    )
