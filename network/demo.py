"""Demo data for the Lean Leader network, called by `manage.py seed_demo` after every stage.

The reporting demo makes Harper Wilson (Spring cohort) a Lean Leader. Here an earlier cohort
adds three more: Rowan Davis, who offers peer coaching; Kai Robinson, who hides from the
directory; Blake Turner, listed without a story. Taylor Nguyen (Summer cohort, project in
progress) has asked Harper for a conversation; Jamie Patel's conversation with Rowan happened
and is shared on Jamie's timeline. Safe to run again: each piece is made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cohorts import demo as cohorts_demo
from leanleaders.models import User
from network import services
from network.models import PeerRequest
from projects import services as project_services
from projects.models import LeanTool, Measurement, PdcaStage, Project

ANALYST = "analyst@sfgov.org"
COHORT = "Winter cohort, last year"


@dataclass(frozen=True)
class DemoLeader:
    email: str
    baseline: int
    weekly: tuple[int, ...]
    tools: tuple[tuple[str, ...], ...]
    story: str = ""
    hidden: bool = False
    peer_coach: bool = False


LEADERS = (
    DemoLeader(
        "trainee2.dhr@sfgov.org",
        baseline=12,
        weekly=(11, 9, 7, 6, 6),
        tools=((LeanTool.PROCESS_MAPPING,), (LeanTool.FIVE_S, LeanTool.STANDARD_WORK)),
        story="Benefits questions bounced between three inboxes. We mapped the path on one "
        "wall, set up a shared 5S'd folder and a standard reply; answers now take half the time. "
        "Happy to talk about getting a team to keep a standard.",
        peer_coach=True,
    ),
    DemoLeader(
        "trainee3.dhr@sfgov.org",
        baseline=9,
        weekly=(9, 8, 6, 6),
        tools=((LeanTool.FIVE_WHYS,), (LeanTool.ERROR_PROOFING,)),
        story="Payroll corrections came from two typos; a checklist stopped them.",
        hidden=True,
    ),
    DemoLeader(
        "trainee3.lib@sfgov.org",
        baseline=40,
        weekly=(38, 30, 26, 25),
        tools=((LeanTool.SPAGHETTI,), (LeanTool.VISUAL_MANAGEMENT, LeanTool.FIVE_S)),
    ),
)
HARPER = DemoLeader(
    "trainee.dhr@sfgov.org",
    baseline=0,
    weekly=(),
    tools=(),
    story="Badges took a week because three offices each waited for the other. A process map "
    "on one page showed it; now HR orders the badge on the offer day.",
    peer_coach=True,
)


def _finish(project: Project, leader: DemoLeader, analyst: User, trainee: User) -> None:
    """Measure, log and review a started project (skipped once it has measurements)."""
    measure = project.measures.get(is_primary=True)
    if measure.measurements.exists():
        return
    today = timezone.localdate()
    measure = project_services.measure_update(
        measure_id=measure.pk,
        by=trainee,
        data={"baseline_value": Decimal(leader.baseline), "direction": "lower"},
    )
    start = today - dt.timedelta(weeks=len(leader.weekly) + 1)
    Measurement.objects.bulk_create(
        Measurement(
            measure=measure,
            date=start + dt.timedelta(weeks=i),
            value=Decimal(v),
            created_by=trainee,
        )
        for i, v in enumerate(leader.weekly)
    )
    project_services.measure_result_store(measure=measure)
    for weeks_ago, tools in enumerate(reversed(leader.tools), start=1):
        project_services.progress_entry_add(
            project_id=project.pk,
            by=trainee,
            date=today - dt.timedelta(weeks=weeks_ago),
            did="Tried the next countermeasure with the team.",
            tools=tools,
            pdca_stage=PdcaStage.DO,
        )
    project_services.project_review(
        project_id=project.pk, by=analyst, comment="A clear before and after."
    )


def _profile(person: User, leader: DemoLeader) -> None:
    services.profile_save(
        by=person,
        story=leader.story,
        hidden=leader.hidden,
        offers_peer_coaching=leader.peer_coach,
    )


def seed(people: dict[str, User]) -> None:
    analyst = people.get(ANALYST)
    if analyst is None or any(leader.email not in people for leader in (*LEADERS, HARPER)):
        return
    day1 = timezone.localdate() - dt.timedelta(days=150)
    cohorts_demo.completed_cohort(COHORT, day1, [leader.email for leader in LEADERS], people)
    for leader in LEADERS:
        trainee = people[leader.email]
        application = trainee.applications.filter(enrollments__cohort__name=COHORT).first()
        if application is None:
            continue
        project = Project.objects.filter(application=application).first()
        if project is None:
            project = project_services.project_start(application_id=application.pk, by=trainee)
        if not project.is_reviewed:
            _finish(project, leader, analyst, trainee)
        _profile(trainee, leader)
    _profile(people[HARPER.email], HARPER)
    _requests(people)


def _requests(people: dict[str, User]) -> None:
    if PeerRequest.objects.exists():
        return
    taylor, harper = people.get("trainee@sfgov.org"), people[HARPER.email]
    if taylor is not None:
        services.peer_request_create(
            by=taylor,
            peer_id=harper.pk,
            message="I'm mapping how renewals move between three teams and the map is a mess. "
            "Could we talk about how you kept yours to one page?",
        )
    jamie, rowan = people.get("trainee.mta@sfgov.org"), people[LEADERS[0].email]
    if jamie is not None:
        asked = services.peer_request_create(
            by=jamie,
            peer_id=rowan.pk,
            message="My team agreed a standard for permit checks but nobody keeps it. How did "
            "you make yours stick?",
        )
        services.peer_request_respond(request_id=asked.pk, by=rowan, accept=True)
        services.peer_help_record(
            request_id=asked.pk,
            by=jamie,
            date=timezone.localdate(),
            note="Rowan suggested a weekly two-minute check at the huddle and a visible "
            "checklist; we start on Monday.",
        )
        services.peer_help_share(request_id=asked.pk, by=jamie, shared=True)
