"""Demo applications in every state before acceptance, made through the real services."""

from __future__ import annotations

from applications import services
from applications.models import Application
from leanleaders.models import User

PROPOSALS = {
    # A manager who applies (to their own supervisor), and an executive (to the City Administrator).
    "alternate@sfgov.org": (
        "Clinic supply orders are placed twice",
        "submitted",
    ),
    "director@sfgov.org": (
        "Contract approvals wait on paper signatures",
        "submitted",
    ),
    "trainee4@sfgov.org": (
        "Clinic appointment changes wait in three inboxes",
        "draft",
    ),
    "trainee3@sfgov.org": (
        "Pharmacy refill calls interrupt dispensing",
        "submitted",
    ),
    "trainee2.mta@sfgov.org": (
        "Bus operator schedules are rebuilt by hand each week",
        "changes_requested",
    ),
    "trainee2.dpw@sfgov.org": (
        "Sidewalk inspection reports are retyped into the system",
        "manager_approved",
    ),
    "trainee2.dhr@sfgov.org": (
        "Benefits enrollment forms come back incomplete",
        "manager_declined",
    ),
    "trainee3.lib@sfgov.org": (
        "Interlibrary loan requests take two weeks to start",
        "declined",
    ),
    "trainee3.dhr@sfgov.org": (
        "Timesheet corrections go round twice",
        "withdrawn",
    ),
}


def proposal(title: str) -> dict[str, object]:
    return {
        "title": title,
        "process_today": "A request arrives by email or in person; a clerk logs it, checks it, "
        "and passes it on. It ends when the requester hears back.",
        "problem": "Requests wait between steps; requesters call to ask where things are, "
        "which interrupts the team.",
        "evidence": "A two-week tally: most of the elapsed time is waiting, not work.",
        "measure_name": "Days from request to completion",
        "measure_unit": "days",
        "measure_direction": "lower",
        "baseline_estimate": 10,
        "why_it_matters": "Faster service for residents and fewer chasing calls for staff.",
        "role_and_team": "Front-line staff on the team that runs the process",
    }


def _manager_for(trainee: User) -> User:
    return trainee.department.managers.get()  # type: ignore[union-attr]  # demo trainees have a department with one manager


def seed(people: dict[str, User]) -> None:
    analyst = people["analyst@sfgov.org"]
    for email, (title, target) in PROPOSALS.items():
        trainee = people[email]
        if Application.objects.filter(trainee=trainee).exists():
            continue
        application = services.application_create_draft(by=trainee, data=proposal(title))
        if target == "draft":
            continue
        pk = application.pk
        if target == "withdrawn":
            services.application_submit(application_id=pk, by=trainee)
            services.application_withdraw(application_id=pk, by=trainee, comment="Changed teams")
            continue
        services.application_submit(application_id=pk, by=trainee)
        manager = _manager_for(trainee)
        if target == "submitted":
            continue
        if target == "changes_requested":
            services.application_manager_decide(
                application_id=pk,
                by=manager,
                decision="request_changes",
                comment="Good problem. Narrow it to one depot so you can measure it in a month.",
            )
            continue
        if target == "manager_declined":
            services.application_manager_decide(
                application_id=pk,
                by=manager,
                decision="decline",
                comment="This process is being replaced next quarter; let's pick another.",
            )
            continue
        services.application_manager_decide(
            application_id=pk, by=manager, decision="approve", comment="Happy to support this."
        )
        if target == "declined":
            services.application_decline(
                application_id=pk,
                by=analyst,
                comment="The scope is city-wide; please reapply with one branch's process.",
            )
