"""Demo data for this stage, called by `manage.py seed_demo` in stage order.

Four city-wide cohorts around today's date (a completed one, one between Day 2 and Day 3, one
open and full with a waitlist, one planned) and one open cohort reserved for Public Works by
special arrangement, with demo trainees placed through the real services.
A cohort whose name exists already is left alone, so running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from applications import services as application_services
from applications.models import Application
from cohorts import schedule, services
from cohorts.models import Cohort, Enrollment
from leanleaders.models import Department, User

ANALYST = "analyst@sfgov.org"
LOCATION = "City Hall, Room 305, 1 Dr Carlton B Goodlett Pl"
PREPARATION = (
    "Bring a laptop and one week of data about your process (counts, times or a sample of "
    "cases). Wear comfortable shoes: on Day 1 we walk the process where it happens."
)

PROJECTS = {
    "trainee@sfgov.org": "Eligibility renewals take three weeks",
    "trainee2@sfgov.org": "Medical record requests are re-keyed twice",
    "trainee.mta@sfgov.org": "Residential parking permits wait for a second check",
    "trainee.dpw@sfgov.org": "Work orders bounce between three queues",
    "trainee.dhr@sfgov.org": "New hires wait a week for a badge",
    "trainee.lib@sfgov.org": "Interlibrary loans are tracked on paper",
    "trainee2.lib@sfgov.org": "Holds shelf is cleared by hand every morning",
}


def _application_for(person: User) -> Application | None:
    """The person's active application, created and signed off if they have none."""
    application = (
        Application.objects.filter(trainee=person, status__in=Application.ACTIVE_STATUSES)
        .order_by("-created_at")
        .first()
    )
    if application is None:
        title = PROJECTS.get(person.email, "Make a slow process faster")
        application = application_services.application_create_draft(
            by=person,
            data={
                "title": title,
                "process_today": "Requests arrive by email, are typed into a tracker, then "
                "checked and approved by a supervisor before anyone acts on them.",
                "problem": f"{title}: residents call to chase, and staff redo work.",
                "evidence": "Last month: 120 requests, median 15 days, 30 follow-up calls.",
                "measure_name": "Days from request to completion",
                "measure_unit": "days",
                "why_it_matters": "Residents wait less and staff spend less time on rework.",
                "role_and_team": person.job_title or "Team member",
            },
        )
        application_services.application_submit(application_id=application.pk, by=person)
        application.refresh_from_db()
    if application.status == Application.Status.SUBMITTED:
        if application.manager is None:
            return None
        application_services.application_manager_decide(
            application_id=application.pk, by=application.manager, decision="approve"
        )
        application.refresh_from_db()
    if application.status not in (
        Application.Status.MANAGER_APPROVED,
        Application.Status.WAITLISTED,
    ):
        return None
    if Enrollment.objects.filter(
        application=application, status__in=Enrollment.ACTIVE_STATUSES
    ).exists():
        return None
    return application


def _cohort(
    name: str,
    day1: dt.date,
    capacity: int,
    analyst: User,
    departments: list[Department] | None = None,
) -> Cohort | None:
    if Cohort.objects.filter(name=name).exists():
        return None
    day1 = schedule.add_working_days(day1, 0)
    return services.cohort_create(
        by=analyst,
        data={
            "name": name,
            "day1": day1,
            "location": LOCATION,
            "capacity": capacity,
            "preparation": PREPARATION,
            "departments": departments or [],
        },
    )


def _place(cohort: Cohort, emails: list[str], people: dict[str, User], analyst: User) -> None:
    for email in emails:
        person = people.get(email)
        if person is None:
            continue
        application = _application_for(person)
        if application is not None:
            services.enrollment_place(
                application_id=application.pk, cohort_id=cohort.pk, by=analyst
            )


def _attendance(cohort: Cohort, day: int, analyst: User, absent: set[str]) -> None:
    marks = {
        e.pk: ("absent" if e.trainee.email in absent else "present", "")
        for e in cohort.enrollments.filter(status=Enrollment.Status.ENROLLED).select_related(
            "trainee"
        )
    }
    services.attendance_record(cohort_id=cohort.pk, day=day, marks=marks, by=analyst)


def completed_cohort(
    name: str, day1: dt.date, emails: list[str], people: dict[str, User]
) -> Cohort | None:
    """A cohort in the past whose trainees attended all three days (once: None if it exists).
    Later stages' demos use it for Lean Leaders of their own."""
    analyst = people[ANALYST]
    cohort = _cohort(name, day1, 12, analyst)
    if cohort is None:
        return None
    services.cohort_open(cohort_id=cohort.pk, by=analyst)
    _place(cohort, emails, people, analyst)
    services.cohort_start(cohort_id=cohort.pk, by=analyst)
    for day in (1, 2, 3):
        _attendance(cohort, day, analyst, absent=set())
    services.cohort_complete(cohort_id=cohort.pk, by=analyst)
    return cohort


def seed(people: dict[str, User]) -> None:
    """Create this stage's demo rows; safe to run again."""
    analyst = people.get(ANALYST)
    if analyst is None:
        return
    today = timezone.localdate()

    completed_cohort(
        "Spring cohort", today - dt.timedelta(days=75), ["trainee.dhr@sfgov.org"], people
    )

    # Day 1 and Day 2 are behind us; Day 3 is a few weeks ahead.
    current = _cohort("Summer cohort", schedule.add_working_days(today, -8), 12, analyst)
    if current is not None:
        services.cohort_open(cohort_id=current.pk, by=analyst)
        _place(
            current,
            ["trainee@sfgov.org", "trainee.mta@sfgov.org", "trainee.dpw@sfgov.org"],
            people,
            analyst,
        )
        services.cohort_start(cohort_id=current.pk, by=analyst)
        _attendance(current, 1, analyst, absent=set())
        _attendance(current, 2, analyst, absent={"trainee.dpw@sfgov.org"})

    upcoming = _cohort("Autumn cohort", schedule.add_working_days(today, 20), 2, analyst)
    if upcoming is not None:
        services.cohort_open(cohort_id=upcoming.pk, by=analyst)
        _place(
            upcoming,
            ["trainee2@sfgov.org", "trainee.lib@sfgov.org", "trainee2.lib@sfgov.org"],
            people,
            analyst,
        )

    _cohort("Winter cohort", schedule.add_working_days(today, 60), 16, analyst)

    # By special arrangement with Public Works: its manager-approved applicant (Quinn Garcia) is
    # offered it on the placement form; other departments' applicants are not.
    public_works = Department.objects.filter(code="DPW").first()
    if public_works is not None:
        arranged = _cohort(
            "Public Works cohort",
            schedule.add_working_days(today, 30),
            8,
            analyst,
            departments=[public_works],
        )
        if arranged is not None:
            services.cohort_open(cohort_id=arranged.pk, by=analyst)
