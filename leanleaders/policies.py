"""Who may do what with people and departments."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from leanleaders.models import User
from leanleaders.roles import department_ids_acted_for, is_analyst, is_manager


def can_manage_people(user: User | AnonymousUser) -> bool:
    return is_analyst(user)


def ensure_can_manage_people(user: User | AnonymousUser) -> None:
    if not can_manage_people(user):
        raise PermissionDenied


def visible_people(user: User | AnonymousUser) -> QuerySet[User]:
    """Analysts see everyone; managers see the members of departments they act for."""
    if is_analyst(user):
        return User.objects.all()
    if is_manager(user):
        return User.objects.filter(
            Q(department_id__in=department_ids_acted_for(user)), role=User.Role.TRAINEE
        )
    return User.objects.none()
