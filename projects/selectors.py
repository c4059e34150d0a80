"""Reads of projects, always through the reader's visible set, in a fixed number of queries."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber

from applications.models import Application, MeasureDirection
from leanleaders.audit import audit_events_for
from leanleaders.models import AuditEvent, User
from projects import results
from projects.models import (
    Attachment,
    BaselinePoint,
    LeanTool,
    Measure,
    Measurement,
    ProgressEntry,
    Project,
)
from projects.policies import visible_projects


def _measures_prefetch(primary_only: bool = False) -> Prefetch:
    measures = Measure.objects.prefetch_related(
        "baseline_points",
        Prefetch("measurements", queryset=Measurement.objects.order_by("date", "id")),
    )
    if primary_only:
        measures = measures.filter(is_primary=True)
    return Prefetch("measures", queryset=measures)


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


def project_get(*, user: User, pk: int) -> Project:
    """One visible project with its trainee, department and reviewer (raises
    Project.DoesNotExist)."""
    return _with_people(visible_projects(user)).get(pk=pk)


def with_measures(project: Project) -> Project:
    """`project` with its measures, their baselines and their measurements read. The progress
    log comes from `progress_entries`."""
    prefetch_related_objects([project], _measures_prefetch())
    return project


def measure_views(project: Project) -> list[MeasureView]:
    return [measure_view(m) for m in project.measures.all()]


def progress_entries(*, project: Project) -> list[ProgressEntry]:
    """A project's progress log, newest first, each entry with `files`: its attachments.

    Attachments are read only when an entry has any (an EXISTS in the entries' query): most
    entries have none, and reading none still costs a query."""
    entries = list(
        ProgressEntry.objects.filter(project=project)
        .annotate(has_files=Exists(Attachment.objects.filter(entry=OuterRef("pk"))))
        .order_by("-date", "-id")
    )
    files: dict[int, list[Attachment]] = defaultdict(list)
    with_files = [e.pk for e in entries if e.has_files]  # type: ignore[attr-defined]
    if with_files:
        for attachment in Attachment.objects.filter(entry__in=with_files):
            files[attachment.entry_id].append(attachment)
    for entry in entries:
        entry.files = files[entry.pk]  # type: ignore[attr-defined]
    return entries


def tools_used(entries: Iterable[ProgressEntry]) -> list[dict[str, Any]]:
    """The Lean tools used across a progress log, in the list's order, with how often."""
    counts: dict[str, int] = {}
    for entry in entries:
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


def project_queryset(*, user: User, department_id: int | None = None) -> QuerySet[Project]:
    """Visible projects, newest first, with what a list row shows."""
    projects = _with_people(visible_projects(user)).defer(*LIST_DEFERRED)
    if department_id:
        projects = projects.filter(department_id=department_id)
    return projects.order_by("-created_at", "-id")


def summaries_of(
    projects: Iterable[Project] | QuerySet[Project], *, fingerprint: str | None = None
) -> list[ProjectSummary]:
    """Summaries of a page of projects (a sliced queryset or a list of them).

    Each project's primary measure and result are cached under the same fingerprint as the
    verdicts, so a list page reads them without querying the measurements; only projects not
    yet cached are computed, in a fixed number of queries. A page that also counts verdicts
    passes the `verdict_fingerprint()` it read for them, saving the second read.
    """
    projects = list(projects)
    fingerprint = fingerprint or verdict_fingerprint()
    keys = {p.pk: f"projects:summary:{fingerprint}:{p.pk}" for p in projects}
    found = cache.get_many(keys.values())
    missing = [p.pk for p in projects if keys[p.pk] not in found]
    if missing:
        computed = _compute_results(projects=Project.objects.filter(pk__in=missing))
        fresh = {keys[pk]: computed.get(pk) for pk in missing}
        cache.set_many(fresh, VERDICT_CACHE_SECONDS)
        found.update(fresh)
    return [_cached_summary(p, found[keys[p.pk]]) for p in projects]


def _cached_summary(project: Project, cached: PrimaryResult | None) -> ProjectSummary:
    if cached is None:
        return ProjectSummary(project=project, primary=None)
    measure = Measure(
        pk=cached.measure_id,
        project=project,
        name=cached.name,
        unit=cached.unit,
        is_primary=True,
    )
    view = MeasureView(measure=measure, result=cached.result)
    return ProjectSummary(project=project, primary=view)


def project_summaries(
    *, user: User, department_id: int | None = None, verdict: str | None = None
) -> list[ProjectSummary]:
    """Visible projects with their primary measure's verdict, newest first.

    The verdict is computed in Python from prefetched rows (the latest few measurements of each
    primary measure and their count), so neither the query count nor the rows read grow with
    the number of measurements. For long lists, paginate `project_queryset` and pass the page
    to `summaries_of`.
    """
    summaries = summaries_of(project_queryset(user=user, department_id=department_id))
    if verdict:
        summaries = [s for s in summaries if s.verdict == verdict]
    return summaries


VERDICT_CACHE_SECONDS = 600


def _verdict_fingerprint() -> str:
    """Changes whenever a measure is added, removed or edited, or its data points change.

    Every service that adds, imports or deletes a measurement moves its measure's `updated_at`
    (baseline points change only with their measure), and measures go only with their project,
    so one aggregate over the measures sees every change. The admin shows measurements read-only
    for the same reason.
    """
    row = Measure.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    return f"{row['n']}:{row['latest']}"


def verdict_fingerprint() -> str:
    """The key under which verdicts and summaries are cached now (one small query)."""
    return hashlib.sha256(_verdict_fingerprint().encode()).hexdigest()


class PrimaryResult(NamedTuple):
    """What a list row shows of a project's primary measure: its name and its result."""

    measure_id: int
    name: str
    unit: str
    result: results.Result


class Outcome(NamedTuple):
    """A project's primary-measure verdict and its gain in percent (None when there is none)."""

    verdict: str
    gain_percent: Decimal | None


NO_OUTCOME = Outcome(results.Verdict.NOT_ENOUGH_DATA, None)


# The city-wide outcomes of the latest fingerprint, kept in the process as they are: the
# local-memory cache would unpickle thousands of entries on every read (and the garbage they
# leave made the slowest requests slower still). Keyed by the fingerprint, so never stale.
_outcomes_memo: dict[str, dict[int, tuple[str, str | None]]] = {}


def _cached_outcomes(fingerprint: str | None = None) -> dict[int, tuple[str, str | None]]:
    """Every project's (verdict, gain as a string), remembered under a fingerprint of the data
    it depends on (one small aggregate query), so pages that count verdicts do not recompute
    them for thousands of projects on every request, and any change makes a new key: never a
    stale verdict. Read-only for callers."""
    key = fingerprint or verdict_fingerprint()
    outcomes = _outcomes_memo.get(key)
    if outcomes is None:
        outcomes = {
            pk: (result.verdict, None if result.gain_percent is None else str(result.gain_percent))
            for pk, (_, _, _, result) in _compute_results(projects=Project.objects.all()).items()
        }
        _outcomes_memo.clear()
        _outcomes_memo[key] = outcomes
    return outcomes


def forget_outcomes() -> None:
    """Drop the remembered outcomes (tests start from nothing)."""
    _outcomes_memo.clear()


NO_RESULT = (results.Verdict.NOT_ENOUGH_DATA, None)


def project_outcomes(*, projects: QuerySet[Project]) -> dict[int, Outcome]:
    """Project id -> its outcome, for every project in `projects`."""
    cached = _cached_outcomes()
    outcomes = {}
    for pk in projects.order_by().values_list("pk", flat=True):
        verdict, gain = cached.get(pk, NO_RESULT)
        outcomes[pk] = Outcome(verdict, None if gain is None else Decimal(gain))
    return outcomes


def project_verdicts(
    *, projects: QuerySet[Project], fingerprint: str | None = None
) -> dict[int, str]:
    """Project id -> its primary measure's verdict, for every project in `projects`."""
    cached = _cached_outcomes(fingerprint)
    return {
        pk: cached.get(pk, NO_RESULT)[0] for pk in projects.order_by().values_list("pk", flat=True)
    }


def _compute_results(*, projects: QuerySet[Project]) -> dict[int, PrimaryResult]:
    """Project id -> its primary measure and result, for every project in `projects` with one.

    Read as plain values in four queries (primary measures, baseline points, measurement counts,
    the latest LATEST_WINDOW measurements of each), without building model instances, so it
    stays cheap for every project in the city: the counts on the list and home pages need it.
    """
    measures = Measure.objects.filter(project__in=projects.values("pk"), is_primary=True)
    info = {
        pk: (project_id, direction, baseline, name, unit)
        for pk, project_id, direction, baseline, name, unit in measures.values_list(
            "pk", "project_id", "direction", "baseline_value", "name", "unit"
        )
    }
    points: dict[int, list[Decimal]] = defaultdict(list)
    for measure_id, value in BaselinePoint.objects.filter(measure__in=measures).values_list(
        "measure_id", "value"
    ):
        points[measure_id].append(value)
    counts = dict(
        Measurement.objects.filter(measure__in=measures)
        .values("measure_id")
        .annotate(n=Count("pk"))
        .values_list("measure_id", "n")
    )
    latest: dict[int, list[tuple[Any, int, Decimal]]] = defaultdict(list)
    for measure_id, day, pk, value in (
        Measurement.objects.filter(measure__in=measures)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("date").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=results.LATEST_WINDOW)
        .values_list("measure_id", "date", "pk", "value")
    ):
        latest[measure_id].append((day, pk, value))
    computed = {}
    for pk, (project_id, direction, baseline, name, unit) in info.items():
        result = results.compute(
            higher_is_better=direction == MeasureDirection.HIGHER_IS_BETTER,
            baseline_value=baseline,
            baseline_points=points.get(pk, ()),
            measurements=[value for _, _, value in sorted(latest.get(pk, ()))],
            measurement_count=counts.get(pk, 0),
        )
        computed[project_id] = PrimaryResult(pk, name, unit, result)
    return computed


def counts_of(verdicts: Iterable[str]) -> list[dict[str, Any]]:
    # Counted as plain strings (a Verdict is equal to and hashes like its value): converting
    # each of thousands of verdicts to the enum cost more than the counting.
    counts = Counter(verdicts)
    return [
        {"verdict": v.value, "label": v.label, "count": counts.get(v.value, 0)}
        for v in results.Verdict
    ]


def verdict_counts(summaries: list[ProjectSummary]) -> list[dict[str, Any]]:
    return counts_of(s.verdict for s in summaries)


def latest_project_of(user: User) -> Project | None:
    """The trainee's latest project with its primary measure's data. Read once per request
    (kept on the user object, which lives as long as the request): several cards of the
    trainee's home page show it."""
    if "_latest_project" not in user.__dict__:
        user.__dict__["_latest_project"] = (
            Project.objects.filter(trainee=user)
            .select_related("department")
            .prefetch_related(_measures_prefetch(True))
            .order_by("-created_at")
            .first()
        )
    return user.__dict__["_latest_project"]


def trainee_project(*, user: User) -> ProjectSummary | None:
    project = latest_project_of(user)
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
