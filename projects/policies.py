"""Who may see and act on improvement projects: the one place that answers it.

The trainee edits their own project until it is reviewed; the managers of the trainee's
department (and its alternate) read it; analysts read every project, may change a measure's
definition (with a recorded reason) and mark projects reviewed. Everyone else sees nothing (404).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from applications.models import Application
from leanleaders.models import User
from leanleaders.roles import is_analyst, managed_people_q, may_apply
from projects.models import Project

Actor = User | AnonymousUser


def sees_every_project(user: Actor) -> bool:
    """Analysts. Reads of what belongs to the visible projects need no filter for them: a
    filter on every project still costs the database a join."""
    return is_analyst(user)


def visible_projects(user: Actor) -> QuerySet[Project]:
    if sees_every_project(user):
        return Project.objects.all()
    if not may_apply(user):
        return Project.objects.none()
    # Their own, and those of the people they manage (one person may be both).
    return Project.objects.filter(
        Q(trainee=user) | managed_people_q(user, person="trainee", department="department_id")
    )


def is_owner(user: Actor, project: Project) -> bool:
    return may_apply(user) and project.trainee_id == user.pk


def can_start(user: Actor, application: Application) -> bool:
    """The accepted trainee, or an analyst on their behalf."""
    if application.status != Application.Status.ACCEPTED:
        return False
    return (may_apply(user) and application.trainee_id == user.pk) or is_analyst(user)


def can_edit(user: Actor, project: Project) -> bool:
    """Log measurements and progress, write the narrative: the trainee, until it is reviewed."""
    return is_owner(user, project) and not project.is_reviewed


def can_edit_measure_definition(user: Actor, project: Project) -> bool:
    """The trainee before review; an analyst at any time (giving a reason)."""
    return can_edit(user, project) or (is_analyst(user) and project.trainee_id != user.pk)


def measure_change_needs_reason(user: Actor) -> bool:
    return is_analyst(user)


def can_review(user: Actor, project: Project) -> bool:
    return is_analyst(user) and project.trainee_id != user.pk and not project.is_reviewed


def can_reopen(user: Actor, project: Project) -> bool:
    return is_analyst(user) and project.is_reviewed


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ensure_can_start(user: Actor, application: Application) -> None:
    _ensure(
        (may_apply(user) and application.trainee_id == user.pk) or is_analyst(user),
    )


def ensure_can_edit(user: Actor, project: Project) -> None:
    _ensure(can_edit(user, project))


def ensure_can_edit_measure_definition(user: Actor, project: Project) -> None:
    _ensure(can_edit_measure_definition(user, project))


def ensure_is_analyst(user: Actor) -> None:
    _ensure(is_analyst(user))
