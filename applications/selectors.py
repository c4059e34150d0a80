"""Reads of applications, always through the reader's visible set."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.policies import may_sign_off_for, visible_applications
from leanleaders.audit import audit_events_for
from leanleaders.models import AuditEvent, User


def _with_people(applications: QuerySet[Application]) -> QuerySet[Application]:
    return applications.select_related("trainee__supervisor", "department", "manager")


def _as_listed(applications: QuerySet[Application]) -> QuerySet[Application]:
    """What a list row names: the trainee and the department, not the supervisor or the
    manager (each person joined costs a list's query more to plan than to run)."""
    return applications.select_related("trainee", "department")


def application_list(
    *, user: User, status: str | None = None, department_id: int | None = None
) -> QuerySet[Application]:
    applications = _as_listed(visible_applications(user))
    if status:
        applications = applications.filter(status=status)
    if department_id:
        applications = applications.filter(department_id=department_id)
    return applications.order_by("-status_changed_at", "-id")


TIMELINE_LABELS = {
    Application.Status.SUBMITTED: _("Submitted for sign-off"),
    # The timeline adds "by <name>".
    Application.Status.MANAGER_APPROVED: _("Signed off"),
}
ACTION_LABELS = {
    "created": _("Started"),
    "edited": _("Edited"),
    "signoff-escalated": _("Sign-off passed up the chain"),
    "signer-changed": _("Signer changed"),
}


def application_timeline(*, application: Application) -> list[AuditEvent]:
    """The application's history, oldest first, each event with a plain-language `label`."""
    events = list(audit_events_for(application).order_by("created_at", "id"))
    for event in events:
        if event.action == "status":
            status = Application.Status(event.to_status)
            event.label = TIMELINE_LABELS.get(status, status.label)  # type: ignore[attr-defined]  # for the page only
        else:
            event.label = ACTION_LABELS.get(  # type: ignore[attr-defined]  # for the page only
                event.action, event.action.replace("-", " ").capitalize()
            )
    return events


def department_signers(application: Application) -> list[User]:
    """The department's active managers and its alternate who may sign off this application,
    as of now (uses `department.managers` as prefetched): never the applicant, nor someone
    who reports to them."""
    people = {m.pk: m for m in application.department.managers.all()}
    alternate = application.department.alternate_manager
    if alternate is not None:
        people[alternate.pk] = alternate
    return [
        person
        for person in sorted(people.values(), key=lambda p: p.full_name)
        if person.is_active
        and person.pk != application.trainee_id
        and person.supervisor_id != application.trainee_id
    ]


def signoff_managers(application: Application) -> list[User]:
    """Who is asked to sign off now: the signer the application names (the applicant's
    supervisor by default) while they may still sign, else the department's managers and its
    alternate."""
    named = application.manager
    if named is not None and may_sign_off_for(named, application):
        return [named]
    return department_signers(application)


def awaiting_signoff_list(*, user: User) -> QuerySet[Application]:
    """Applications waiting on this manager (as supervisor, manager or alternate), oldest first;
    never their own."""
    return (
        _with_people(visible_applications(user))
        .filter(status=Application.Status.SUBMITTED)
        .exclude(trainee=user)
        .order_by("submitted_at", "id")
    )


def review_queue(
    *, user: User, department_id: int | None = None, oldest_first: bool = True
) -> QuerySet[Application]:
    """Manager-approved applications awaiting an analyst's decision."""
    queue = _as_listed(visible_applications(user)).filter(
        status=Application.Status.MANAGER_APPROVED
    )
    if department_id:
        queue = queue.filter(department_id=department_id)
    order = "status_changed_at" if oldest_first else "-status_changed_at"
    return queue.order_by(order, "id")


def trainee_applications(*, user: User) -> QuerySet[Application]:
    return _with_people(Application.objects.filter(trainee=user)).order_by("-created_at")


def current_application(*, user: User) -> Application | None:
    """The trainee's active application, or their latest one, as their home card shows it:
    its title, status and manager, not its proposal's texts."""
    applications = list(
        Application.objects.filter(trainee=user)
        .select_related("manager")
        .only("title", "status", "status_changed_at", "manager__full_name")
        .order_by("-created_at")[:5]
    )
    for application in applications:
        if application.status in Application.ACTIVE_STATUSES:
            return application
    return applications[0] if applications else None
