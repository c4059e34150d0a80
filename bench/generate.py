"""Build a large-city dataset in the benchmark database, in bulk, with progress as it goes.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.generate [--scale 1.0] [--seed 2026]

Migrates, empties the database, then inserts (at --scale 1): 50 departments, 5,000 trainees,
200 cohorts, 5,000 applications, 4,000 projects, 100,000 measurements, 40,000 progress entries,
30,000 coaching conversations and 60,000 next steps, 8,000 leader touchpoints and 2,000 leaders'
cadences, with the enrollments, attendance, coach assignments, coaching requests and audit rows
that go with them, and the follow-ups after Day 3 of the reviewed projects that improved. Same
seed, same data (dates are relative to today so there are always cohorts running, due steps and
recent coaching).

Rows are written with bulk_create in batches, not through the services: the services' rules
(one active application per year, statuses and their audit rows) are respected by construction.
Everyone's password is `lean-bench-2026`, hashed once and reused. It writes
bench/out/subjects.json: the accounts and objects the load run requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from applications.models import Application  # noqa: E402
from coaching.models import (  # noqa: E402
    CoachAssignment,
    CoachingRequest,
    Conversation,
    LeaderCadence,
    NextStep,
)
from coaching.services import last_coached_store, leader_figures_recompute  # noqa: E402
from cohorts.models import Attendance, Cohort, Enrollment  # noqa: E402
from leanleaders.models import AuditEvent, Department, User  # noqa: E402
from projects.models import (  # noqa: E402
    FollowUp,
    LeanTool,
    Measure,
    Measurement,
    ProgressEntry,
    Project,
)
from projects.results import Verdict  # noqa: E402
from projects.services import sustainment_recompute  # noqa: E402

PASSWORD = "lean-bench-2026"  # noqa: S105
OUT = Path(__file__).resolve().parent / "out"
BATCH = 5000
S = Application.Status

# At scale 1: the large city.
SIZES = {
    "departments": 50,
    "cohorts": 200,
    "applications": 5000,
    "projects": 4000,
    "measurements": 100_000,
    "progress": 40_000,
    "conversations": 30_000,
    "touchpoints": 8000,
    "cadences": 2000,
    "analysts": 12,
}
# The share of projects whose sponsor (their department's manager) agreed the goal, and of the
# follow-ups that have fallen due that were logged.
GOAL_AGREED = 0.4
FOLLOW_UPS_LOGGED = 0.7
# What happened to the applications that did not become projects.
OTHER_STATUSES = [
    (S.SUBMITTED, 0.25),
    (S.MANAGER_APPROVED, 0.25),
    (S.DRAFT, 0.15),
    (S.WAITLISTED, 0.10),
    (S.DECLINED, 0.10),
    (S.WITHDRAWN, 0.10),
    (S.CHANGES_REQUESTED, 0.05),
]
TOOLS = LeanTool.values
WORDS = [
    "request",
    "queue",
    "handoff",
    "approval",
    "form",
    "inbox",
    "backlog",
    "rework",
    "delay",
    "permit",
    "case",
    "invoice",
    "inspection",
    "intake",
    "review",
    "schedule",
    "callback",
    "error",
    "duplicate",
    "wait",
    "signature",
]


class Progress:
    """Prints one line per table: rows written, elapsed time and rows per second."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.total = 0

    def insert(self, model: type[models.Model], rows: Iterable[models.Model], count: int) -> list:
        label = model._meta.verbose_name_plural
        start = time.perf_counter()
        created: list[models.Model] = []
        batch: list[models.Model] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                created += model.objects.bulk_create(batch)
                batch = []
                self._line(label, len(created), count, start)
        if batch:
            created += model.objects.bulk_create(batch)
        self._line(label, len(created), count, start, done=True)
        self.total += len(created)
        return created

    def _line(self, label: str, n: int, count: int, start: float, done: bool = False) -> None:
        elapsed = time.perf_counter() - start
        rate = n / elapsed if elapsed else 0
        end = "\n" if done else "\r"
        sys.stdout.write(
            f"  {label:<28} {n:>9,} / {count:<9,} {elapsed:6.1f} s  {rate:>9,.0f} rows/s{end}"
        )
        sys.stdout.flush()


def spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """Split `total` rows over `buckets` owners at random (about total/buckets each)."""
    counts = [0] * buckets
    for _ in range(total):
        counts[rng.randrange(buckets)] += 1
    return counts


