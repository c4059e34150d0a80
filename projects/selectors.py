"""Reads of projects, always through the reader's visible set, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from applications.models import Application
from leanleaders.audit import audit_events_for
from leanleaders.models import AuditEvent, User
from projects import results
from projects.models import LeanTool, Measure, Measurement, ProgressEntry, Project
from projects.policies import visible_projects


def _measures_prefetch(primary_only: bool = False) -> Prefetch:
    measures = Measure.objects.prefetch_related(
        "baseline_points",
        Prefetch("measurements", queryset=Measurement.objects.order_by("date", "id")),
    )
    if primary_only:
        measures = measures.filter(is_primary=True)
    return Prefetch("measures", queryset=measures)


def _with_people(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("trainee", "department", "reviewed_by")


@dataclass
class MeasureView:
    """A measure with its computed result, as the pages show it."""

    measure: Measure
    result: results.Result

    @property
    def measurements(self) -> list[Measurement]:
        return list(self.measure.measurements.all())


@dataclass
class ProjectSummary:
    project: Project
    primary: MeasureView | None

    @property
    def verdict(self) -> str:
        return self.primary.result.verdict if self.primary else results.Verdict.NOT_ENOUGH_DATA

    @property
    def verdict_label(self) -> str:
        return results.Verdict(self.verdict).label


def measure_view(measure: Measure) -> MeasureView:
    return MeasureView(measure=measure, result=results.for_measure(measure))


def _summary(project: Project) -> ProjectSummary:
    measures = list(project.measures.all())
    primary = next((m for m in measures if m.is_primary), measures[0] if measures else None)
    return ProjectSummary(project=project, primary=measure_view(primary) if primary else None)


def project_detail(*, user: User, pk: int) -> Project:
    """One visible project with everything its page shows (raises Project.DoesNotExist)."""
    return (
        _with_people(visible_projects(user))
        .select_related("application")
        .prefetch_related(
            _measures_prefetch(),
            Prefetch(
                "progress_entries",
                queryset=ProgressEntry.objects.order_by("-date", "-id").prefetch_related(
                    "attachments"
                ),
            ),
        )
        .get(pk=pk)
    )


def measure_views(project: Project) -> list[MeasureView]:
    return [measure_view(m) for m in project.measures.all()]


def tools_used(project: Project) -> list[dict[str, Any]]:
    """The Lean tools used across the progress log, in the list's order, with how often."""
    counts: dict[str, int] = {}
    for entry in project.progress_entries.all():
        for code in entry.tools:
            counts[code] = counts.get(code, 0) + 1
    labels = dict(LeanTool.choices)
    return [
        {"code": code, "label": labels[code], "count": counts[code]}
        for code in LeanTool.values
        if code in counts
    ]


def project_timeline(*, project: Project) -> QuerySet[AuditEvent]:
    return audit_events_for(project).order_by("-created_at", "-id")


def project_summaries(
    *, user: User, department_id: int | None = None, verdict: str | None = None
) -> list[ProjectSummary]:
    """Visible projects with their primary measure's verdict, newest first.

    The verdict is computed in Python from prefetched rows, so the query count does not grow
    with the number of projects or measurements.
    """
    projects = _with_people(visible_projects(user)).prefetch_related(_measures_prefetch(True))
    if department_id:
        projects = projects.filter(department_id=department_id)
    summaries = [_summary(p) for p in projects.order_by("-created_at", "-id")]
    if verdict:
        summaries = [s for s in summaries if s.verdict == verdict]
    return summaries


def verdict_counts(summaries: list[ProjectSummary]) -> list[dict[str, Any]]:
    counts = dict.fromkeys(results.Verdict, 0)
    for summary in summaries:
        counts[results.Verdict(summary.verdict)] += 1
    return [{"verdict": v.value, "label": v.label, "count": counts[v]} for v in results.Verdict]


def trainee_project(*, user: User) -> ProjectSummary | None:
    project = (
        Project.objects.filter(trainee=user)
        .select_related("department")
        .prefetch_related(_measures_prefetch(True))
        .order_by("-created_at")
        .first()
    )
    return _summary(project) if project else None


def startable_application(*, user: User) -> Application | None:
    """The trainee's accepted application that has no project yet."""
    return (
        Application.objects.filter(
            trainee=user, status=Application.Status.ACCEPTED, project__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
