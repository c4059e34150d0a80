"""Every change to an improvement project.

Each function checks who is acting (policies), makes the change in one transaction and records it
in the audit log. The project row is locked where the trainee and an analyst can race (review,
measure definition changes), and the measure row too where two people can log at once. Every
change to a measure's baseline or measurements stores its result (`measure_result_store`) in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from leanleaders.audit import audit_events_for, audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import User
from leanleaders.querysets import rows_update
from leanleaders.workflow import transition
from projects import csv_import, policies, results, selectors, sustainment, uploads
from projects.models import (
    Attachment,
    BaselinePoint,
    FollowUp,
    LeanTool,
    Measure,
    Measurement,
    MeasureScale,
    PdcaStage,
    ProgressEntry,
    Project,
    ProjectMember,
    Sustainment,
)

Status = Project.Status

NARRATIVE_FIELDS = (
    "title",
    "problem",
    "background",
    "current_condition",
    "root_cause",
    "countermeasures",
    "result_summary",
    "sustain_plan",
)
MEASURE_FIELDS = (
    "name",
    "unit",
    "direction",
    "scale",
    "collection_method",
    "baseline_value",
    "baseline_period",
    "baseline_method",
    "target_value",
    "target_date",
)
# Measurements older than this are refused: almost certainly a typo in the year.
OLDEST_MEASUREMENT_YEARS = 5


def project_url(project: Project) -> str:
    return absolute_url(reverse("projects:project-detail", args=[project.pk]))


def _lock(project_id: int) -> Project:
    return Project.objects.select_for_update().select_related("trainee").get(pk=project_id)


def _lock_measure(measure_id: int) -> Measure:
    """Lock a measure's project, then the measure: the order every service takes them in, so
    two writers (two people logging at once, an analyst changing the baseline meanwhile) wait
    for each other instead of deadlocking, and the second stores a result that counts the
    first's change."""
    project_id = Measure.objects.values_list("project_id", flat=True).get(pk=measure_id)
    project = _lock(project_id)
    measure = Measure.objects.select_for_update().get(pk=measure_id)
    measure.project = project
    return measure


def _result_set(
    measure: Measure,
    *,
    points: Sequence[Decimal],
    newest_first: Sequence[tuple[dt.date, Decimal]],
    count: int,
) -> results.Result:
    """Work out `measure`'s result from its baseline points, its latest RECENT_VALUES
    measurements (newest first, as (date, value)) and how many it has, and put it in its result
    columns (not saved). The one computation behind `measure_result_store` and
    `results_recompute`, so the services and the command cannot disagree."""
    recent = [value for _, value in reversed(newest_first)]
    result = results.compute(
        higher_is_better=measure.higher_is_better,
        baseline_value=measure.baseline_value,
        baseline_points=points,
        measurements=recent,
        measurement_count=count,
    )
    measure.set_result(
        result,
        baseline_points=len(points),
        last_measured=newest_first[0][0] if newest_first else None,
        recent=recent,
    )
    return result


def measure_result_store(*, measure: Measure) -> results.Result:
    """Recompute `measure`'s result from its baseline and measurements in the database and
    store it in its result columns, and on its project when it is the primary measure.

    Called in the transaction of every change to a measure's baseline or measurements, after
    the change and with the measure locked (`_lock_measure`), so the stored result is never
    older than the data; `results_recompute` does the same for every measure at once.
    Three small reads: the baseline points, the count, and only the latest RECENT_VALUES
    measurements, so a long history is never read.
    """
    points = list(BaselinePoint.objects.filter(measure=measure).values_list("value", flat=True))
    newest_first = list(
        Measurement.objects.filter(measure=measure)
        .order_by("-date", "-id")
        .values_list("date", "value")[: Measure.RECENT_VALUES]
    )
    result = _result_set(
        measure,
        points=points,
        newest_first=newest_first,
        count=Measurement.objects.filter(measure=measure).count(),
    )
    Measure.objects.filter(pk=measure.pk).update(
        **{name: getattr(measure, name) for name in Measure.RESULT_FIELDS}
    )
    if measure.is_primary:
        Project.objects.filter(pk=measure.project_id).update(
            verdict=measure.result_verdict, gain_percent=measure.result_gain_percent
        )
    return result


# Projects read, locked and written together by `results_recompute`: big enough that the
# queries per batch cost little, small enough to bound memory and how long a batch holds its
# projects' locks (well under a second).
RECOMPUTE_BATCH = 500
# The project's columns `results_recompute` stores (with each measure's `Measure.RESULT_FIELDS`).
PROJECT_RESULT_FIELDS = ("verdict", "gain_percent", "tools_used")


