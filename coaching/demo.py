"""Demo coaching: coaches assigned, conversations with next steps (some done, some open, one
overdue), a reflection and a coaching request; one project never coached, so it shows in the
"not coached recently" list.

Called by `manage.py seed_demo` after the projects stage. Everything goes through the services;
a project that already has conversations is left as it is, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from coaching import services
from coaching.models import (
    CoachingRequest,
    Conversation,
    LeaderCadence,
    LeaderCoachingNote,
    NextStep,
)
from leanleaders.models import User
from projects import services as project_services
from projects.models import Project, ProjectMember

ANALYST = "analyst@sfgov.org"
ANALYST2 = "analyst2@sfgov.org"


@dataclass(frozen=True)
class DemoStep:
    description: str
    owner: str  # trainee, coach or manager
    due_in: int  # days after the conversation
    done: str | None = None  # the note when checked off ("" for no note)


@dataclass(frozen=True)
class DemoConversation:
    days_ago: int
    format: str
    minutes: int
    see: str
    in_the_way: str
    experiment: str
    tools: tuple[str, ...]
    obstacle: str
    steps: tuple[DemoStep, ...]
    private: str = ""
    reflection: str = ""


@dataclass(frozen=True)
class DemoCoaching:
    trainee: str
    coach: str
    conversations: tuple[DemoConversation, ...] = ()
    request: str = ""


PLANS = [
    DemoCoaching(
        trainee="trainee@sfgov.org",
        coach=ANALYST,
        conversations=(
            DemoConversation(
                40,
                "gemba",
                45,
                "Applications pile up in the shared inbox until the supervisor assigns them.",
                "Nobody can see how many cases wait, or for how long.",
                "Map the process end to end with two colleagues this week.",
                ("process_mapping",),
                "Cases wait unseen in the inbox",
                (
                    DemoStep("Walk the process and draw it on the whiteboard", "trainee", 5, ""),
                    DemoStep("Send the process-mapping guide", "coach", 1, "Sent by email"),
                ),
                private="Confident with the team; a little hesitant to challenge the supervisor.",
            ),
            DemoConversation(
                20,
                "in_person",
                30,
                "Most rework comes from missing documents found late.",
                "Intake doesn't check documents; the clerk finds gaps days later.",
                "Try an intake checklist for two weeks and count second requests.",
                ("five_whys", "fishbone", "standard_work"),
                "Missing documents found late",
                (
                    DemoStep("Draft the intake checklist with the team", "trainee", 4, "Done"),
                    DemoStep("Count second requests for two weeks", "trainee", 14),
                    DemoStep("Protect an hour a week for the project", "manager", 7, ""),
                ),
                reflection="I went in sure it was staffing. Asking why five times showed me the "
                "wait is mostly rework, which we can fix ourselves.",
            ),
            DemoConversation(
                5,
                "video",
                20,
                "Second requests are down since the checklist; the board is up.",
                "The evening shift hasn't seen the board.",
                "Walk the evening shift through the board at their huddle.",
                ("visual_management",),
                "Evening shift not using the board",
                (
                    DemoStep("Show the evening shift the board", "trainee", 10),
                    DemoStep("Share the run chart with the clinic director", "manager", 12),
                ),
            ),
        ),
    ),
    DemoCoaching(
        trainee="trainee.dhr@sfgov.org",
        coach=ANALYST2,
        conversations=(
            DemoConversation(
                30,
                "in_person",
                40,
                "Records go to the wrong bin when the label is unclear.",
                "The labels were designed years ago for a different filing system.",
                "Try colour-coded labels on one shelf.",
                ("five_s", "error_proofing"),
                "Unclear labels",
                (DemoStep("Label one shelf in colour", "trainee", 7, "Looks promising"),),
            ),
            DemoConversation(
                9,
                "phone",
                15,
                "Misfiles on the colour shelf dropped to almost none.",
                "Ordering labels for every shelf needs budget.",
                "Ask for a small budget and roll out one aisle at a time.",
                ("error_proofing",),
                "Budget for labels",
                (DemoStep("Ask the manager for the label budget", "trainee", 12),),
            ),
        ),
    ),
    DemoCoaching(
        trainee="trainee.mta@sfgov.org",
        coach=ANALYST2,
        conversations=(
            DemoConversation(
                25,
                "gemba",
                35,
                "Permits wait for a second check that rarely finds anything.",
                "The second check is a habit nobody owns.",
                "Measure how often the second check finds an error.",
                ("process_mapping", "five_whys"),
                "A second check that adds a day",
                (DemoStep("Tally second-check findings for a week", "trainee", 7, ""),),
            ),
        ),
        request="The data is in: the second check found 1 error in 200. Can we talk about "
        "dropping it?",
    ),
    DemoCoaching(
        trainee="trainee.dpw@sfgov.org",
        coach=ANALYST,
        conversations=(
            DemoConversation(
                60,
                "gemba",
                50,
                "Crews arrive without the part they need.",
                "The work order doesn't say which part.",
                "Add the part to the work order form.",
                ("error_proofing", "standard_work"),
                "Missing part information",
                (DemoStep("Add a part field to the form", "trainee", 7, "Live since Monday"),),
            ),
        ),
    ),
    # Never coached: shows in the "not coached recently" list.
    DemoCoaching(trainee="trainee.lib@sfgov.org", coach=ANALYST),
]


def _log(project: Project, plan: DemoConversation, coach: User) -> Conversation:
    today = timezone.localdate()
    date = today - dt.timedelta(days=plan.days_ago)
    conversation = services.conversation_log(
        project_id=project.pk,
        by=coach,
        data={
            "date": date,
            "format": plan.format,
            "duration_minutes": plan.minutes,
            "what_we_see": plan.see,
            "whats_in_the_way": plan.in_the_way,
            "experiment_to_try": plan.experiment,
            "tools": list(plan.tools),
            "obstacle": plan.obstacle,
        },
        steps=[
            services.StepInput(s.description, s.owner, date + dt.timedelta(days=s.due_in))
            for s in plan.steps
        ],
        private_notes=plan.private,
    )
    steps = list(conversation.next_steps.order_by("pk"))
    for step, spec in zip(steps, plan.steps, strict=True):
        if spec.done is not None:
            services.next_step_complete(step_id=step.pk, by=step.owner, note=spec.done)
    if plan.reflection:
        services.reflection_save(
            conversation_id=conversation.pk, by=project.trainee, text=plan.reflection
        )
    return conversation


def seed(people: dict[str, User]) -> None:
    """Create or refresh this stage's demo rows; must be safe to run again."""
    if ANALYST not in people or ANALYST2 not in people:
        return
    projects = {
        p.trainee.email: p
        for p in Project.objects.filter(trainee__email__in=[plan.trainee for plan in PLANS])
        .select_related("trainee", "department")
        .order_by("created_at")
    }
    for plan in PLANS:
        project = projects.get(plan.trainee)
        if project is None:
            continue
        coach = people[plan.coach]
        services.coach_assign(project_ids=[project.pk], coach_id=coach.pk, by=people[ANALYST])
        if not Conversation.objects.filter(
            project=project, routine=Conversation.Routine.COACHING
        ).exists():
            for conversation in plan.conversations:
                _log(project, conversation, coach)
        if plan.request and not CoachingRequest.objects.filter(project=project).exists():
            services.coaching_request_create(
                project_id=project.pk, by=project.trainee, note=plan.request
            )
    seed_team_and_leaders(people)