def sentence(rng: random.Random, n: int = 8) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def days_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = max((end - start).days, 0)
    return start + dt.timedelta(days=rng.randint(0, span))


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(scale: float, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    size = {k: max(int(v * scale), 1) for k, v in SIZES.items()}
    size["departments"] = max(size["departments"], 2)
    today = timezone.localdate()
    now = timezone.now()
    progress = Progress()
    password = make_password(PASSWORD)
    types = ContentType.objects.get_for_models(Application, Project)

    # People: departments of very different sizes, one manager each (some with an alternate).
    departments = progress.insert(
        Department,
        (
            Department(name=f"Department {i:02d}", code=f"D{i:02d}")
            for i in range(size["departments"])
        ),
        size["departments"],
    )
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(departments))]
    staff = [
        User(
            email=f"manager{i:02d}@bench.test",
            full_name=f"Manager {i:02d}",
            role=User.Role.MANAGER,
            department=d,
            password=password,
        )
        for i, d in enumerate(departments)
    ] + [
        User(
            email=f"analyst{i:02d}@bench.test",
            full_name=f"Analyst {i:02d}",
            role=User.Role.ANALYST,
            is_staff=True,
            is_superuser=True,  # as the admin makes every analyst (leanleaders/admin.py)
            password=password,
        )
        for i in range(size["analysts"])
    ]
    staff = progress.insert(User, staff, len(staff))
    managers = staff[: len(departments)]
    analysts = staff[len(departments) :]
    Department.managers.through.objects.bulk_create(
        Department.managers.through(department_id=d.pk, user_id=m.pk)
        for d, m in zip(departments, managers, strict=True)
    )
    manager_of = {d.pk: m for d, m in zip(departments, managers, strict=True)}
    n_apps = size["applications"]
    trainee_departments = rng.choices(departments, weights=weights, k=n_apps)
    trainees = progress.insert(
        User,
        (
            User(
                email=f"trainee{i:05d}@bench.test",
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i:05d}",
                role=User.Role.TRAINEE,
                department=d,
                job_title="Analyst II",
                password=password,
            )
            for i, d in enumerate(trainee_departments)
        ),
        n_apps,
    )

    # Cohorts: every few days from two years ago to four months ahead.
    n_cohorts = size["cohorts"]
    first = today - dt.timedelta(days=700)
    step = 820 / n_cohorts
    cohorts = []
    for i in range(n_cohorts):
        day1 = first + dt.timedelta(days=int(i * step))
        day3 = day1 + dt.timedelta(days=28)
        if day3 < today:
            status = Cohort.Status.COMPLETED
        elif day1 <= today:
            status = Cohort.Status.IN_PROGRESS
        elif day1 <= today + dt.timedelta(days=60):
            status = Cohort.Status.OPEN
        else:
            status = Cohort.Status.PLANNED
        cohorts.append(
            Cohort(
                name=f"Cohort {i + 1:03d} ({day1:%b %Y})",
                status=status,
                day1=day1,
                day2=day1 + dt.timedelta(days=1),
                day3=day3,
                location=f"City Hall, Room {200 + i % 30}",
                capacity=25,
                preparation=sentence(rng, 20),
                created_by=analysts[0],
            )
        )
    cohorts = progress.insert(Cohort, cohorts, n_cohorts)

    # Applications: the first `projects` were accepted (placed in cohorts in date order), the
    # rest are spread over the other states.
    n_projects = min(size["projects"], n_apps)
    other = rng.choices(
        [s for s, _ in OTHER_STATUSES], weights=[w for _, w in OTHER_STATUSES], k=n_apps
    )
    statuses = [S.ACCEPTED] * n_projects + other[n_projects:]
    per_cohort = n_projects / n_cohorts
    cohort_of = [cohorts[min(int(i / per_cohort), n_cohorts - 1)] for i in range(n_projects)]

    def application(i: int, trainee: User, status: str) -> Application:
        created = (
            aware(cohort_of[i].day1 - dt.timedelta(days=rng.randint(20, 60)))
            if i < n_projects
            else now - dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 23))
        )
        direction = rng.choice(["lower", "higher"])
        return Application(
            trainee=trainee,
            department_id=trainee.department_id,
            manager=manager_of[trainee.department_id] if status != S.DRAFT else None,
            program_year=created.year,
            status=status,
            status_changed_at=created + dt.timedelta(days=5),
            submitted_at=None if status == S.DRAFT else created + dt.timedelta(days=1),
            created_at=created,
            title=f"Fewer {rng.choice(WORDS)} delays in {rng.choice(WORDS)}s"[:120],
            process_today=sentence(rng, 30),
            problem=sentence(rng, 25),
            evidence=sentence(rng, 20),
            measure_name=f"Days per {rng.choice(WORDS)}",
            measure_unit="days",
            measure_direction=direction,
            baseline_estimate=Decimal(rng.randint(5, 40)),
            why_it_matters=sentence(rng, 20),
            role_and_team="Clerk, front counter",
        )

    applications = progress.insert(
        Application,
        (application(i, t, s) for i, (t, s) in enumerate(zip(trainees, statuses, strict=True))),
        n_apps,
    )
    upcoming = [c for c in cohorts if c.day1 > today] or cohorts[-1:]
    enrollments = [
        Enrollment(
            cohort=cohort_of[i],
            application=a,
            trainee_id=a.trainee_id,
            status=Enrollment.Status.ENROLLED,
            accepted_at=a.status_changed_at,
            queue_at=a.status_changed_at,
            placed_by=analysts[0],
        )
        for i, a in enumerate(applications[:n_projects])
    ] + [
        Enrollment(
            cohort=rng.choice(upcoming),
            application=a,
            trainee_id=a.trainee_id,
            status=Enrollment.Status.WAITLISTED,
            accepted_at=a.status_changed_at,
            queue_at=a.status_changed_at,
            placed_by=analysts[0],
        )
        for a in applications[n_projects:]
        if a.status == S.WAITLISTED
    ]
    enrollments = progress.insert(Enrollment, enrollments, len(enrollments))
    marks = ["present"] * 17 + ["late", "absent", "excused"]
    attendance = [
        Attendance(
            enrollment=e,
            day=day,
            mark=rng.choice(marks),
            recorded_by=analysts[0],
            recorded_at=aware(e.cohort.session_date(day), 17),
        )
        for e in enrollments
        if e.status == Enrollment.Status.ENROLLED
        for day in (1, 2, 3)
        if e.cohort.session_date(day) <= today
    ]
    progress.insert(Attendance, attendance, len(attendance))

    # Projects, one primary measure each, and their measurements and progress log.
    def started(i: int) -> dt.date:
        return min(cohort_of[i].day1, today - dt.timedelta(days=14))

    agreed = [rng.random() < GOAL_AGREED for _ in range(n_projects)]
    projects = progress.insert(
        Project,
        (
            Project(
                application=a,
                trainee_id=a.trainee_id,
                department_id=a.department_id,
                status=Project.Status.REVIEWED
                if cohort_of[i].day3 < today - dt.timedelta(days=90)
                else Project.Status.ACTIVE,
                created_at=aware(started(i)),
                status_changed_at=aware(started(i)),
                title=a.title,
                problem=a.problem,
                background=a.why_it_matters,
                current_condition=a.process_today,
                root_cause=sentence(rng, 15),
                countermeasures=sentence(rng, 15),
                reviewed_by=analysts[0]
                if cohort_of[i].day3 < today - dt.timedelta(days=90)
                else None,
                # The sponsor is the manager who signed off; some have agreed the goal.
                sponsor_id=a.manager_id,
                sponsor_agreed_goal_at=aware(started(i)) if agreed[i] else None,
                sponsor_agreed_goal_by_id=a.manager_id if agreed[i] else None,
                sponsor_agreed_target=a.baseline_estimate * Decimal("0.7") if agreed[i] else None,
            )
            for i, a in enumerate(applications[:n_projects])
        ),
        n_projects,
    )
    measures = progress.insert(
        Measure,
        (
            Measure(
                project=p,
                is_primary=True,
                name=a.measure_name,
                unit=a.measure_unit,
                direction=a.measure_direction,
                baseline_value=a.baseline_estimate,
                baseline_period="The month before Day 1",
                target_value=a.baseline_estimate * Decimal("0.7"),
                target_date=started(i) + dt.timedelta(days=120),
            )
            for i, (p, a) in enumerate(zip(projects, applications[:n_projects], strict=True))
        ),
        n_projects,
    )

    def measurements() -> Iterator[Measurement]:
        for i, count in enumerate(spread(rng, size["measurements"], n_projects)):
            measure = measures[i]
            base = float(measure.baseline_value)
            start = started(i)
            span = max((today - start).days, 1)
            better = -1 if measure.direction == "lower" else 1
            for k in range(count):
                day = start + dt.timedelta(days=span * k // max(count, 1))
                value = base * (1 + better * 0.3 * k / max(count, 1)) + rng.uniform(-2, 2)
                yield Measurement(
                    measure=measure,
                    date=day,
                    value=Decimal(f"{max(value, 0):.2f}"),
                    created_by_id=projects[i].trainee_id,
                    created_at=aware(day, 16),
                )

    progress.insert(Measurement, measurements(), size["measurements"])

    def entries() -> Iterator[ProgressEntry]:
        for i, count in enumerate(spread(rng, size["progress"], n_projects)):
            for _ in range(count):
                day = days_between(rng, started(i), today)
                yield ProgressEntry(
                    project=projects[i],
                    date=day,
                    did=sentence(rng, 20),
                    learned=sentence(rng, 12),
                    next_steps=sentence(rng, 10),
                    tools=rng.sample(TOOLS, rng.randint(0, 3)),
                    pdca_stage=rng.choice(["plan", "do", "check", "act"]),
                    created_by_id=projects[i].trainee_id,
                    created_at=aware(day, 12),
                )

    progress.insert(ProgressEntry, entries(), size["progress"])

    # Coaching: a coach per project, conversations with two next steps each, some requests.
    coach_of = [rng.choice(analysts) for _ in projects]
    progress.insert(
        CoachAssignment,
        (
            CoachAssignment(
                project=p, coach=coach_of[i], assigned_by=analysts[0], started_at=aware(started(i))
            )
            for i, p in enumerate(projects)
        ),
        n_projects,
    )
    conversation_project: list[int] = []

    def conversations() -> Iterator[Conversation]:
        for i, count in enumerate(spread(rng, size["conversations"], n_projects)):
            for _ in range(count):
                day = days_between(rng, started(i), today)
                conversation_project.append(i)
                yield Conversation(
                    project=projects[i],
                    coach=coach_of[i],
                    date=day,
                    format=rng.choice(["gemba", "in_person", "video", "phone"]),
                    duration_minutes=rng.choice([20, 30, 45, 60]),
                    what_we_see=sentence(rng, 15),
                    whats_in_the_way=sentence(rng, 12),
                    experiment_to_try=sentence(rng, 12),
                    tools=rng.sample(TOOLS, rng.randint(0, 2)),
                    obstacle=sentence(rng, 5),
                    created_at=aware(day, 11),
                )

    talks = progress.insert(Conversation, conversations(), size["conversations"])

    def steps() -> Iterator[NextStep]:
        for conversation, i in zip(talks, conversation_project, strict=True):
            project = projects[i]
            for role in ("trainee", rng.choice(["coach", "manager", "trainee"])):
                owner_id = {
                    "trainee": project.trainee_id,
                    "coach": coach_of[i].pk,
                    "manager": manager_of[project.department_id].pk,
                }[role]
                due = conversation.date + dt.timedelta(days=rng.randint(5, 21))
                done = due < today - dt.timedelta(days=3) and rng.random() < 0.85
                yield NextStep(
                    conversation=conversation,
                    project=project,
                    description=sentence(rng, 8)[:300],
                    owner_role=role,
                    owner_id=owner_id,
                    due_date=due,
                    status=NextStep.Status.DONE if done else NextStep.Status.OPEN,
                    done_at=aware(due) if done else None,
                    done_by_id=owner_id if done else None,
                    created_at=conversation.created_at,
                )

    progress.insert(NextStep, steps(), 2 * len(talks))

    # Leaders' routines: the department's manager (the project's sponsor) walks the gemba,
    # holds huddles and coaches on the projects that have begun, some on an agreed cadence.
    begun = [i for i in range(n_projects) if cohort_of[i].day1 <= today]

    def touchpoints() -> Iterator[Conversation]:
        for k, count in enumerate(spread(rng, size["touchpoints"], len(begun))):
            i = begun[k]
            for _ in range(count):
                day = days_between(rng, cohort_of[i].day1, today)
                yield Conversation(
                    project=projects[i],
                    coach=manager_of[projects[i].department_id],
                    routine=rng.choice(Conversation.LEADER_ROUTINES),
                    date=day,
                    format=rng.choice(["gemba", "in_person"]),
                    duration_minutes=rng.choice([10, 15, 30]),
                    what_we_see=sentence(rng, 12),
                    whats_in_the_way=sentence(rng, 10),
                    experiment_to_try=sentence(rng, 10),
                    created_at=aware(day, 9),
                )

    progress.insert(Conversation, touchpoints(), size["touchpoints"])
    on_cadence = rng.sample(begun, k=min(size["cadences"], len(begun)))
    # Counted (made, next due) by `leader_figures_recompute` after the build, from the rows.
    progress.insert(
        LeaderCadence,
        (
            LeaderCadence(
                leader=manager_of[projects[i].department_id],
                project=projects[i],
                every_days=rng.choice([7, 14, 30]),
                started_on=cohort_of[i].day1,
                due_on=cohort_of[i].day1,
            )
            for i in on_cadence
        ),
        len(on_cadence),
    )
    asked = rng.sample(range(n_projects), k=n_projects // 4)
    progress.insert(
        CoachingRequest,
        (
            CoachingRequest(
                project=projects[i],
                requested_by_id=projects[i].trainee_id,
                note=sentence(rng, 10),
                created_at=now - dt.timedelta(days=rng.randint(0, 200)),
                resolved_at=None if k % 5 == 0 else now - dt.timedelta(days=rng.randint(0, 100)),
                resolved_by=None if k % 5 == 0 else coach_of[i],
            )
            for k, i in enumerate(asked)
        ),
        len(asked),
    )

    # Audit rows the timelines read: each application's status changes, each project's start.
    path = {
        S.DRAFT: [],
        S.SUBMITTED: [S.SUBMITTED],
        S.CHANGES_REQUESTED: [S.SUBMITTED, S.CHANGES_REQUESTED],
        S.MANAGER_APPROVED: [S.SUBMITTED, S.MANAGER_APPROVED],
        S.ACCEPTED: [S.SUBMITTED, S.MANAGER_APPROVED, S.ACCEPTED],
        S.WAITLISTED: [S.SUBMITTED, S.MANAGER_APPROVED, S.WAITLISTED],
        S.DECLINED: [S.SUBMITTED, S.MANAGER_APPROVED, S.DECLINED],
        S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    }

    def events() -> Iterator[AuditEvent]:
        app_type = types[Application].pk
        for a in applications:
            yield AuditEvent(
                created_at=a.created_at,
                actor_id=a.trainee_id,
                action="created",
                target_type_id=app_type,
                target_id=a.pk,
            )
            before = S.DRAFT
            for k, to in enumerate(path[a.status]):
                yield AuditEvent(
                    created_at=a.created_at + dt.timedelta(days=k + 1),
                    actor_id=a.trainee_id if to == S.SUBMITTED else a.manager_id,
                    action="status",
                    target_type_id=app_type,
                    target_id=a.pk,
                    from_status=before,
                    to_status=to,
                )
                before = to
        for p in projects:
            yield AuditEvent(
                created_at=p.created_at,
                actor_id=p.trainee_id,
                action="created",
                target_type_id=types[Project].pk,
                target_id=p.pk,
            )

    n_events = n_apps + n_projects + sum(len(path[a.status]) for a in applications)
    progress.insert(AuditEvent, events(), n_events)

    # The accounts the load run signs in as: a trainee with a running project and an average
    # amount of data, the manager of the largest department, an analyst.
    running = [
        i
        for i in range(n_projects)
        if cohort_of[i].status == Cohort.Status.IN_PROGRESS
        and projects[i].status == Project.Status.ACTIVE
    ] or list(range(n_projects))
    subject = running[len(running) // 2]
    biggest = max(departments, key=lambda d: trainee_departments.count(d))
    # Many different people for the interleaved run: trainees with running projects, spread over
    # the list, and every department's manager.
    pool = running[:: max(len(running) // PEOPLE_IN_POOL, 1)][:PEOPLE_IN_POOL]
    return {
        "trainees": [
            {"email": trainees[i].email, "project": projects[i].pk, "cohort": cohort_of[i].pk}
            for i in pool
        ],
        "managers": [m.email for m in managers],
        "analysts": [a.email for a in analysts],
        "password": PASSWORD,
        "rows": progress.total,
        "trainee": trainees[subject].email,
        "manager": manager_of[biggest.pk].email,
        "analyst": analysts[0].email,
        "project": projects[subject].pk,
        "application": applications[subject].pk,
        "cohort": cohort_of[subject].pk,
        "review_application": next(
            (a.pk for a in applications if a.status == S.MANAGER_APPROVED), applications[0].pk
        ),
    }


PEOPLE_IN_POOL = 40

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Maria",
    "Wei",
    "Ana",
    "Luis",
    "Mei",
    "Tomas",
    "Nadia",
    "Omar",
    "Priya",
    "Kenji",
    "Rosa",
    "Ivan",
    "Grace",
    "Ahmed",
    "Lena",
]
LAST = [
    "Nguyen",
    "Garcia",
    "Chen",
    "Lee",
    "Patel",
    "Smith",
    "Lopez",
    "Kim",
    "Wong",
    "Johnson",
    "Rivera",
    "Brown",
    "Davis",
    "Tran",
    "Singh",
    "Martinez",
    "Young",
    "Clark",
    "Hall",
    "Flores",
]


def follow_ups(rng: random.Random, today: dt.date) -> list[int]:
    """The follow-ups after Day 3 that the review makes for a reviewed project whose Day-3
    result improved, with the stored result as their reference (so after `recompute_results`),
    most of those due logged with a value that keeps some, all or none of the gain. Returns
    the projects that have some."""
    day3_of = dict(
        Enrollment.objects.filter(status=Enrollment.Status.ENROLLED).values_list(
            "application__project", "cohort__day3"
        )
    )
    improved = Measure.objects.filter(
        is_primary=True,
        project__status=Project.Status.REVIEWED,
        result_verdict=Verdict.IMPROVED,
        result_baseline__isnull=False,
        result_gain__gt=0,
    ).order_by("project_id")
    rows = []
    for measure in improved:
        day3 = day3_of.get(measure.project_id)
        if day3 is None:
            continue
        better = 1 if measure.higher_is_better else -1
        for days_after in settings.LEANLEADERS_FOLLOW_UP_DAYS:
            due = day3 + dt.timedelta(days=days_after)
            logged = due <= today and rng.random() < FOLLOW_UPS_LOGGED
            kept = Decimal(f"{rng.uniform(-0.2, 1.2):.2f}")
            value = measure.result_baseline + better * measure.result_gain * kept
            rows.append(
                FollowUp(
                    project_id=measure.project_id,
                    days_after=days_after,
                    due_on=due,
                    reference_baseline=measure.result_baseline,
                    reference_gain=measure.result_gain,
                    value=max(value, Decimal(0)).quantize(Decimal("0.01")) if logged else None,
                    logged_at=aware(due, 15) if logged else None,
                )
            )
    Progress().insert(FollowUp, rows, len(rows))
    return sorted({row.project_id for row in rows})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the large city")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    began = time.perf_counter()
    database = connection.settings_dict["NAME"]
    print(f"Building the dataset in {database!r} (scale {args.scale}, seed {args.seed})")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", verbosity=0, interactive=False)
    print(f"  migrated and emptied in {time.perf_counter() - began:.1f} s")
    with transaction.atomic():
        subjects = build(args.scale, args.seed)
    # The rows were bulk-inserted, not logged through the services: store their results, first
    # acceptances and sessions attended (one UPDATE each for the last two).
    stored = time.perf_counter()
    call_command("recompute_results", verbosity=0)
    call_command("recompute_acceptances", verbosity=0)
    call_command("recompute_attendance", verbosity=0)
    # What `recompute_leader_figures` stores, for the projects it has something to count for
    # (it takes one project at a time).
    leader_figures_recompute(
        project_ids=Conversation.objects.filter(routine__in=Conversation.LEADER_ROUTINES)
        .values_list("project_id", flat=True)
        .distinct()
    )
    last_coached_store()
    print(
        f"  results, acceptances, attendance and coaching figures stored in "
        f"{time.perf_counter() - stored:.1f} s"
    )
    stored = time.perf_counter()
    with transaction.atomic():
        followed = follow_ups(random.Random(args.seed), timezone.localdate())
    # Their verdicts and their projects' sustainment, as the services store them.
    sustainment_recompute(project_ids=followed)
    subjects["rows"] += FollowUp.objects.count()
    elapsed = time.perf_counter() - stored
    print(f"  follow-ups of {len(followed):,} projects stored in {elapsed:.1f} s")
    analyzed = time.perf_counter()
    # VACUUM as well as ANALYZE: what autovacuum does to a table that has settled, and what
    # lets the planner answer counts from an index alone (it marks the pages all-visible).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  VACUUM ANALYZE in {time.perf_counter() - analyzed:.1f} s")
    elapsed = time.perf_counter() - began
    subjects["build_seconds"] = round(elapsed, 1)
    subjects["scale"] = args.scale
    OUT.mkdir(exist_ok=True)
    (OUT / "subjects.json").write_text(json.dumps(subjects, indent=2) + "\n")
    print(
        f"Done: {subjects['rows']:,} rows in {elapsed:.1f} s. Accounts in {OUT / 'subjects.json'}"
    )


if __name__ == "__main__":
    main()