def results_recompute(*, batch_size: int = RECOMPUTE_BATCH) -> int:
    """Store every measure's result again, every project's copy of its primary measure's, and
    every project's Lean tools, for rows written outside the services (the admin, SQL, bulk
    loads). Computes them as the services do (`_result_set`, `tools_count`). Returns how many
    projects it stored.

    A batch of projects at a time, each in one transaction: it locks the batch's projects (in
    id order, so it waits for a service holding one of them rather than deadlocking with it),
    then their measures, as `_lock_measure` does; reads the inputs of the whole batch in four
    queries (the latest RECENT_VALUES measurements and the count come from one window query);
    and writes every row of it at once (`rows_update`). It can run beside people logging; a
    project deleted meanwhile is skipped.
    """
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    stored = 0
    for start in range(0, len(project_ids), batch_size):
        with transaction.atomic():
            stored += _results_store_batch(project_ids[start : start + batch_size])
    return stored


def _results_store_batch(project_ids: list[int]) -> int:
    projects = list(
        Project.objects.select_for_update()
        .filter(pk__in=project_ids)
        .order_by("pk")
        .only("pk", *PROJECT_RESULT_FIELDS)
    )
    measures = list(Measure.objects.select_for_update().filter(project__in=projects).order_by("pk"))
    points: dict[int, list[Decimal]] = {}
    for measure_id, value in BaselinePoint.objects.filter(measure__in=measures).values_list(
        "measure_id", "value"
    ):
        points.setdefault(measure_id, []).append(value)
    newest_first: dict[int, list[tuple[dt.date, Decimal]]] = {}
    counts: dict[int, int] = {}
    latest = (
        Measurement.objects.filter(measure__in=measures)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("measure_id")],
                order_by=[F("date").desc(), F("id").desc()],
            ),
            total=Window(Count("pk"), partition_by=[F("measure_id")]),
        )
        .filter(newest__lte=Measure.RECENT_VALUES)
        .order_by("measure_id", "newest")
        .values_list("measure_id", "date", "value", "total")
    )
    for measure_id, date, value, total in latest:
        newest_first.setdefault(measure_id, []).append((date, value))
        counts[measure_id] = total
    tools: dict[int, list[list[str]]] = {}
    for project_id, entry_tools in ProgressEntry.objects.filter(project__in=projects).values_list(
        "project_id", "tools"
    ):
        tools.setdefault(project_id, []).append(entry_tools)

    primary: dict[int, Measure] = {}
    for measure in measures:
        _result_set(
            measure,
            points=points.get(measure.pk, []),
            newest_first=newest_first.get(measure.pk, []),
            count=counts.get(measure.pk, 0),
        )
        if measure.is_primary:
            primary[measure.project_id] = measure
    for project in projects:
        main = primary.get(project.pk)
        # A project whose primary measure was unmarked (in the admin) has no verdict.
        project.verdict = main.result_verdict if main else results.Verdict.NOT_ENOUGH_DATA
        project.gain_percent = main.result_gain_percent if main else None
        project.tools_used = tools_count(tools.get(project.pk, []))
    rows_update(measures, Measure.RESULT_FIELDS)
    rows_update(projects, PROJECT_RESULT_FIELDS)
    return len(projects)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# A refused row: "Line 4: That date is in the future."
LINE_PROBLEM = gettext_noop("Line %(line)s: %(problem)s")


def earliest_allowed_date() -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - OLDEST_MEASUREMENT_YEARS)


def check_measurement_date(date: dt.date) -> None:
    if date > timezone.localdate():
        raise ValidationError(_("That date is in the future. Log a measurement once it is taken."))
    if date < earliest_allowed_date():
        raise ValidationError(_("That date is more than five years ago. Check the year."))


# The lowest and highest value each scale allows (None: no bound).
SCALE_BOUNDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    MeasureScale.COUNT: (Decimal(0), None),
    MeasureScale.PERCENT: (Decimal(0), Decimal(100)),
    MeasureScale.ANY: (None, None),
}


def scale_problem(measure: Measure, value: Decimal) -> str:
    """Why `value` cannot be a value of this measure (given its scale), or ""."""
    low, high = SCALE_BOUNDS[measure.scale]
    if (low is not None and value < low) or (high is not None and value > high):
        if measure.scale == MeasureScale.PERCENT:
            return _("“%(name)s” is a percentage: enter a value from 0 to 100.") % {
                "name": measure.name
            }
        return _("“%(name)s” is a count or a time, so it can't be below 0.") % {
            "name": measure.name
        }
    return ""


def _check_scale(measure: Measure, values: dict[str, Decimal | None]) -> None:
    """Refuses, per form field, each value that does not fit the measure's scale."""
    problems = {
        field: problem
        for field, value in values.items()
        if value is not None and (problem := scale_problem(measure, value))
    }
    if problems:
        raise ValidationError(problems)


