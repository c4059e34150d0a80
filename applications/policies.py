"""Who may see and act on applications: the one place that answers it, for views and templates."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from applications.models import Application
from leanleaders.models import User
from leanleaders.roles import department_ids_acted_for, is_analyst, is_manager, is_trainee

Actor = User | AnonymousUser


def visible_applications(user: Actor) -> QuerySet[Application]:
    """Trainees: their own. Managers: their departments' people, not drafts. Analysts: all."""
    if is_analyst(user):
        return Application.objects.all()
    if is_manager(user):
        return Application.objects.filter(
            Q(department_id__in=department_ids_acted_for(user)) | Q(manager=user)
        ).exclude(status=Application.Status.DRAFT)
    if is_trainee(user):
        return Application.objects.filter(trainee=user)
    return Application.objects.none()


def can_apply(user: Actor) -> bool:
    return is_trainee(user) and user.department_id is not None


def can_edit(user: Actor, application: Application) -> bool:
    return is_trainee(user) and application.trainee_id == user.pk and application.is_editable


def can_withdraw(user: Actor, application: Application) -> bool:
    return (
        is_trainee(user)
        and application.trainee_id == user.pk
        and Application.Status.WITHDRAWN in Application.TRANSITIONS[application.status]
    )


def acts_as_manager_for(user: Actor, application: Application) -> bool:
    """The named manager, any manager of the department, or its alternate; never oneself."""
    if not is_manager(user) or application.trainee_id == user.pk:
        return False
    if application.manager_id == user.pk:
        return True
    return application.department_id in department_ids_acted_for(user)


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
    return is_trainee(user) and application.trainee_id == user.pk


def ensure_owns(user: Actor, application: Application) -> None:
    _ensure(owns(user, application))


# The ensure_* checks for decisions test who the person is; whether the application is in a state
# that allows the decision is the workflow's answer, given as a message rather than a 403.
def ensure_acts_as_manager_for(user: Actor, application: Application) -> None:
    _ensure(acts_as_manager_for(user, application))


def ensure_can_act_as_analyst(user: Actor, application: Application) -> None:
    _ensure(is_analyst(user) and application.trainee_id != user.pk)
