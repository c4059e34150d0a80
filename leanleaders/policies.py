"""Who may do what with people and departments."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from leanleaders.models import User
from leanleaders.roles import is_analyst, is_manager, managed_people_q


def can_manage_people(user: User | AnonymousUser) -> bool:
    return is_analyst(user)


def ensure_can_manage_people(user: User | AnonymousUser) -> None:
    if not can_manage_people(user):
        raise PermissionDenied


def visible_people(user: User | AnonymousUser) -> QuerySet[User]:
    """Analysts see everyone; managers see the people who report to them (and their reports)
    and the members of the departments they act for, not analysts."""
    if is_analyst(user):
        return User.objects.all()
    if is_manager(user):
        people = managed_people_q(user, person="", department="department_id")
        return User.objects.filter(people).exclude(role=User.Role.ANALYST)
    return User.objects.none()