def _check_definition(measure: Measure) -> None:
    if not measure.name.strip():
        raise ValidationError(_("Name the measure."))
    _check_scale(
        measure, {"baseline_value": measure.baseline_value, "target_value": measure.target_value}
    )
    # A new scale must still hold what was logged under the old one.
    logged = (
        measure.measurements.aggregate(low=Min("value"), high=Max("value")) if measure.pk else {}
    )
    for value in (logged.get("low"), logged.get("high")):
        if value is not None and scale_problem(measure, value):
            raise ValidationError(
                {
                    "scale": _("A logged value (%(value)s) does not fit this choice.")
                    % {"value": f"{value.normalize():f}"}
                }
            )


def default_sponsor(application: Application) -> User | None:
    """Whoever signed off the application (the manager or the alternate who approved it in the
    app), else the manager it was sent to. An analyst recording a sign-off given elsewhere is
    not the sponsor."""
    signed = (
        audit_events_for(application)
        .filter(to_status=Application.Status.MANAGER_APPROVED, data__as="manager")
        .exclude(actor=None)
        .order_by("-created_at", "-id")
        .first()
    )
    if signed is not None and signed.actor is not None and signed.actor.is_active:
        return signed.actor
    return application.manager


@transaction.atomic
def project_start(*, application_id: int, by: User) -> Project:
    """The accepted trainee (or an analyst) starts the project from the application.

    Idempotent: a second call returns the existing project. Copies the title, problem and
    proposed measure (with the rough current value as a starting baseline); all stay editable.
    """
    application = (
        Application.objects.select_for_update()
        .select_related("trainee", "department")
        .get(pk=application_id)
    )
    policies.ensure_can_start(by, application)
    existing = Project.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.status != Application.Status.ACCEPTED:
        raise ValidationError(_("A project can be set up once the application is accepted."))
    evidence = application.evidence.strip()
    current = application.process_today.strip()
    if evidence:
        current = f"{current}\n\n{evidence}".strip()
    try:
        with transaction.atomic():
            project = Project.objects.create(
                application=application,
                trainee=application.trainee,
                department=application.department,
                title=application.title,
                problem=application.problem,
                background=application.why_it_matters,
                current_condition=current,
                sponsor=default_sponsor(application),
            )
    except IntegrityError:  # started at the same moment elsewhere
        return Project.objects.get(application=application)
    measure = Measure.objects.create(
        project=project,
        is_primary=True,
        name=application.measure_name or gettext("Primary measure"),
        unit=application.measure_unit,
        direction=application.measure_direction,
        baseline_value=application.baseline_estimate,
        # In the language of whoever sets the project up: a text the trainee edits from here.
        baseline_method=gettext("Rough estimate from the application.")
        if application.baseline_estimate is not None
        else "",
    )
    measure_result_store(measure=measure)
    audit_record(target=project, action="created", by=by, to_status=project.status)
    return project


@transaction.atomic
def project_update(*, project_id: int, by: User, data: dict[str, Any]) -> Project:
    """The trainee edits the project's narrative (problem, analysis, result, how it lasts)."""
    project = _lock(project_id)
    policies.ensure_can_edit(by, project)
    changed = []
    for name in NARRATIVE_FIELDS:
        if name in data and getattr(project, name) != data[name]:
            setattr(project, name, data[name])
            changed.append(name)
    if not project.title.strip():
        raise ValidationError(_("The project needs a title."))
    if changed:
        project.save()
        audit_record(target=project, action="edited", by=by, data={"fields": changed})
    return project


@transaction.atomic
def measure_update(
    *,
    measure_id: int,
    by: User,
    data: dict[str, Any],
    reason: str = "",
    baseline_points: Sequence[csv_import.Row] | None = None,
) -> Measure:
    """Change a measure's definition, baseline or target.

    The trainee may, until review. An analyst may at any time but must give a reason, recorded
    with the old and new values in the audit log. `baseline_points`, when given, replace the
    measure's baseline data points (the baseline becomes their median). Locks the project and
    the measure, and stores the measure's result.
    """
    measure = _lock_measure(measure_id)
    project = measure.project
    policies.ensure_can_edit_measure_definition(by, project)
    if policies.measure_change_needs_reason(by) and not reason.strip():
        raise ValidationError(_("Give a reason for changing the measure; the trainee will see it."))
    changes: dict[str, list[Any]] = {}
    for name in MEASURE_FIELDS:
        if name in data and getattr(measure, name) != data[name]:
            changes[name] = [_jsonable(getattr(measure, name)), _jsonable(data[name])]
            setattr(measure, name, data[name])
    _check_definition(measure)
    measure.save()
    if baseline_points is not None:
        for row in baseline_points:
            problem = scale_problem(measure, row.value)
            if problem:
                raise ValidationError(
                    {
                        "baseline_points_text": _(LINE_PROBLEM)
                        % {"line": row.line, "problem": problem}
                    }
                )
        old = [(p.date.isoformat(), str(p.value)) for p in measure.baseline_points.all()]
        new = [(r.date.isoformat(), str(r.value)) for r in baseline_points]
        if old != new:
            measure.baseline_points.all().delete()
            BaselinePoint.objects.bulk_create(
                BaselinePoint(measure=measure, date=r.date, value=r.value) for r in baseline_points
            )
            changes["baseline_points"] = [len(old), len(new)]
    if changes:
        measure_result_store(measure=measure)
        audit_record(
            target=project,
            action="measure_changed",
            by=by,
            comment=reason.strip(),
            data={"measure": measure.pk, "name": measure.name, "changes": changes},
        )
    return measure


