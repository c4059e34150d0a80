"""Who may see and act on cohorts and enrollments: one answer for views, templates and services."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from leanleaders.models import User
from leanleaders.roles import is_analyst, is_manager, managed_people_q, may_apply

Actor = User | AnonymousUser

PLACEABLE_APPLICATION_STATUSES = (
    Application.Status.MANAGER_APPROVED,
    Application.Status.WAITLISTED,
    Application.Status.ACCEPTED,
)


def visible_enrollments(user: Actor) -> QuerySet[Enrollment]:
    """Analysts: all. Everyone else: their own, and those of the people they manage."""
    if is_analyst(user):
        return Enrollment.objects.all()
    if not may_apply(user):
        return Enrollment.objects.none()
    return Enrollment.objects.filter(
        Q(trainee=user)
        | managed_people_q(
            user, person="trainee", department="application__department_id", via=Application
        )
    )


def visible_cohorts(user: Actor) -> QuerySet[Cohort]:
    """Analysts: all. Managers: the cohorts their people were placed in. Trainees: the cohorts
    where they hold a place now (a seat, an offer or a waitlist place); one they left, were
    moved from or whose offer lapsed is no longer theirs."""
    if is_analyst(user):
        return Cohort.objects.all()
    if is_manager(user):
        # Their people's cohorts, and their own place (a manager may be a trainee too).
        return Cohort.objects.filter(
            Q(pk__in=visible_enrollments(user).exclude(trainee=user).values("cohort_id"))
            | Q(pk__in=_cohorts_where(user, Enrollment.ACTIVE_STATUSES).values("pk"))
        )
    if may_apply(user):
        return _cohorts_where(user, Enrollment.ACTIVE_STATUSES)
    return Cohort.objects.none()


def calendar_cohorts(user: Actor) -> QuerySet[Cohort]:
    """The cohorts whose calendar file this user may download: a trainee only their seat's (a
    waitlist place is not a date to keep), everyone else what they see."""
    if may_apply(user) and not is_manager(user):
        return _cohorts_where(user, (Enrollment.Status.ENROLLED,))
    return visible_cohorts(user)


def _cohorts_where(trainee: User, statuses: tuple[str, ...]) -> QuerySet[Cohort]:
    return Cohort.objects.filter(
        pk__in=Enrollment.objects.filter(trainee=trainee, status__in=statuses).values("cohort_id")
    )


def can_manage_cohorts(user: Actor) -> bool:
    return is_analyst(user)


def can_take_attendance(user: Actor, cohort: Cohort) -> bool:
    return is_analyst(user) and cohort.status in (
        Cohort.Status.IN_PROGRESS,
        Cohort.Status.COMPLETED,
    )


def can_withdraw(user: Actor, enrollment: Enrollment) -> bool:
    return may_apply(user) and enrollment.trainee_id == user.pk and enrollment.is_active


def can_respond_to_offer(user: Actor, enrollment: Enrollment) -> bool:
    return (
        may_apply(user)
        and enrollment.trainee_id == user.pk
        and enrollment.status == Enrollment.Status.OFFERED
    )


def can_move(user: Actor, enrollment: Enrollment) -> bool:
    return is_analyst(user) and enrollment.is_active and enrollment.trainee_id != user.pk


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def ensure_can_manage_cohorts(user: Actor) -> None:
    _ensure(can_manage_cohorts(user))


def ensure_analyst_for(user: Actor, application: Application) -> None:
    _ensure(is_analyst(user) and application.trainee_id != user.pk)


def ensure_owns(user: Actor, enrollment: Enrollment) -> None:
    _ensure(may_apply(user) and enrollment.trainee_id == user.pk)
