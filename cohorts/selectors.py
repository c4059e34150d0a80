"""Reads of cohorts and enrollments, always through the reader's visible set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone

from applications.models import Application
from cohorts import policies
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.models import AuditEvent, Department, User
from leanleaders.querysets import rows_of

Status = Enrollment.Status
CohortStatus = Cohort.Status
UPCOMING, CURRENT, PAST = "upcoming", "current", "past"


def with_seat_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Each cohort with `seats_taken` (seats held or offered) and `waiting`."""
    return cohorts.annotate(
        seats_taken=Count(
            "enrollments", filter=Q(enrollments__status__in=Enrollment.SEAT_STATUSES)
        ),
        waiting=Count("enrollments", filter=Q(enrollments__status=Status.WAITLISTED)),
    )


class CohortChoice(NamedTuple):
    """A cohort as a picker lists it."""

    pk: int
    name: str
    day1: dt.date


def cohort_choices(*, among: Collection[int] | None = None) -> list[CohortChoice]:
    """The cohorts a picker offers (coaching, the program report): not cancelled, newest first;
    `among`: those of the cohorts chosen already. Plain values: after a few years the program
    has run hundreds."""
    cohorts = Cohort.objects.exclude(status=CohortStatus.CANCELLED).order_by("-day1", "-pk")
    if among is not None:
        cohorts = cohorts.filter(pk__in=among)
    return [CohortChoice(*row) for row in cohorts.values_list("pk", "name", "day1")]


def cohort_list(*, user: User, when: str = UPCOMING) -> QuerySet[Cohort]:
    """Upcoming: planned/open and not started. Current: in progress, or whose Day 1 has come.
    Past: completed or cancelled."""
    today = timezone.localdate()
    cohorts = with_seat_counts(policies.visible_cohorts(user))
    not_started = Q(status__in=Cohort.PLACEABLE_STATUSES)
    if when == CURRENT:
        return cohorts.filter(
            Q(status=CohortStatus.IN_PROGRESS) | (not_started & Q(day1__lte=today))
        ).order_by("day1", "pk")
    if when == PAST:
        return cohorts.filter(status__in=[CohortStatus.COMPLETED, CohortStatus.CANCELLED]).order_by(
            "-day1", "-pk"
        )
    return cohorts.filter(not_started, day1__gt=today).order_by("day1", "pk")


@dataclass
class RosterRow:
    enrollment: Enrollment
    marks: dict[int, Attendance] = field(default_factory=dict)

    @property
    def needs_follow_up(self) -> bool:
        return any(mark.needs_follow_up for mark in self.marks.values())


