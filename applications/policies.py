"""Who may see and act on applications: the one place that answers it, for views and templates."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from applications.models import Application
from leanleaders.models import User
from leanleaders.roles import (
    department_ids_acted_for,
    is_analyst,
    is_signed_in,
    managed_people_q,
    may_apply,
)

Actor = User | AnonymousUser


def visible_applications(user: Actor) -> QuerySet[Application]:
    """Analysts: all. Everyone else: their own, and, past the draft, those of the people they
    manage now (their reports and their reports' reports, and the departments they manage or
    stand in for). One person may be both: a manager who applied sees their own application
    and their people's, never a peer's draft. Being named on an application grants nothing
    by itself: a manager moved out of the department stops seeing it on the next request."""
    if is_analyst(user):
        return Application.objects.all()
    if not may_apply(user):
        return Application.objects.none()
    managed = managed_people_q(user, person="trainee", department="department_id") & ~Q(
        status=Application.Status.DRAFT
    )
    return Application.objects.filter(Q(trainee=user) | managed)


def can_apply(user: Actor) -> bool:
    return may_apply(user) and user.department_id is not None


def can_edit(user: Actor, application: Application) -> bool:
    return owns(user, application) and application.is_editable


def can_withdraw(user: Actor, application: Application) -> bool:
    return (
        owns(user, application)
        and Application.Status.WITHDRAWN in Application.TRANSITIONS[application.status]
    )


def may_sign_off_for(signer: User, application: Application) -> bool:
    """Whether this person is one of the application's signers as of now: the applicant's
    supervisor or the supervisor's supervisor (the org data's chain, where escalation goes),
    or a manager or the alternate of the application's department. Never the applicant
    themselves, nor someone who reports to the applicant (a chain that loops back, or a
    department manager signing their own boss's application)."""
    if not signer.is_active or signer.role == "analyst":
        return False
    trainee = application.trainee
    if signer.pk == trainee.pk or signer.supervisor_id == trainee.pk:
        return False
    supervisor = trainee.supervisor
    if supervisor is not None and supervisor.pk == signer.pk:
        return True
    if supervisor is not None and supervisor.supervisor_id == signer.pk:
        return True
    return application.department_id in department_ids_acted_for(signer)


def acts_as_manager_for(user: Actor, application: Application) -> bool:
    """The applicant's supervisor (or theirs, once escalated), or any manager of the department
    or its alternate, as of now; never oneself, directly or through the chain."""
    if not is_signed_in(user) or application.trainee_id == user.pk:
        return False
    return may_sign_off_for(user, application)


def can_sign_off(user: Actor, application: Application) -> bool:
    return application.status == Application.Status.SUBMITTED and acts_as_manager_for(
        user, application
    )


def can_record_offline_signoff(user: Actor, application: Application) -> bool:
    return (
        is_analyst(user)
        and application.status == Application.Status.SUBMITTED
        and application.trainee_id != user.pk
    )


def can_review(user: Actor, application: Application) -> bool:
    """Analysts decide on applications the manager approved (or waitlisted ones)."""
    return is_analyst(user) and application.status in (
        Application.Status.MANAGER_APPROVED,
        Application.Status.WAITLISTED,
    )


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ensure_can_apply(user: Actor) -> None:
    _ensure(can_apply(user))


def ensure_can_edit(user: Actor, application: Application) -> None:
    _ensure(can_edit(user, application))


def owns(user: Actor, application: Application) -> bool:
    return may_apply(user) and application.trainee_id == user.pk


def ensure_owns(user: Actor, application: Application) -> None:
    _ensure(owns(user, application))


# The ensure_* checks for decisions test who the person is; whether the application is in a state
# that allows the decision is the workflow's answer, given as a message rather than a 403.
def ensure_acts_as_manager_for(user: Actor, application: Application) -> None:
    _ensure(acts_as_manager_for(user, application))


def ensure_can_act_as_analyst(user: Actor, application: Application) -> None:
    _ensure(is_analyst(user) and application.trainee_id != user.pk)