@transaction.atomic
def measure_add(*, project_id: int, by: User, data: dict[str, Any]) -> Measure:
    """Add a secondary measure (the trainee before review, or an analyst)."""
    project = _lock(project_id)
    policies.ensure_can_edit_measure_definition(by, project)
    measure = Measure(project=project, is_primary=False)
    for name in MEASURE_FIELDS:
        if name in data:
            setattr(measure, name, data[name])
    _check_definition(measure)
    measure.save()
    measure_result_store(measure=measure)
    audit_record(
        target=project,
        action="measure_added",
        by=by,
        data={"measure": measure.pk, "name": measure.name},
    )
    return measure


@transaction.atomic
def measurement_add(
    *, measure_id: int, by: User, date: dt.date, value: Decimal, note: str = ""
) -> Measurement:
    """The lead (or a team member the lead allows) logs one measurement, recorded as theirs.
    Locks the project and the measure (two people may log
    at once), and stores the measure's result."""
    measure = _lock_measure(measure_id)
    policies.ensure_can_log(by, measure.project)
    check_measurement_date(date)
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    _check_scale(measure, {"value": value})
    measurement = Measurement.objects.create(
        measure=measure, date=date, value=value, note=note.strip()[:300], created_by=by
    )
    measure_result_store(measure=measure)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement_id: int, by: User) -> None:
    """The trainee removes a measurement logged by mistake; the audit log keeps what it was.
    Locks the project and the measure, and stores the measure's result."""
    measurement = Measurement.objects.get(pk=measurement_id)
    measure = _lock_measure(measurement.measure_id)
    project = measure.project
    policies.ensure_can_edit(by, project)
    audit_record(
        target=project,
        action="measurement_deleted",
        by=by,
        data={
            "measure": measurement.measure_id,
            "date": measurement.date.isoformat(),
            "value": str(measurement.value),
            "note": measurement.note,
        },
    )
    measurement.delete()
    measure_result_store(measure=measure)


@transaction.atomic
def measurements_import(
    *, measure_id: int, by: User, rows: Sequence[csv_import.Row]
) -> list[Measurement]:
    """Save parsed rows all at once: every row, or (on any error) none. Locks the project and
    the measure, and stores the measure's result."""
    measure = _lock_measure(measure_id)
    policies.ensure_can_log(by, measure.project)
    if not rows:
        raise ValidationError(_("There are no rows to import."))
    if len(rows) > csv_import.MAX_ROWS:
        raise ValidationError(
            _("Import at most %(count)s rows at a time.") % {"count": f"{csv_import.MAX_ROWS:,}"}
        )
    for row in rows:
        try:
            check_measurement_date(row.date)
        except ValidationError as error:
            raise ValidationError(
                _(LINE_PROBLEM) % {"line": row.line, "problem": error.messages[0]}
            ) from error
        problem = scale_problem(measure, row.value)
        if problem:
            raise ValidationError(_(LINE_PROBLEM) % {"line": row.line, "problem": problem})
    created = Measurement.objects.bulk_create(
        Measurement(measure=measure, date=r.date, value=r.value, note=r.note, created_by=by)
        for r in rows
    )
    audit_record(
        target=measure.project,
        action="measurements_imported",
        by=by,
        data={"measure": measure.pk, "rows": len(created)},
    )
    measure_result_store(measure=measure)
    return created


def _clean_tools(tools: Sequence[str]) -> list[str]:
    valid = set(LeanTool.values)
    unknown = [t for t in tools if t not in valid]
    if unknown:
        raise ValidationError(_("Choose Lean tools from the list."))
    # Stored in the list's order, once each.
    return [t for t in LeanTool.values if t in set(tools)]


@transaction.atomic
def progress_entry_add(
    *,
    project_id: int,
    by: User,
    date: dt.date,
    did: str,
    learned: str = "",
    next_steps: str = "",
    tools: Sequence[str] = (),
    pdca_stage: str = PdcaStage.PLAN,
    files: Sequence[UploadedFile] = (),
) -> ProgressEntry:
    """The lead (or a team member the lead allows) logs progress, recorded as theirs, with
    optional photos or PDFs (checked by content)."""
    project = Project.objects.get(pk=project_id)
    policies.ensure_can_log(by, project)
    if not did.strip():
        raise ValidationError(_("Say what you did."))
    if date > timezone.localdate():
        raise ValidationError(_("That date is in the future."))
    if pdca_stage not in PdcaStage.values:
        raise ValidationError(_("Choose a PDCA stage."))
    if len(files) > uploads.MAX_FILES_PER_ENTRY:
        raise ValidationError(
            _("Attach at most %(count)s files to one entry.")
            % {"count": uploads.MAX_FILES_PER_ENTRY}
        )
    checked = [uploads.check_upload(f) for f in files]
    entry = ProgressEntry.objects.create(
        project=project,
        date=date,
        did=did.strip(),
        learned=learned.strip(),
        next_steps=next_steps.strip(),
        tools=_clean_tools(tools),
        pdca_stage=pdca_stage,
        created_by=by,
    )
    for upload in checked:
        _save_attachment(entry, upload, by=by)
    project_tools_store(project=project)
    return entry


