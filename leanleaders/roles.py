"""Role predicates: the one place that says who is a trainee, a manager or an analyst.

Roles are read from the database on every request (through `request.user`), so removing a role
takes effect on the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from leanleaders.models import Department, User


def is_signed_in(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active)


def is_analyst(user: User | AnonymousUser) -> TypeGuard[User]:
    return is_signed_in(user) and user.role == "analyst"


def is_manager(user: User | AnonymousUser) -> TypeGuard[User]:
    return is_signed_in(user) and user.role == "manager"


def is_trainee(user: User | AnonymousUser) -> TypeGuard[User]:
    return is_signed_in(user) and user.role == "trainee"


def department_ids_acted_for(user: User | AnonymousUser) -> list[int]:
    """Ids of the departments where this user may act as manager: as a manager or as the
    alternate. Read once per request (the user object lives as long as the request), so the
    many queries of a manager's page filter by plain ids, which PostgreSQL plans far more
    cheaply than the same subquery in each of them."""
    from leanleaders.models import Department

    if not is_manager(user):
        return []
    ids = user.__dict__.get("_department_ids_acted_for")
    if ids is None:
        ids = sorted(
            set(
                Department.objects.filter(Q(managers=user) | Q(alternate_manager=user)).values_list(
                    "pk", flat=True
                )
            )
        )
        user.__dict__["_department_ids_acted_for"] = ids
    return ids


def departments_acted_for(user: User | AnonymousUser) -> QuerySet[Department]:
    """Departments where this user may act as manager: as a manager or as the alternate."""
    from leanleaders.models import Department

    return Department.objects.filter(pk__in=department_ids_acted_for(user))


def acts_for_department(user: User | AnonymousUser, department_id: int | None) -> bool:
    return department_id is not None and department_id in department_ids_acted_for(user)
