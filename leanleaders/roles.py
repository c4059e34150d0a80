"""Role predicates: the one place that says who is a trainee, a manager or an analyst.

Roles are read from the database on every request (through `request.user`), so removing a role
takes effect on the next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Q

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


def department_list_acted_for(user: User | AnonymousUser) -> list[Department]:
    """The departments where this user may act as manager (as a manager or as the alternate),
    by name. Read once per request (the user object lives as long as the request): a manager's
    page shows them and filters its other queries by their ids, which PostgreSQL plans far more
    cheaply than the same subquery in each of them."""
    from leanleaders.models import Department

    if not is_manager(user):
        return []
    departments = user.__dict__.get("_departments_acted_for")
    if departments is None:
        departments = list(
            Department.objects.filter(Q(managers=user) | Q(alternate_manager=user))
            .distinct()
            .order_by("name", "pk")
        )
        user.__dict__["_departments_acted_for"] = departments
    return departments


def department_ids_acted_for(user: User | AnonymousUser) -> list[int]:
    """Ids of the departments where this user may act as manager, read with their names once
    per request (`department_list_acted_for`)."""
    return sorted(d.pk for d in department_list_acted_for(user))


def acts_for_department(user: User | AnonymousUser, department_id: int | None) -> bool:
    return department_id is not None and department_id in department_ids_acted_for(user)