def tools_count(entries_tools: Iterable[Sequence[str]]) -> dict[str, int]:
    """{tool: entries naming it} from each progress entry's tools, in the list's order: what
    `Project.tools_used` holds. Used by `project_tools_store` and `results_recompute`."""
    counts: dict[str, int] = {}
    for tools in entries_tools:
        for tool in tools:
            counts[tool] = counts.get(tool, 0) + 1
    return {tool: counts[tool] for tool in LeanTool.values if tool in counts}


@transaction.atomic
def project_tools_store(*, project: Project) -> None:
    """Store which Lean tools the project's progress log names, and in how many entries, on
    the project. Called in the transaction of every change to the log (and on its own by
    data loaders, hence its own atomic block); locks the project first, so two entries logged
    at once both count."""
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    project.tools_used = tools_count(
        ProgressEntry.objects.filter(project=project).values_list("tools", flat=True)
    )
    Project.objects.filter(pk=project.pk).update(tools_used=project.tools_used)


def _save_attachment(
    entry: ProgressEntry, upload: uploads.CheckedUpload, *, by: User
) -> Attachment:
    attachment = Attachment(
        entry=entry,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    # The stored name is a uuid with the extension of the detected type (see attachment_path).
    attachment.file.save(f"upload{upload.extension}", upload.file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def progress_entry_delete(*, entry_id: int, by: User) -> None:
    """The trainee removes an entry and its attachments (files too, after commit)."""
    entry = ProgressEntry.objects.select_related("project").get(pk=entry_id)
    policies.ensure_can_edit(by, entry.project)
    names = [a.file.name for a in entry.attachments.all()]
    storage = Attachment._meta.get_field("file").storage
    audit_record(
        target=entry.project,
        action="progress_deleted",
        by=by,
        data={"date": entry.date.isoformat(), "did": entry.did[:200]},
    )
    entry.delete()
    project_tools_store(project=entry.project)

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


NO_RESULT_REASON_MAX = 1000
NO_RESULT_REASON_NEEDED = _(
    "This project has no measurable result yet (not enough data). Say why you are marking it "
    "reviewed without one."
)


@transaction.atomic
def project_review(
    *, project_id: int, by: User, comment: str = "", no_result_reason: str = ""
) -> Project:
    """An analyst marks the project reviewed; the trainee is told. Locks the project.

    A project without a result (not enough data) is reviewed only with `no_result_reason`,
    which the audit row keeps, so "reviewed" never hides a project that measured nothing.
    """
    project = _lock(project_id)
    policies.ensure_is_analyst(by)
    if project.trainee_id == by.pk:
        raise ValidationError(_("You can't review your own project."))
    reason = no_result_reason.strip()[:NO_RESULT_REASON_MAX]
    if project.verdict == results.Verdict.NOT_ENOUGH_DATA and not reason:
        raise ValidationError(NO_RESULT_REASON_NEEDED)
    project.reviewed_by = by
    project.review_comment = comment.strip()
    transition(
        project,
        to=Status.REVIEWED,
        by=by,
        comment=comment.strip(),
        data={"no_result_reason": reason} if reason else None,
        extra_update_fields=("reviewed_by", "review_comment"),
    )
    follow_ups_schedule(project=project)
    email_queue(
        to=[project.trainee.email],
        template="projects/emails/reviewed",
        context={
            "project": project,
            "actor": by,
            "comment": comment.strip(),
            "url": project_url(project),
        },
        dedupe_key=f"project:{project.pk}:reviewed:{project.status_changed_at.isoformat()}",
        reason=_("This is your Lean Leaders improvement project."),
    )
    return project


@transaction.atomic
def project_reopen(*, project_id: int, by: User, comment: str = "") -> Project:
    """An analyst reopens a reviewed project so the trainee can keep logging."""
    project = _lock(project_id)
    policies.ensure_is_analyst(by)
    transition(project, to=Status.ACTIVE, by=by, comment=comment.strip())
    sustainment_store(project=project)
    return project


# --- The project team and its sponsor ---------------------------------------------------------


def _member_email(member: ProjectMember, *, by: User, invited: bool) -> None:
    """Tell the person they are on the team: a link to the project, or for an address with no
    account yet, how to sign up with it (the project shows once they have)."""
    project = member.project
    email_queue(
        to=[member.email],
        template="projects/emails/team_invited" if invited else "projects/emails/team_added",
        context={
            "project": project,
            "member": member,
            "actor": by,
            "url": project_url(project),
            "signup_url": absolute_url(reverse("signup")),
        },
        dedupe_key=f"project:{project.pk}:team:{member.email}:{member.added_at.isoformat()}",
        # Rendered in the recipient's language, not the sender's.
        reason=format_lazy(
            _("{name} added you to the team of an improvement project."), name=by.full_name
        ),
    )


def _check_role(role: str) -> None:
    if role not in ProjectMember.Role.values:
        raise ValidationError({"role": _("Choose a role.")})


@transaction.atomic
def team_member_add(
    *, project_id: int, by: User, user_id: int, role: str, may_log: bool = False
) -> ProjectMember:
    """The lead (or an analyst) adds a person from city staff to the team. Locks the project
    (two people adding the same person at once); records it; emails the new member."""
    project = _lock(project_id)
    policies.ensure_can_manage_team(by, project)
    _check_role(role)
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise ValidationError(_("That person is not in the city's staff list."))
    return _member_create(
        project=project, by=by, person=person, email=person.email, role=role, may_log=may_log
    )


@transaction.atomic
def team_member_invite(
    *, project_id: int, by: User, email: str, role: str, may_log: bool = False
) -> ProjectMember:
    """The lead (or an analyst) invites a city address to the team. An address that already
    has an account joins as that person; another is emailed how to sign up, and sees the
    project once its account exists. Locks the project; records it; emails the invitation."""
    from leanleaders.services import email_domain_allowed

    project = _lock(project_id)
    policies.ensure_can_manage_team(by, project)
    _check_role(role)
    email = email.strip().lower()
    if not email_domain_allowed(email):
        raise ValidationError({"email": _("Invite a city email address.")})
    # An account waiting for its address to be confirmed joins as that person too: the
    # project shows once they sign in.
    person = User.objects.filter(email__iexact=email).first()
    return _member_create(
        project=project, by=by, person=person, email=email, role=role, may_log=may_log
    )


def _member_create(
    *, project: Project, by: User, person: User | None, email: str, role: str, may_log: bool
) -> ProjectMember:
    email = email.lower()
    if email == project.trainee.email.lower() or (
        person is not None and person.pk == project.trainee_id
    ):
        raise ValidationError(_("The trainee leads this project already."))
    if ProjectMember.objects.filter(project=project, email=email).exists():
        raise ValidationError(_("%(email)s is on the team already.") % {"email": email})
    member = ProjectMember.objects.create(
        project=project,
        user=person,
        email=email,
        role=role,
        may_log=may_log,
        added_by=by,
    )
    audit_record(
        target=project,
        action="team-member-added",
        by=by,
        data={"email": email, "role": role, "may_log": may_log, "invited": person is None},
    )
    _member_email(member, by=by, invited=person is None)
    return member


def _lock_member(member_id: int) -> ProjectMember:
    project_id = ProjectMember.objects.values_list("project_id", flat=True).get(pk=member_id)
    project = _lock(project_id)
    member = ProjectMember.objects.select_for_update().get(pk=member_id)
    member.project = project
    return member


@transaction.atomic
def team_member_update(*, member_id: int, by: User, role: str, may_log: bool) -> ProjectMember:
    """The lead (or an analyst) changes a member's role or whether they may log. Locks the
    project, then the member; records the change."""
    member = _lock_member(member_id)
    policies.ensure_can_manage_team(by, member.project)
    _check_role(role)
    if (member.role, member.may_log) != (role, may_log):
        member.role, member.may_log = role, may_log
        member.save(update_fields=["role", "may_log"])
        audit_record(
            target=member.project,
            action="team-member-changed",
            by=by,
            data={"email": member.email, "role": role, "may_log": may_log},
        )
    return member


@transaction.atomic
def team_member_remove(*, member_id: int, by: User) -> None:
    """The lead (or an analyst) takes someone off the team. What they logged stays, under
    their name. Locks the project, then the member; records it."""
    member = _lock_member(member_id)
    policies.ensure_can_manage_team(by, member.project)
    audit_record(
        target=member.project,
        action="team-member-removed",
        by=by,
        data={"email": member.email, "role": member.role},
    )
    member.delete()


@transaction.atomic
def project_sponsor_set(*, project_id: int, by: User, user_id: int) -> Project:
    """The lead (or an analyst) names the sponsor. A new sponsor has not agreed the goal yet,
    so the agreement is cleared. Locks the project; records it."""
    project = _lock(project_id)
    policies.ensure_can_manage_team(by, project)
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise ValidationError(_("That person is not in the city's staff list."))
    if person.pk == project.trainee_id:
        raise ValidationError(_("The trainee cannot sponsor their own project."))
    if project.sponsor_id == person.pk:
        return project
    previous = project.sponsor_id
    project.sponsor = person
    project.sponsor_agreed_goal_at = None
    project.sponsor_agreed_goal_by = None
    project.sponsor_agreed_target = None
    project.sponsor_agreed_target_date = None
    project.save(update_fields=[*SPONSOR_FIELDS, "updated_at"])
    audit_record(
        target=project,
        action="sponsor-changed",
        by=by,
        data={"from": previous, "to": person.pk},
    )
    return project


SPONSOR_FIELDS = (
    "sponsor",
    "sponsor_agreed_goal_at",
    "sponsor_agreed_goal_by",
    "sponsor_agreed_target",
    "sponsor_agreed_target_date",
)


@transaction.atomic
def project_goal_agree(*, project_id: int, by: User) -> Project:
    """The sponsor agrees the goal: the primary measure and its target. Recorded with who, when
    and the target agreed, so a later change of target shows the agreement is out of date.
    Locks the project; records it."""
    project = _lock(project_id)
    policies.ensure_can_agree_goal(by, project)
    primary = Measure.objects.filter(project=project, is_primary=True).first()
    if primary is None or primary.target_value is None:
        raise ValidationError(
            _("The project has no target yet: the trainee sets one on the primary measure.")
        )
    project.sponsor_agreed_goal_at = timezone.now()
    project.sponsor_agreed_goal_by = by
    project.sponsor_agreed_target = primary.target_value
    project.sponsor_agreed_target_date = primary.target_date
    project.save(update_fields=[*SPONSOR_FIELDS, "updated_at"])
    audit_record(
        target=project,
        action="goal-agreed",
        by=by,
        data={
            "target": _jsonable(primary.target_value),
            "target_date": _jsonable(primary.target_date),
        },
    )
    return project


# --- Follow-ups after Day 3 ----------------------------------------------------------------------
#
# The follow-up rows are made by the review, in its transaction, rather than lazily by the
# reminder rule: the project page shows the three dates from the day the project is reviewed,
# the report counts what is due from rows that exist whether or not beat ran, and a rule stays
# a read (it never decides what exists). `sustainment_recompute` makes them for projects
# reviewed before follow-ups existed.
#
# A follow-up value is NOT also saved as a Measurement of the primary measure: the stored result
# is the median of the latest measurements, so a 180-day value would move the Day-3 result (and
# the project's verdict, the board and the report's "improved" counts) that the follow-up is
# judged against. The value lives on the follow-up, beside the result.


def _day3_reference(project: Project) -> tuple[Decimal, Decimal] | None:
    """The baseline and gain of the primary measure's stored result, when it improved."""
    primary = Measure.objects.filter(project=project, is_primary=True).first()
    if (
        primary is None
        or primary.result_verdict != results.Verdict.IMPROVED
        or primary.result_baseline is None
        or primary.result_gain is None
    ):
        return None
    return primary.result_baseline, primary.result_gain


def follow_ups_schedule(
    *, project: Project, keep_reference: bool = False, today: dt.date | None = None
) -> None:
    """Make (or move) the project's follow-ups after Day 3 and store its sustainment.

    Called with the project locked: by the review (the Day-3 reference is taken afresh from the
    stored result) and by `sustainment_recompute` (`keep_reference`: rows already made keep
    theirs). Without a Day 3 or without an improved result no follow-up is due; ones not logged
    yet are removed, logged ones stay with their value.
    """
    day3 = selectors.project_day3(project)
    existing = {f.days_after: f for f in FollowUp.objects.filter(project=project)}
    reference = _day3_reference(project)
    kept = next(iter(existing.values()), None) if keep_reference else None
    if kept is not None:
        reference = (kept.reference_baseline, kept.reference_gain)
    days = set(settings.LEANLEADERS_FOLLOW_UP_DAYS) if day3 and reference else set()
    FollowUp.objects.filter(project=project, value__isnull=True).exclude(
        days_after__in=days
    ).delete()
    if day3 is not None and reference is not None:
        baseline, gain = reference
        for days_after in sorted(days):
            FollowUp.objects.update_or_create(
                project=project,
                days_after=days_after,
                defaults={
                    "due_on": day3 + dt.timedelta(days=days_after),
                    "reference_baseline": baseline,
                    "reference_gain": gain,
                },
            )
    sustainment_store(project=project, today=today)


def sustainment_store(*, project: Project, today: dt.date | None = None) -> Sustainment:
    """Work out each follow-up's verdict and the project's, and store those that changed.

    Called with the project locked, in the transaction of every change to its follow-ups (a
    review, a reopening, a value logged, a follow-up found missed); `sustainment_recompute`
    calls it for every project. A project that is not reviewed has no sustainment.
    """
    today = today or timezone.localdate()
    follow_ups = list(FollowUp.objects.filter(project=project).order_by("days_after"))
    if not project.is_reviewed:
        FollowUp.objects.filter(project=project, value__isnull=True).delete()
        follow_ups = [f for f in follow_ups if f.is_logged]
    primary = Measure.objects.filter(project=project, is_primary=True).first()
    share_needed = settings.LEANLEADERS_SUSTAINED_SHARE
    for follow_up in follow_ups:
        verdict, kept = Sustainment.NOT_DUE, None
        if follow_up.value is not None and primary is not None:
            share = sustainment.kept_share(
                higher_is_better=primary.higher_is_better,
                baseline=follow_up.reference_baseline,
                day3_gain=follow_up.reference_gain,
                value=follow_up.value,
            )
            verdict = sustainment.verdict_of_share(share, sustained_share=share_needed)
            kept = (share * sustainment.HUNDRED).quantize(Decimal("0.0001"))
        elif not follow_up.is_logged and follow_up.last_day < today:
            verdict = Sustainment.MISSED
        if (follow_up.verdict, follow_up.kept_percent) != (verdict.value, kept):
            follow_up.verdict, follow_up.kept_percent = verdict.value, kept
            follow_up.save(update_fields=["verdict", "kept_percent"])
    overall = (
        sustainment.project_verdict([f.verdict for f in follow_ups])
        if project.is_reviewed
        else Sustainment.NOT_DUE
    )
    if project.sustainment != overall:
        project.sustainment = overall.value
        Project.objects.filter(pk=project.pk).update(sustainment=overall.value)
    return overall


@transaction.atomic
def follow_up_log(*, follow_up_id: int, by: User, value: Decimal) -> FollowUp:
    """The lead (or a team member who may log) logs the primary measure's value at a follow-up
    that is due (late too, once missed; again, to correct it). Locks the project, then the
    follow-up; records the value (and the one it replaces) in the audit log; stores the
    follow-up's and the project's sustainment."""
    project_id = FollowUp.objects.values_list("project_id", flat=True).get(pk=follow_up_id)
    project = _lock(project_id)
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up_id)
    policies.ensure_can_log_follow_up(by, project)
    if not follow_up.is_open(timezone.localdate()):
        raise ValidationError(
            _("This follow-up is due on %(date)s: log it from then.")
            % {"date": formats.date_format(follow_up.due_on)}
        )
    if not value.is_finite():
        raise ValidationError({"value": _("Enter a number.")})
    primary = Measure.objects.get(project=project, is_primary=True)
    _check_scale(primary, {"value": value})
    previous = follow_up.value
    follow_up.value = value
    follow_up.logged_at = timezone.now()
    follow_up.logged_by = by
    follow_up.save(update_fields=["value", "logged_at", "logged_by"])
    audit_record(
        target=project,
        action="follow-up-logged",
        by=by,
        data={
            "days_after": follow_up.days_after,
            "value": _jsonable(value),
            "previous": _jsonable(previous),
        },
    )
    sustainment_store(project=project)
    follow_up.refresh_from_db(fields=["verdict", "kept_percent"])
    follow_up.project = project
    return follow_up


def follow_ups_mark_missed(*, today: dt.date | None = None) -> int:
    """Store "missed" on every follow-up of a reviewed project left unlogged past its grace
    period, and on their projects. One short transaction per project, locked like any change.
    Run by the `follow-up-missed` reminder rule before it writes; returns how many projects
    changed."""
    today = today or timezone.localdate()
    project_ids = set(
        FollowUp.objects.pending().last_day_before(today).values_list("project_id", flat=True)
    )
    for project_id in sorted(project_ids):
        with transaction.atomic():
            sustainment_store(project=_lock(project_id), today=today)
    return len(project_ids)


def sustainment_recompute(
    *, today: dt.date | None = None, project_ids: Iterable[int] | None = None
) -> int:
    """Make the missing follow-ups of every reviewed project (those reviewed before follow-ups
    existed, or after a new day was added to `LEANLEADERS_FOLLOW_UP_DAYS`) and store every
    follow-up's and project's sustainment again (or only those of `project_ids`: follow-ups
    written outside the app). One short transaction per project; returns how many projects it
    stored."""
    projects = Project.objects.order_by("pk")
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    ids = list(projects.values_list("pk", flat=True))
    for project_id in ids:
        with transaction.atomic():
            project = _lock(project_id)
            if project.is_reviewed:
                follow_ups_schedule(project=project, keep_reference=True, today=today)
            else:
                sustainment_store(project=project, today=today)
    return len(ids)


@transaction.atomic
def project_application_share(*, project_id: int, by: User, shared: bool) -> Project:
    """The lead shares their application's answers with the team (members and the sponsor), or
    stops sharing them. Off by default. Locks the project; records the choice."""
    project = _lock(project_id)
    policies.ensure_can_share_application(by, project)
    if project.application_shared_with_team != shared:
        project.application_shared_with_team = shared
        project.save(update_fields=["application_shared_with_team", "updated_at"])
        audit_record(
            target=project,
            action="application-shared" if shared else "application-unshared",
            by=by,
        )
    return project
