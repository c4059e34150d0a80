"""Who may see the cohort board, the program report, the exports and certificates.

- Analysts: every cohort's board, the program report, every export and certificate, and the
  coaches' private notes.
- Managers: the board (and its exports) of cohorts where their departments have people, with
  only those people's rows and never the private notes. No program report.
- Trainees: their own certificate (or what is missing for it). No board.
Out-of-scope objects answer 404 (the querysets below are what views load through).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from coaching import policies as coaching_policies
from cohorts import policies as cohort_policies
from cohorts.models import Cohort, Enrollment
from leanleaders.models import User
from leanleaders.roles import is_analyst, is_manager, may_apply

Actor = User | AnonymousUser


def can_see_board(user: Actor) -> bool:
    return is_analyst(user) or is_manager(user)


def board_cohorts(user: Actor) -> QuerySet[Cohort]:
    if not can_see_board(user):
        return Cohort.objects.none()
    return cohort_policies.visible_cohorts(user)


def board_enrollments(user: Actor) -> QuerySet[Enrollment]:
    """The enrolled people whose rows this reader sees."""
    if not can_see_board(user):
        return Enrollment.objects.none()
    return cohort_policies.visible_enrollments(user).filter(status=Enrollment.Status.ENROLLED)


def can_see_private_notes(user: Actor) -> bool:
    return coaching_policies.can_see_private_notes(user)


def can_review(user: Actor) -> bool:
    return is_analyst(user)


def certificate_enrollments(user: Actor) -> QuerySet[Enrollment]:
    """Analysts: everyone's; trainees: their own."""
    if is_analyst(user):
        return Enrollment.objects.all()
    if may_apply(user):
        return Enrollment.objects.filter(trainee=user)
    return Enrollment.objects.none()
