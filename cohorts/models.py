"""Cohorts: three training days, a number of seats, the people in them and the queue behind them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from leanleaders.models import Department, User


@dataclass(frozen=True)
class Session:
    number: int
    date: dt.date
    start: dt.time
    end: dt.time

    @property
    def label(self) -> str:
        return gettext("Day %(day)s") % {"day": self.number}


class CohortQuerySet(models.QuerySet["Cohort"]):
    """Who a cohort is for. Written as subqueries, not joins, so they combine with the seat
    counts without multiplying them."""

    def _reservations(self) -> models.QuerySet[Any]:
        return Cohort.departments.through.objects.filter(cohort_id=OuterRef("pk"))

    def city_wide(self) -> CohortQuerySet:
        """Open to every department."""
        return self.filter(~Exists(self._reservations()))

    def reserved(self) -> CohortQuerySet:
        """By special arrangement with one or more departments."""
        return self.filter(Exists(self._reservations()))

    def open_to(self, department_id: int) -> CohortQuerySet:
        """The cohorts an applicant of this department may be placed in."""
        reservations = self._reservations()
        return self.filter(
            ~Exists(reservations) | Exists(reservations.filter(department_id=department_id))
        )


class Cohort(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for enrollment")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS: dict[str, set[str]] = {
        Status.PLANNED: {Status.OPEN, Status.CANCELLED},
        Status.OPEN: {Status.PLANNED, Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }
    # Cohorts that can still take people (the placement form lists these).
    PLACEABLE_STATUSES = (Status.PLANNED, Status.OPEN)
    # Dates can be moved until the cohort starts.
    RESCHEDULABLE_STATUSES = (Status.PLANNED, Status.OPEN)

    name = models.CharField(
        _("Name"),
        max_length=120,
        unique=True,
        error_messages={"unique": _("A cohort with this name exists already.")},
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    day1 = models.DateField(_("Day 1"))
    day2 = models.DateField(_("Day 2"))
    day3 = models.DateField(_("Day 3"))
    start_time = models.TimeField(_("Starts at"), default=dt.time(9, 0))
    end_time = models.TimeField(_("Ends at"), default=dt.time(16, 30))
    location = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField()
    preparation = models.TextField(
        _("What to prepare"),
        blank=True,
        help_text=_("Shown to enrolled trainees on their cohort page and in their emails."),
    )
    # Bumped whenever the dates or times move, so calendar apps replace the old events.
    schedule_version = models.PositiveIntegerField(default=0)
    available_applications = models.ManyToManyField(
        Application,
        related_name="available_cohorts",
        blank=True,
        help_text=_("Applications whose trainee said they can attend this cohort."),
    )
    # Empty: open to the whole city. Otherwise only these departments' applicants are placed in
    # it (a cohort "by special arrangement with a department").
    departments = models.ManyToManyField(
        Department,
        related_name="reserved_cohorts",
        blank=True,
        verbose_name=_("Reserved for"),
        help_text=_(
            "Leave empty to open the cohort to every department. Choose one or more departments "
            "for a cohort by special arrangement: only their applicants can be placed in it."
        ),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["day1", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["planned", "open", "in_progress", "completed", "cancelled"]
                ),
                name="cohort_status_valid",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cohort_capacity_positive"),
            models.CheckConstraint(
                condition=Q(day2__gt=models.F("day1")), name="cohort_day2_after_day1"
            ),
            models.CheckConstraint(
                condition=Q(day3__gt=models.F("day2")), name="cohort_day3_after_day2"
            ),
        ]
        indexes = [models.Index(fields=["status", "day1"])]

    def __str__(self) -> str:
        return self.name

    @property
    def sessions(self) -> list[Session]:
        return [
            Session(number, day, self.start_time, self.end_time)
            for number, day in ((1, self.day1), (2, self.day2), (3, self.day3))
        ]

    def session_date(self, number: int) -> dt.date:
        return {1: self.day1, 2: self.day2, 3: self.day3}[number]

    @property
    def is_placeable(self) -> bool:
        return self.status in self.PLACEABLE_STATUSES

    @property
    def is_reschedulable(self) -> bool:
        return self.status in self.RESCHEDULABLE_STATUSES

    @property
    def reserved_departments(self) -> list[Department]:
        """The departments it is reserved for, by name; empty when it is open to all. Reads
        the prefetched `departments` when the selector prefetched them."""
        return list(self.departments.all())  # Department orders by name

    def is_open_to(self, department_id: int) -> bool:
        reserved = self.reserved_departments
        return not reserved or any(d.pk == department_id for d in reserved)


class Enrollment(models.Model):
    """One application's place in one cohort: a seat, a place in its queue, or how that ended."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        OFFERED = "offered", _("Seat offered")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        MOVED = "moved", _("Moved to another cohort")
        OFFER_EXPIRED = "offer_expired", _("Offer lapsed")
        CANCELLED = "cancelled", _("Cohort cancelled")

    TRANSITIONS: dict[str, set[str]] = {
        Status.WAITLISTED: {
            Status.ENROLLED,
            Status.OFFERED,
            Status.WITHDRAWN,
            Status.MOVED,
            Status.CANCELLED,
        },
        Status.OFFERED: {
            Status.ENROLLED,
            Status.OFFER_EXPIRED,
            Status.WITHDRAWN,
            Status.MOVED,
            Status.CANCELLED,
        },
        Status.ENROLLED: {Status.WITHDRAWN, Status.MOVED, Status.CANCELLED},
        Status.WITHDRAWN: set(),
        Status.MOVED: set(),
        Status.OFFER_EXPIRED: set(),
        Status.CANCELLED: set(),
    }
    ACTIVE_STATUSES = (Status.ENROLLED, Status.WAITLISTED, Status.OFFERED)
    # An offered seat is held for the person it was offered to.
    SEAT_STATUSES = (Status.ENROLLED, Status.OFFERED)
    QUEUE_STATUSES = (Status.WAITLISTED, Status.OFFERED)

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="enrollments"
    )
    trainee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # When the analyst accepted the application: the queue's natural order, kept across cohorts.
    accepted_at = models.DateTimeField(default=timezone.now)
    # The queue's order; starts as accepted_at and changes only when an analyst reorders.
    queue_at = models.DateTimeField(default=timezone.now)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    # Its sessions marked (any mark) and attended (present or late): the program report's
    # attendance and completion. Stored by `attendance_record` in its transaction;
    # `manage.py recompute_attendance` stores them from the marks.
    sessions_marked = models.PositiveSmallIntegerField(default=0, editable=False)
    sessions_attended = models.PositiveSmallIntegerField(default=0, editable=False)
    placed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["queue_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "enrolled",
                        "waitlisted",
                        "offered",
                        "withdrawn",
                        "moved",
                        "offer_expired",
                        "cancelled",
                    ]
                ),
                name="enrollment_status_valid",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["enrolled", "waitlisted", "offered"]),
                name="one_active_enrollment_per_application",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "queue_at"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} in {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class Attendance(models.Model):
    class Mark(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    # Late still means they took part in the training (projects.completion's rule).
    ATTENDED = (Mark.PRESENT, Mark.LATE)
    # Missing Day 1 or Day 2 means missing the core training: someone should follow up.
    MISSED = (Mark.ABSENT, Mark.EXCUSED)
    FOLLOW_UP_DAYS = (1, 2)

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    day = models.PositiveSmallIntegerField(choices=[(1, "Day 1"), (2, "Day 2"), (3, "Day 3")])
    mark = models.CharField(max_length=8, choices=Mark.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enrollment_id", "day"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "day"], name="one_mark_per_day"),
            models.CheckConstraint(condition=Q(day__in=[1, 2, 3]), name="attendance_day_valid"),
            models.CheckConstraint(
                condition=Q(mark__in=["present", "late", "absent", "excused"]),
                name="attendance_mark_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} day {self.day}: {self.mark}"

    @property
    def needs_follow_up(self) -> bool:
        return self.day in self.FOLLOW_UP_DAYS and self.mark in self.MISSED
