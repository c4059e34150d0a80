"""Role predicates: the one place that says who may act as a trainee, a manager or an analyst.

Capabilities follow from facts, not from one role field, and one person may have several:

- **Analyst** is a staff capability: `User.role == "analyst"` (City Performance staff, who review
  every application). The role field keeps only this meaning; its other values are labels.
- **Manager** is a relation: a person manages the people who report to them (their active direct
  reports, and for sign-off their reports' reports) and may be named a department's manager or
  alternate (`Department.managers`, `Department.alternate_manager`).
- **Trainee**: every active employee who is not an analyst may apply. A manager has the trainee's
  pages too once they have applied, so a manager who applies sees their own application and
  their people's on one home page.

Facts are read from the database on every request (through `request.user`, whose loading
annotates them, see `leanleaders.backends`), so a change in the org chart takes effect on the
next request. Nobody ever acts on their own application: the policies check the applicant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard, cast

from django.db.models import Q

from leanleaders.querysets import in_subquery

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Model, QuerySet

    from leanleaders.models import User


def is_signed_in(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.is_active)


def is_analyst(user: User | AnonymousUser) -> TypeGuard[User]:
    return is_signed_in(user) and user.role == "analyst"


def may_apply(user: User | AnonymousUser) -> TypeGuard[User]:
    """Every active employee with an account may apply (front line, supervisors, managers,
    executives); analysts review applications instead."""
    return is_signed_in(user) and user.role != "analyst"


def _memo(user: User, key: str) -> object:
    # getattr, not __dict__: request.user is a lazy object that hands attributes to the user.
    return getattr(user, key, None)


def _remember(user: User, key: str, value: object) -> None:
    setattr(user, key, value)


def has_direct_reports(user: User | AnonymousUser) -> bool:
    """Whether anyone active reports to this person (from the org data)."""
    from leanleaders.models import User

    if not is_signed_in(user):
        return False
    known = _memo(user, "org_has_reports")
    if known is None:
        known = User.objects.filter(supervisor=user, is_active=True).exists()
        _remember(user, "org_has_reports", known)
    return bool(known)


class DepartmentActedFor(NamedTuple):
    pk: int
    name: str


def department_list_acted_for(user: User | AnonymousUser) -> list[DepartmentActedFor]:
    """The departments where this user may act as manager (as a manager or as the alternate),
    by name. Loaded with the signed-in person (`leanleaders.backends`), or read once for a
    person loaded otherwise: a manager's page shows them and filters its other queries by their
    ids, which PostgreSQL plans far more cheaply than the same subquery in each of them."""
    from leanleaders.models import Department

    if not may_apply(user):
        return []
    # A list of {"pk", "name"}: the backend's JSON rows, or those read here.
    departments = cast("list[dict[str, Any]] | None", _memo(user, "org_departments"))
    if departments is None:
        departments = [
            {"pk": pk, "name": name}
            for pk, name in Department.objects.filter(
                Q(managers=user) | Q(alternate_manager=user)
            ).values_list("pk", "name")
        ]
        _remember(user, "org_departments", departments)
    # One row per way of acting for a department (manager and alternate of one: two rows).
    found = {DepartmentActedFor(d["pk"], d["name"]) for d in departments}
    return sorted(found, key=lambda d: (d.name, d.pk))


def department_ids_acted_for(user: User | AnonymousUser) -> list[int]:
    """Ids of the departments where this user may act as manager, read with their names once
    per request (`department_list_acted_for`)."""
    return sorted(d.pk for d in department_list_acted_for(user))


def is_manager(user: User | AnonymousUser) -> TypeGuard[User]:
    """Manages people: has direct reports, or manages (or stands in for) a department."""
    return may_apply(user) and (has_direct_reports(user) or bool(department_ids_acted_for(user)))


def takes_part(user: User) -> bool:
    """Whether this person has ever applied (their own work in the program)."""
    known = _memo(user, "org_takes_part")
    if known is None:
        known = user.applications.exists()
        _remember(user, "org_takes_part", known)
    return bool(known)


def is_trainee(user: User | AnonymousUser) -> TypeGuard[User]:
    """Has the trainee's pages: someone who may apply and does not manage anyone, or a manager
    who has applied themselves."""
    return may_apply(user) and (not is_manager(user) or takes_part(user))


def direct_reports(user: User) -> QuerySet[Any]:
    """The ids of the people whose supervisor this user is, as a subquery to filter rows by
    (`in_subquery("trainee", direct_reports(user))`). Filtering by the row's person's
    supervisor through a join instead would, inside an OR, make PostgreSQL join every row to
    every person first."""
    # The models import this module, so the model is reached through the user, not imported.
    return user._meta.model._default_manager.filter(supervisor=user).values("pk")


def _reached(user: User) -> QuerySet[Any]:
    """The ids of the people whose supervisor is the user or one of their reports, as a
    subquery (never read by itself). Built once for the signed-in person: a manager's page
    filters most of its queries by it, and building it cost each a third of a millisecond. It
    is a query, not its rows, so it cannot go stale."""
    # Found by a subquery on the supervisor index, not by joins through the row's person: an OR
    # across joined tables made PostgreSQL join every row to every person before filtering
    # (20-40 ms a list on the bench city). The subquery is a value worked out before the scan
    # (`in_subquery`), so the person's index answers that arm of the OR.
    reached = cast("QuerySet[Any] | None", _memo(user, "org_reached"))
    if reached is None:
        people = user._meta.model._default_manager
        user_and_reports = people.filter(Q(pk=user.pk) | Q(supervisor=user)).values("pk")
        reached = people.filter(supervisor__in=user_and_reports).values("pk")
        _remember(user, "org_reached", reached)
    return reached


def managed_people_q(
    user: User | AnonymousUser, *, person: str, department: str, via: type[Model] | None = None
) -> Q:
    """The rows of the people this user manages: those of the departments they act for and of
    the people who report to them, directly or through one of their reports. `person` and
    `department` name the row's person and department fields (e.g. "trainee", "department_id";
    an empty `person` for rows that are people). Never matches the user's own rows (they see
    those as a trainee).

    Both should be the row's own columns: the OR is then read from their two indexes. A row
    whose department is that of a row it links to names the link and `via` its model
    (`department="application__department_id", via=Application`): that arm then looks the link
    up among the ids of those departments' rows (a subquery on their department index), rather
    than joining every row to the linked table. Rows that belong to a managed row (a
    project's next steps) are better filtered by it (`project__in=Project.objects.filter(
    managed_people_q(...))`) than through a join, across which PostgreSQL checks the OR on
    every joined row."""
    if not is_manager(user):
        return Q(pk__in=[])
    q = in_subquery(person or "pk", _reached(user))
    ids = department_ids_acted_for(user)
    if ids and via is not None:
        link, field = department.split("__", 1)
        # A hashed subplan, not a value: a department has hundreds of rows, and an index
        # probe for each would cost more than a look at each row of this (narrower) table.
        q |= Q(**{f"{link}__in": via._default_manager.filter(**{f"{field}__in": ids}).values("pk")})
    elif ids:
        q |= Q(**{f"{department}__in": ids})
    return q & ~Q(**{person or "pk": user.pk})


def acts_for_department(user: User | AnonymousUser, department_id: int | None) -> bool:
    return department_id is not None and department_id in department_ids_acted_for(user)
