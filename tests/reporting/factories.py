"""A hand-computed dataset for the board and the report, built straight in the database so every
date and value is exactly as the expected figures assume (what the services store from those
rows is stored the way the recompute commands do)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from applications.models import Application
from applications.services import acceptances_recompute
from cohorts.models import Attendance, Cohort, Enrollment
from cohorts.services import attendance_counts_store
from leanleaders.models import AuditEvent
from projects.models import Measure, Measurement, ProgressEntry, Project
from projects.services import measure_result_store, project_tools_store
from tests.factories import TraineeFactory

S = Application.Status


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def make_cohort(name: str, day1: dt.date, status: str = Cohort.Status.COMPLETED) -> Cohort:
    return Cohort.objects.create(
        name=name,
        status=status,
        day1=day1,
        day2=day1 + dt.timedelta(days=1),
        day3=day1 + dt.timedelta(days=28),
        location="City Hall",
        capacity=30,
    )


def make_application(
    trainee,
    *,
    status: str = S.ACCEPTED,
    created: dt.date = dt.date(2025, 1, 10),
    submitted: bool = True,
    accepted_after_days: float | None = None,
    audit: bool = True,
    title: str = "",
) -> Application:
    created_at = at(created)
    application = Application.objects.create(
        trainee=trainee,
        department=trainee.department,
        program_year=created.year,
        status=status,
        created_at=created_at,
        submitted_at=created_at if submitted else None,
        title=title or f"Project of {trainee.full_name}",
    )
    if accepted_after_days is not None:
        accepted_at = created_at + dt.timedelta(days=accepted_after_days)
        if audit:
            AuditEvent.objects.create(
                target_type=ContentType.objects.get_for_model(Application),
                target_id=application.pk,
                action="status",
                from_status=S.MANAGER_APPROVED,
                to_status=S.ACCEPTED,
                created_at=accepted_at,
            )
        else:
            Application.objects.filter(pk=application.pk).update(status_changed_at=accepted_at)
    acceptances_recompute(application_ids=[application.pk])
    application.refresh_from_db()
    return application


def enroll(application: Application, cohort: Cohort, marks: str = "") -> Enrollment:
    """marks: one letter a day, P present, L late, A absent, E excused."""
    enrollment = Enrollment.objects.create(
        cohort=cohort,
        application=application,
        trainee=application.trainee,
        status=Enrollment.Status.ENROLLED,
    )
    words = {"P": "present", "L": "late", "A": "absent", "E": "excused"}
    Attendance.objects.bulk_create(
        Attendance(enrollment=enrollment, day=day, mark=words[letter])
        for day, letter in enumerate(marks, start=1)
    )
    attendance_counts_store(enrollment_ids=[enrollment.pk])
    enrollment.refresh_from_db()
    return enrollment


def make_project(
    application: Application,
    *,
    baseline: str | None = None,
    values: tuple[str, ...] = (),
    direction: str = "lower",
    reviewed: bool = False,
    tools: tuple[tuple[str, ...], ...] = (),
    title: str = "",
) -> Project:
    project = Project.objects.create(
        application=application,
        trainee=application.trainee,
        department=application.department,
        title=title or application.title,
        status=Project.Status.REVIEWED if reviewed else Project.Status.ACTIVE,
        review_comment="Well measured." if reviewed else "",
    )
    measure = Measure.objects.create(
        project=project,
        is_primary=True,
        name="Days to decide",
        unit="days",
        direction=direction,
        baseline_value=Decimal(baseline) if baseline is not None else None,
    )
    start = dt.date(2025, 3, 1)
    Measurement.objects.bulk_create(
        Measurement(measure=measure, date=start + dt.timedelta(days=i), value=Decimal(v))
        for i, v in enumerate(values)
    )
    measure_result_store(measure=measure)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(project=project, date=start + dt.timedelta(days=i), did="Work", tools=list(t))
        for i, t in enumerate(tools)
    )
    project_tools_store(project=project)
    return project


@dataclass
class Dataset:
    spring: Cohort
    summer: Cohort
    empty: Cohort
    people: dict
    applications: dict
    projects: dict
    enrollments: dict


def build_dataset(department, other_department) -> Dataset:
    """The hand-computed fixture (see test_report.py for the figures):

    Spring (completed): Ana DPH P/P/P improved 25% reviewed; Ben DPH P/L/P worse 30% reviewed;
    Cleo DPW P/A/P project with no data. Summer (Day 3 ahead): Dev DPW P/P improved 20%.
    Empty cohort: nobody. Eve DPH: declined by her manager. Gus DPH: accepted, then withdrew.
    Fay DPW: a draft never submitted.
    """
    today = timezone.localdate()
    spring = make_cohort("Spring", dt.date(2025, 2, 4))
    summer = make_cohort("Summer", today - dt.timedelta(days=10), Cohort.Status.IN_PROGRESS)
    Cohort.objects.filter(pk=summer.pk).update(day3=today + dt.timedelta(days=20))
    summer.refresh_from_db()
    empty = make_cohort("Empty", today + dt.timedelta(days=40), Cohort.Status.PLANNED)

    people = {
        name: TraineeFactory(full_name=name, department=dept)
        for name, dept in [
            ("Ana", department),
            ("Ben", department),
            ("Cleo", other_department),
            ("Dev", other_department),
            ("Eve", department),
            ("Gus", department),
            ("Fay", other_department),
        ]
    }
    apps = {
        "Ana": make_application(people["Ana"], accepted_after_days=10),
        "Ben": make_application(people["Ben"], accepted_after_days=4),
        "Cleo": make_application(people["Cleo"], accepted_after_days=6),
        "Dev": make_application(
            people["Dev"], created=dt.date(2025, 6, 10), accepted_after_days=2, audit=False
        ),
        "Eve": make_application(
            people["Eve"], status=S.MANAGER_DECLINED, created=dt.date(2025, 2, 1)
        ),
        "Gus": make_application(
            people["Gus"], status=S.WITHDRAWN, created=dt.date(2025, 2, 1), accepted_after_days=3
        ),
        "Fay": make_application(people["Fay"], status=S.DRAFT, submitted=False),
    }
    enrollments = {
        "Ana": enroll(apps["Ana"], spring, "PPP"),
        "Ben": enroll(apps["Ben"], spring, "PLP"),
        "Cleo": enroll(apps["Cleo"], spring, "PAP"),
        "Dev": enroll(apps["Dev"], summer, "PP"),
    }
    projects = {
        "Ana": make_project(
            apps["Ana"],
            baseline="20",
            values=("16", "15", "14"),
            reviewed=True,
            tools=(("process_mapping", "five_whys"), ("five_whys",)),
        ),
        "Ben": make_project(apps["Ben"], baseline="10", values=("12", "13", "14"), reviewed=True),
        "Cleo": make_project(apps["Cleo"], tools=(("process_mapping",),)),
        "Dev": make_project(apps["Dev"], baseline="50", values=("60",), direction="higher"),
    }
    return Dataset(spring, summer, empty, people, apps, projects, enrollments)