# The team and the leaders' routines: Taylor's project has its sponsor (the manager who signed
# it off) and three members; Morgan walks the gemba with Taylor every two weeks, on cadence,
# while Sam's weekly touchpoint with Jamie is overdue.
TEAM = [
    ("trainee2@sfgov.org", ProjectMember.Role.TEAM_MEMBER, True),
    ("trainee3@sfgov.org", ProjectMember.Role.EXPERT, False),
    ("trainee4@sfgov.org", ProjectMember.Role.SUPPORT, False),
]
ON_CADENCE = ("trainee@sfgov.org", "manager@sfgov.org", 14)
OVERDUE = ("trainee.mta@sfgov.org", "manager.mta@sfgov.org", 7)


def _leader_of(project: Project, leader: User) -> None:
    trainee = project.trainee
    if trainee.supervisor_id is None:
        trainee.supervisor = leader
        trainee.save(update_fields=["supervisor"])


def seed_team_and_leaders(people: dict[str, User]) -> None:
    """Create or refresh the demo team and leader routines; safe to run again."""
    wanted = {ON_CADENCE[0], OVERDUE[0], ON_CADENCE[1], OVERDUE[1]}
    if not wanted <= people.keys():
        return
    projects = {
        p.trainee.email: p
        for p in Project.objects.filter(trainee__email__in=[ON_CADENCE[0], OVERDUE[0]])
        .select_related("trainee")
        .order_by("created_at")
    }
    taylor = projects.get(ON_CADENCE[0])
    if taylor is not None:
        lead = taylor.trainee
        sponsor = people[ON_CADENCE[1]]
        if taylor.sponsor_id != sponsor.pk:
            project_services.project_sponsor_set(project_id=taylor.pk, by=lead, user_id=sponsor.pk)
        for email, role, may_log in TEAM:
            if email in people and not taylor.members.filter(email=email).exists():
                project_services.team_member_add(
                    project_id=taylor.pk,
                    by=lead,
                    user_id=people[email].pk,
                    role=role,
                    may_log=may_log,
                )
        taylor.refresh_from_db()
        if not taylor.goal_agreed and taylor.measures.filter(target_value__isnull=False).exists():
            project_services.project_goal_agree(project_id=taylor.pk, by=sponsor)
        _leader_of(taylor, sponsor)
        if not LeaderCadence.objects.filter(project=taylor, leader=sponsor).exists():
            today = timezone.localdate()
            services.cadence_set(project_id=taylor.pk, by=sponsor, every_days=ON_CADENCE[2])
            LeaderCadence.objects.filter(project=taylor, leader=sponsor).update(
                started_on=today - dt.timedelta(days=28)
            )
            for days_ago in (17, 3):
                services.touchpoint_log(
                    project_id=taylor.pk,
                    by=sponsor,
                    routine=Conversation.Routine.GEMBA_WALK,
                    data={
                        "date": today - dt.timedelta(days=days_ago),
                        "duration_minutes": 20,
                        "what_we_see": "The sorted inbox: urgent renewals on top by 9:30.",
                        "whats_in_the_way": "Cases still arrive by fax on Mondays.",
                        "experiment_to_try": "Scan Monday faxes into the inbox first thing.",
                    },
                    steps=[
                        services.StepInput(
                            description="Try scanning Monday faxes first for two weeks",
                            owner_role=NextStep.Owner.TRAINEE,
                            due_date=today + dt.timedelta(days=11),
                        )
                    ]
                    if days_ago == 3
                    else [],
                )
    jamie = projects.get(OVERDUE[0])
    if jamie is not None:
        leader = people[OVERDUE[1]]
        _leader_of(jamie, leader)
        jamie.trainee.refresh_from_db()
        if not LeaderCadence.objects.filter(project=jamie, leader=leader).exists():
            today = timezone.localdate()
            services.cadence_set(project_id=jamie.pk, by=leader, every_days=OVERDUE[2])
            # Set three weeks ago and never held: overdue.
            LeaderCadence.objects.filter(project=jamie, leader=leader).update(
                started_on=today - dt.timedelta(days=21),
                due_on=today - dt.timedelta(days=14),
            )
        analyst = people.get(ANALYST)
        if analyst is not None and not LeaderCoachingNote.objects.filter(leader=leader).exists():
            services.leader_note_add(
                leader_id=leader.pk,
                by=analyst,
                body=(
                    "Set a weekly huddle with Jamie three weeks ago and has not held one. "
                    "Ask what gets in the way; suggest ten minutes at Jamie's desk on Tuesdays, "
                    "and practise asking 'What do you see?' before offering a fix."
                ),
            )
    # The cadences' start dates were moved back above: count them again, as the command does.
    services.leader_figures_recompute(project_ids=[p.pk for p in projects.values()])