def _people(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    # Rows show the trainee, their department and a link by application id: the application's
    # long texts are not read.
    return enrollments.select_related("trainee__department")


def cohort_roster(*, user: User, cohort: Cohort) -> list[RosterRow]:
    """Enrolled people (a manager sees only their own people) with their attendance marks."""
    enrollments = _people(
        policies.visible_enrollments(user).filter(cohort=cohort, status=Status.ENROLLED)
    ).prefetch_related(Prefetch("attendance", queryset=Attendance.objects.order_by("day")))
    rows = []
    for enrollment in enrollments.order_by("trainee__full_name", "pk"):
        rows.append(RosterRow(enrollment, {a.day: a for a in enrollment.attendance.all()}))
    return rows


def cohort_waitlist(*, user: User, cohort: Cohort) -> list[Enrollment]:
    """The queue in order (offered seats first), each with `.position` (None when offered)."""
    queue = list(
        _people(
            policies.visible_enrollments(user).filter(
                cohort=cohort, status__in=Enrollment.QUEUE_STATUSES
            )
        ).order_by("queue_at", "pk")
    )
    # Positions count everyone waiting, including people this reader can't see.
    waiting = list(
        cohort.enrollments.filter(status=Status.WAITLISTED)
        .order_by("queue_at", "pk")
        .values_list("pk", flat=True)
    )
    positions = {pk: i for i, pk in enumerate(waiting, start=1)}
    for enrollment in queue:
        enrollment.position = positions.get(enrollment.pk)  # type: ignore[attr-defined]
    queue.sort(key=lambda e: (e.status != Status.OFFERED, e.queue_at, e.pk))
    return queue


def cohort_history(*, cohort: Cohort) -> QuerySet[AuditEvent]:
    """The cohort's own changes and every placement, move and withdrawal in it; each event on a
    seat with `seat_name`, the name of the person in it (None on the cohort's own events)."""
    cohort_type = ContentType.objects.get_for_model(Cohort)
    enrollment_type = ContentType.objects.get_for_model(Enrollment)
    # The person's name read with the events, not as a map of every seat's name beside them.
    seat_name = Subquery(
        Enrollment.objects.filter(pk=OuterRef("target_id")).values("trainee__full_name")[:1]
    )
    return (
        AuditEvent.objects.filter(
            Q(target_type=cohort_type, target_id=cohort.pk)
            | Q(
                target_type=enrollment_type,
                target_id__in=Enrollment.objects.filter(cohort=cohort).values("pk"),
            )
        )
        .select_related("actor", "target_type")
        .annotate(seat_name=Case(When(target_type=enrollment_type, then=seat_name), default=None))
        .order_by("-created_at", "-id")
    )


def _placeable(department_id: int) -> QuerySet[Cohort]:
    cohorts = Cohort.objects.filter(status__in=Cohort.PLACEABLE_STATUSES).open_to(department_id)
    return with_seat_counts(cohorts).order_by("day1", "pk")


def placeable_cohorts(*, department_id: int) -> QuerySet[Cohort]:
    """Cohorts an analyst can place this department's people in (open to every department, or
    reserved for theirs), soonest first, with seats, waitlist counts and reservations."""
    return _placeable(department_id).prefetch_related("departments")


def _reserved_departments() -> Subquery:
    """The departments the outer cohort is reserved for, by name, as a JSON list of their
    names and codes (empty when it is open to all): read with the cohorts, not by a query of
    its own."""
    reservations = Cohort.departments.through.objects.filter(cohort_id=OuterRef("pk")).order_by(
        "department__name"
    )
    return rows_of(reservations, None, name=F("department__name"), code=F("department__code"))


def placement_options(*, application: Application) -> list[Cohort]:
    """Placeable cohorts open to the application's department, the ones the trainee said they
    can attend first, each with `reserved_names` (the departments it is reserved for);
    `preselected` marks the first with a free seat (or the first, when all are full)."""
    # The trainee's own choices are read with the cohorts, not by a query of their own.
    chosen_by_trainee = Cohort.available_applications.through.objects.filter(
        cohort_id=OuterRef("pk"), application_id=application.pk
    )
    # The chooser shows each cohort's name, Day 1, status and seats, not its other columns.
    cohorts: list[Cohort] = list(
        _placeable(application.department_id)
        .only("name", "status", "day1", "capacity")
        .annotate(preferred=Exists(chosen_by_trainee), reserved=_reserved_departments())
    )
    # The statuses' labels once, not `get_status_display()` for each of dozens of cohorts.
    labels = dict(Cohort.Status.choices)
    for cohort in cohorts:
        # Each as a Department names itself.
        cohort.reserved_names = [str(Department(**d)) for d in cohort.reserved]  # type: ignore[attr-defined]
        cohort.seats_left = max(cohort.capacity - cohort.seats_taken, 0)  # type: ignore[attr-defined]
        cohort.status_label = labels[cohort.status]  # type: ignore[attr-defined]
    cohorts.sort(key=lambda c: (not c.preferred, c.day1, c.pk))  # type: ignore[attr-defined]
    # One click on the pre-selected cohort must not waitlist someone while another has a seat.
    chosen = next((c for c in cohorts if c.seats_left), cohorts[0] if cohorts else None)  # type: ignore[attr-defined]
    for cohort in cohorts:
        cohort.preselected = cohort is chosen  # type: ignore[attr-defined]
    return cohorts


def current_enrollment(*, user: User) -> Enrollment | None:
    """The trainee's active place (seat, offer or waitlist), else their latest one."""
    enrollments = list(
        Enrollment.objects.filter(trainee=user)
        .select_related("cohort", "application")
        .order_by("-created_at", "-pk")[:5]
    )
    for enrollment in enrollments:
        if enrollment.is_active:
            return enrollment
    return enrollments[0] if enrollments else None


def application_enrollment(*, application: Application) -> Enrollment | None:
    return (
        Enrollment.objects.filter(application=application, status__in=Enrollment.ACTIVE_STATUSES)
        .select_related("cohort")
        .first()
    )


def has_enrollments_expression() -> Exists:
    """Whether the person (the outer user row) has ever had a place in a cohort, whatever became
    of it: loaded with the signed-in person, so a trainee's every page knows without asking
    whether its menu links to their cohort."""
    return Exists(Enrollment.objects.filter(trainee=OuterRef("pk")))


def has_enrollments(*, user: User) -> bool:
    """Whether the person has ever had a place in a cohort: as loaded with them, else asked."""
    known = getattr(user, "org_has_enrollments", None)
    if known is None:
        known = Enrollment.objects.filter(trainee=user).exists()
    return bool(known)


def position_of(enrollment: Enrollment) -> int | None:
    if enrollment.status != Status.WAITLISTED:
        return None
    return (
        Enrollment.objects.filter(cohort_id=enrollment.cohort_id, status=Status.WAITLISTED)
        .filter(
            Q(queue_at__lt=enrollment.queue_at)
            | Q(queue_at=enrollment.queue_at, pk__lt=enrollment.pk)
        )
        .count()
        + 1
    )


def manager_people_enrollments(*, user: User) -> QuerySet[Enrollment]:
    """A manager's people with an active place, or in a cohort not yet finished."""
    # Only the name and the cohort are shown: fewer joins make this cheap to plan.
    return (
        policies.visible_enrollments(user)
        .exclude(trainee=user)
        .filter(status__in=Enrollment.ACTIVE_STATUSES)
        .exclude(cohort__status__in=[CohortStatus.COMPLETED, CohortStatus.CANCELLED])
        .select_related("trainee", "cohort")
        .order_by("cohort__day1", "trainee__full_name")
    )


def follow_up_list(*, user: User) -> QuerySet[Attendance]:
    """Missed Day 1 or Day 2 marks in cohorts that are running."""
    return (
        Attendance.objects.filter(
            enrollment__in=policies.visible_enrollments(user),
            day__in=Attendance.FOLLOW_UP_DAYS,
            mark__in=Attendance.MISSED,
            enrollment__status=Status.ENROLLED,
            enrollment__cohort__status=CohortStatus.IN_PROGRESS,
        )
        .select_related("enrollment__trainee", "enrollment__cohort")
        .order_by("enrollment__cohort__day1", "enrollment__trainee__full_name", "day")
    )
