"""Demo Lean Leaders from earlier cohorts, whose follow-ups after Day 3 show every state:
sustained, slipping, reverted, missed, one due now and one upcoming.

Called by `reporting.demo.seed` after every stage. Their applications and seats are written
straight to the database, dated in the past (the services stamp today); the project, its review,
the follow-ups and their values go through the projects services. Safe to run again: an alumnus
who has a project is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from applications.models import Application
from applications.services import acceptances_recompute
from cohorts.models import Attendance, Cohort, Enrollment
from cohorts.services import attendance_counts_store
from leanleaders.demo import DEMO_PASSWORD
from leanleaders.models import Department, User
from projects import services as project_services
from projects.models import FollowUp, Measure, Measurement, Project


@dataclass(frozen=True)
class Alumnus:
    email: str
    full_name: str
    department: str  # code
    job_title: str
    title: str
    measure: str
    unit: str
    baseline: int
    day3_value: int  # lower is better
    follow_ups: dict[int, int]  # days after Day 3 -> value logged (missing: not logged)
    days_since_day3: int = 200


ALUMNI = [
    Alumnus(
        "alumni.sustained@sfgov.org",
        "Robin Chen",
        "DPH",
        "Eligibility Worker",
        "Same-day Medi-Cal renewals",
        "Days to renew",
        "days",
        12,
        4,
        {30: 4, 90: 4, 180: 5},
    ),
    Alumnus(
        "alumni.slipping@sfgov.org",
        "Morgan Ali",
        "MTA",
        "Customer Service Agent",
        "Fewer repeat calls about citations",
        "Repeat calls a week",
        "calls",
        40,
        20,
        {30: 22, 90: 26, 180: 30},
    ),
    Alumnus(
        "alumni.reverted@sfgov.org",
        "Casey Moreno",
        "DPW",
        "Permit Technician",
        "Sidewalk permits without a second visit",
        "Days to permit",
        "days",
        15,
        8,
        {30: 10, 90: 14, 180: 16},
    ),
    Alumnus(
        "alumni.missed@sfgov.org",
        "Jesse Park",
        "LIB",
        "Branch Clerk",
        "Holds on the shelf in a day",
        "Hours to shelve a hold",
        "hours",
        30,
        10,
        {30: 11},
    ),
    Alumnus(
        "alumni.due@sfgov.org",
        "Riley Nguyen",
        "DHR",
        "Recruitment Analyst",
        "Job postings live in a week",
        "Days to post a job",
        "days",
        21,
        9,
        {},
        days_since_day3=33,
    ),
    Alumnus(
        "alumni.upcoming@sfgov.org",
        "Taylor Brooks",
        "DPH",
        "Clinic Scheduler",
        "No double-booked clinic slots",
        "Double bookings a week",
        "bookings",
        18,
        6,
        {},
        days_since_day3=12,
    ),
]


def _cohort(day3: dt.date) -> Cohort:
    name = f"Alumni cohort, Day 3 on {day3.isoformat()}"
    cohort, _ = Cohort.objects.get_or_create(
        name=name,
        defaults={
            "status": Cohort.Status.COMPLETED,
            "day1": day3 - dt.timedelta(days=28),
            "day2": day3 - dt.timedelta(days=27),
            "day3": day3,
            "location": "City Hall, Room 400",
            "capacity": 30,
        },
    )
    return cohort


def _person(alumnus: Alumnus) -> User:
    department = Department.objects.get(code=alumnus.department)
    user, created = User.objects.get_or_create(
        email=alumnus.email,
        defaults={
            "full_name": alumnus.full_name,
            "role": User.Role.TRAINEE,
            "department": department,
            "job_title": alumnus.job_title,
            "supervisor": department.managers.first(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _seed_one(alumnus: Alumnus, analyst: User, today: dt.date) -> None:
    trainee = _person(alumnus)
    if Project.objects.filter(trainee=trainee).exists():
        return
    day3 = today - dt.timedelta(days=alumnus.days_since_day3)
    applied = timezone.make_aware(dt.datetime.combine(day3 - dt.timedelta(days=60), dt.time(9)))
    application = Application.objects.create(
        trainee=trainee,
        department=Department.objects.get(code=alumnus.department),
        manager=trainee.supervisor,
        program_year=day3.year,
        status=Application.Status.ACCEPTED,
        created_at=applied,
        submitted_at=applied,
        title=alumnus.title,
        measure_name=alumnus.measure,
        measure_unit=alumnus.unit,
        measure_direction="lower",
        baseline_estimate=Decimal(alumnus.baseline),
    )
    seat = Enrollment.objects.create(
        cohort=_cohort(day3),
        application=application,
        trainee=trainee,
        status=Enrollment.Status.ENROLLED,
    )
    # Present on all three days, so that with the review below each is a Lean Leader by the
    # program's rule (projects/completion.py), in the directory like any other.
    Attendance.objects.bulk_create(
        Attendance(enrollment=seat, day=day, mark=Attendance.Mark.PRESENT, recorded_by=analyst)
        for day in (1, 2, 3)
    )
    # Written straight, not through the services: store what they would have stored.
    acceptances_recompute(application_ids=[application.pk])
    attendance_counts_store(enrollment_ids=[seat.pk])
    project = project_services.project_start(application_id=application.pk, by=trainee)
    measure = Measure.objects.get(project=project, is_primary=True)
    Measurement.objects.bulk_create(
        Measurement(
            measure=measure,
            date=day3 - dt.timedelta(days=7 * (3 - i)),
            value=Decimal(value),
            created_by=trainee,
        )
        for i, value in enumerate((alumnus.day3_value + 2, alumnus.day3_value, alumnus.day3_value))
    )
    project_services.measure_result_store(measure=measure)
    project_services.project_review(
        project_id=project.pk, by=analyst, comment="A clear result. Now make it last."
    )
    for days_after, value in alumnus.follow_ups.items():
        follow_up = FollowUp.objects.get(project=project, days_after=days_after)
        project_services.follow_up_log(follow_up_id=follow_up.pk, by=trainee, value=Decimal(value))


def seed(analyst: User) -> None:
    today = timezone.localdate()
    for alumnus in ALUMNI:
        _seed_one(alumnus, analyst, today)
    project_services.follow_ups_mark_missed(today=today)
