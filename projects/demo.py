"""Demo improvement projects: improved, unchanged, worse, waiting for data, and one reviewed.

Called by `manage.py seed_demo` after the applications and cohorts stages. A demo trainee with no
application gets one through the applications services (draft, submit, manager approval, analyst
acceptance), so the demo goes through the same rules as real use. Safe to run again: existing
projects keep their data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from leanleaders.models import User
from projects import services
from projects.models import BaselinePoint, Measurement, Project

ANALYST = "analyst@sfgov.org"


@dataclass(frozen=True)
class DemoEntry:
    weeks_ago: int
    did: str
    learned: str
    next_steps: str
    tools: tuple[str, ...]
    stage: str


@dataclass(frozen=True)
class DemoProject:
    trainee: str
    title: str
    process_today: str
    problem: str
    evidence: str
    why: str
    measure: str
    unit: str
    direction: str
    collection: str
    baseline_points: tuple[float, ...]
    target: float | None
    weekly: tuple[float, ...]  # oldest first, one a week ending this week
    entries: tuple[DemoEntry, ...] = ()
    story: dict[str, str] = field(default_factory=dict)
    reviewed: bool = False


MAPPING = DemoEntry(
    7,
    "Walked the process end to end with two colleagues and drew it on the whiteboard.",
    "Eleven hand-offs; four of them are waiting for someone to check an inbox.",
    "Ask five whys on the longest wait.",
    ("process_mapping",),
    "plan",
)
WHYS = DemoEntry(
    6,
    "Ran five whys and a fishbone with the team on the longest wait.",
    "The real cause is missing documents discovered late, not staffing.",
    "Try a checklist at intake for two weeks.",
    ("five_whys", "fishbone"),
    "plan",
)

PROJECTS = [
    DemoProject(
        trainee="trainee@sfgov.org",
        title="Faster eligibility decisions",
        process_today="Applications arrive by mail and online, wait in a shared inbox, and are "
        "assigned by the supervisor each morning.",
        problem="Residents wait about 20 days for an eligibility decision; a third call to "
        "ask where their application is.",
        evidence="Case system report, January: median 20 days from receipt to decision.",
        why="Faster decisions mean residents get care sooner and staff take fewer chasing calls.",
        measure="Days from application to decision",
        unit="days",
        direction="lower",
        collection="Weekly report from the case system: median days for decisions that week.",
        baseline_points=(18, 21, 19, 22, 20),
        target=12,
        weekly=(19, 18, 16, 14, 13, 12, 12, 11),
        entries=(
            MAPPING,
            WHYS,
            DemoEntry(
                4,
                "Introduced an intake checklist and a standard work sheet for assigning cases.",
                "Cases with the checklist needed no second request for documents.",
                "Put a board up showing cases waiting by day.",
                ("standard_work", "error_proofing"),
                "do",
            ),
            DemoEntry(
                1,
                "Added a visual board by the supervisor's desk; checked the last four weeks.",
                "Waiting cases are picked up the same day now that everyone can see them.",
                "Hand the board over to the team lead.",
                ("visual_management", "pdca_a3"),
                "check",
            ),
        ),
        story={
            "root_cause": "Missing documents were found late, after the case waited in the "
            "inbox, so every case needed a second request.",
            "countermeasures": "Intake checklist; standard work for assigning cases; a visual "
            "board of waiting cases.",
            "result_summary": "The median decision time fell from 20 to about 12 days over "
            "eight weeks.",
            "sustain_plan": "The checklist is part of standard work; the team lead reviews "
            "the board at the morning huddle.",
        },
    ),
    DemoProject(
        trainee="trainee.dhr@sfgov.org",
        title="Fewer misfiled medical records",
        process_today="Scanned records are named by hand and filed into patient folders.",
        problem="About 14 records a week are filed to the wrong patient and must be found "
        "and moved.",
        evidence="Correction log kept by the records team since December.",
        why="Misfiled records delay care and are a privacy risk.",
        measure="Misfiled records per week",
        unit="records",
        direction="lower",
        collection="Count of corrections in the records team's log, every Friday.",
        baseline_points=(14, 13, 15, 14),
        target=5,
        weekly=(15, 13, 14, 14, 13, 15, 14, 13),
        entries=(
            MAPPING,
            DemoEntry(
                3,
                "Tried a naming template on the scanner.",
                "Staff skip the template when the queue is long.",
                "Try 5S on the scanning station before changing the template again.",
                ("error_proofing",),
                "do",
            ),
        ),
    ),
    DemoProject(
        trainee="trainee.mta@sfgov.org",
        title="Same-day residential parking permits",
        process_today="Residents apply at the counter or online; counter staff check proof of "
        "address by hand.",
        problem="Only about 60% of permits are issued the same day.",
        evidence="Permit system export for the last quarter.",
        why="Residents come back a second time and counter queues grow.",
        measure="Permits issued the same day",
        unit="%",
        direction="higher",
        collection="Permit system export every Monday for the week before.",
        baseline_points=(61, 63, 62, 62),
        target=85,
        weekly=(60, 58, 55, 57, 54, 52, 53, 51),
        entries=(
            DemoEntry(
                5,
                "Moved address checks to the back office to shorten the counter queue.",
                "Back-office checks pile up in the afternoon; same-day issue dropped.",
                "Map the back-office step and try an impact/effort matrix on the ideas.",
                ("spaghetti", "impact_effort"),
                "do",
            ),
        ),
    ),
    DemoProject(
        trainee="trainee.lib@sfgov.org",
        title="Holds on the shelf sooner",
        process_today="Holds arrive in crates from the central library and are shelved when "
        "staff have time.",
        problem="Patrons are notified a day or more after their hold arrives at the branch.",
        evidence="Patron complaints and staff observation.",
        why="Patrons come in for items that are not yet on the shelf.",
        measure="Minutes from delivery to holds shelf",
        unit="minutes",
        direction="lower",
        collection="Time the crates from delivery to shelf, three deliveries a week.",
        baseline_points=(),
        target=None,
        weekly=(38, 35),
    ),
    DemoProject(
        trainee="trainee.dpw@sfgov.org",
        title="Work orders closed at the first visit",
        process_today="Crews receive work orders on paper the morning of the job.",
        problem="Crews often arrive without the right parts and must come back.",
        evidence="Work order system: 70% closed at the first visit last quarter.",
        why="Every return visit costs a crew half a day.",
        measure="Work orders closed at the first visit",
        unit="%",
        direction="higher",
        collection="Work order system report, weekly.",
        baseline_points=(69, 71, 70),
        target=85,
        weekly=(72, 75, 78, 80, 81, 84, 85, 86),
        entries=(
            WHYS,
            DemoEntry(
                4,
                "Set up 5S parts kits for the five most common jobs.",
                "Crews pick the kit in two minutes instead of searching the yard.",
                "Keep the kits stocked with a visual minimum line.",
                ("five_s", "visual_management"),
                "do",
            ),
        ),
        story={
            "countermeasures": "Parts kits for common jobs; a minimum-stock line on each shelf.",
            "result_summary": "First-visit closure rose from 70% to 85%.",
            "sustain_plan": "The yard lead checks kit stock every Monday.",
        },
        reviewed=True,
    ),
]


def _accepted_application(spec: DemoProject, people: dict[str, User]) -> Application | None:
    trainee = people[spec.trainee]
    existing = (
        Application.objects.filter(trainee=trainee, status__in=Application.ACTIVE_STATUSES)
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing if existing.status == Application.Status.ACCEPTED else None
    analyst = people[ANALYST]
    application = application_services.application_create_draft(
        by=trainee,
        data={
            "title": spec.title,
            "process_today": spec.process_today,
            "problem": spec.problem,
            "evidence": spec.evidence,
            "measure_name": spec.measure,
            "measure_unit": spec.unit,
            "measure_direction": spec.direction,
            "baseline_estimate": None,
            "why_it_matters": spec.why,
            "role_and_team": f"{trainee.job_title}, {trainee.department.name}",  # type: ignore[union-attr]  # demo trainees have one
        },
    )
    application_services.application_submit(application_id=application.pk, by=trainee)
    manager = application.manager or trainee.department.managers.get()  # type: ignore[union-attr]  # demo trainees have one
    application_services.application_manager_decide(
        application_id=application.pk, by=manager, decision="approve"
    )
    return application_services.application_accept(
        application_id=application.pk, by=analyst, comment="Welcome to Lean Leaders."
    )


def _fill(project: Project, spec: DemoProject, people: dict[str, User]) -> None:
    trainee = people[spec.trainee]
    today = timezone.localdate()
    measure = project.measures.get(is_primary=True)
    if measure.measurements.exists() or project.progress_entries.exists():
        return
    first_week = today - dt.timedelta(weeks=len(spec.weekly) - 1)
    baseline_start = first_week - dt.timedelta(weeks=len(spec.baseline_points) + 1)
    # The application may come from an earlier stage's demo: the story here decides the measure.
    measure.name, measure.unit, measure.direction = spec.measure, spec.unit, spec.direction
    measure.collection_method = spec.collection
    measure.target_value = Decimal(str(spec.target)) if spec.target is not None else None
    measure.target_date = today + dt.timedelta(weeks=4) if spec.target is not None else None
    if spec.baseline_points:
        measure.baseline_period = "The weeks before the program"
        measure.baseline_method = "Weekly figures from the same report, before any change."
    measure.save()
    project.title, project.problem = spec.title, spec.problem
    project.save(update_fields=["title", "problem"])
    BaselinePoint.objects.bulk_create(
        BaselinePoint(
            measure=measure,
            date=baseline_start + dt.timedelta(weeks=i),
            value=Decimal(str(v)),
        )
        for i, v in enumerate(spec.baseline_points)
    )
    Measurement.objects.bulk_create(
        Measurement(
            measure=measure,
            date=first_week + dt.timedelta(weeks=i),
            value=Decimal(str(v)),
            created_by=trainee,
        )
        for i, v in enumerate(spec.weekly)
    )
    # The story's rows are bulk-created rather than logged one by one: store the result once.
    services.measure_result_store(measure=measure)
    for entry in spec.entries:
        services.progress_entry_add(
            project_id=project.pk,
            by=trainee,
            date=today - dt.timedelta(weeks=entry.weeks_ago),
            did=entry.did,
            learned=entry.learned,
            next_steps=entry.next_steps,
            tools=entry.tools,
            pdca_stage=entry.stage,
        )
    if spec.story:
        services.project_update(project_id=project.pk, by=trainee, data=spec.story)
    if spec.reviewed:
        services.project_review(
            project_id=project.pk,
            by=people[ANALYST],
            comment="Clear baseline, convincing run chart. Well done.",
        )


def seed(people: dict[str, User]) -> None:
    """Create or refresh this stage's demo rows; must be safe to run again."""
    for spec in PROJECTS:
        if spec.trainee not in people:
            continue
        application = _accepted_application(spec, people)
        if application is None:
            continue
        project = services.project_start(application_id=application.pk, by=people[spec.trainee])
        _fill(project, spec, people)
