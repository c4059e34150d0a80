"""Reads for completion: the certificate and the trainee's path to Lean Leader on their home."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cohorts.models import Attendance, Enrollment
from leanleaders.models import User
from projects import completion
from projects.models import Project
from reporting import policies


@dataclass
class Completion:
    enrollment: Enrollment
    marks: dict[int, str]
    project: Project | None

    @property
    def is_lean_leader(self) -> bool:
        return self.enrollment.status == Enrollment.Status.ENROLLED and completion.is_lean_leader(
            self.marks, bool(self.project and self.project.is_reviewed)
        )

    @property
    def missing(self) -> list[str]:
        reviewed = None if self.project is None else self.project.is_reviewed
        return completion.missing_for_completion(self.marks, reviewed)

    @property
    def attendance(self) -> list[tuple[int, str | None]]:
        return [(day, self.marks.get(day)) for day in completion.DAYS]

    @property
    def attendance_labelled(self) -> list[tuple[int, str | None, str]]:
        """(day, mark, the mark's label in the active language, lower case) per training day."""
        labels = dict(Attendance.Mark.choices)
        return [
            (day, mark, str(labels.get(mark or "", mark or "")).lower())
            for day, mark in self.attendance
        ]

    @property
    def completed_on(self) -> dt.date | None:
        """The later of Day 3 and the review: when the last requirement was met."""
        if not self.is_lean_leader or self.project is None:
            return None
        reviewed = timezone.localdate(self.project.status_changed_at)
        return max(reviewed, self.enrollment.cohort.day3)


def _completion(enrollment: Enrollment) -> Completion:
    project = getattr(enrollment.application, "project", None)
    return Completion(
        enrollment=enrollment,
        marks={a.day: a.mark for a in enrollment.attendance.all()},
        project=project,
    )


def _completion_query(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    return enrollments.select_related(
        "trainee",
        "cohort",
        "application__department",
        "application__project__reviewed_by",
    ).prefetch_related("attendance")


def certificate_get(*, user: User, enrollment_id: int) -> Completion:
    """Raises Enrollment.DoesNotExist when out of this reader's scope."""
    enrollment = _completion_query(policies.certificate_enrollments(user)).get(pk=enrollment_id)
    return _completion(enrollment)


# What a trainee's completion is worked out from: the seat's status and cohort, the project's
# status (reviewed or not) and when it changed.
COMPLETION_FIELDS = (
    "status",
    "cohort__name",
    "cohort__day1",
    "cohort__day3",
    "application__project__status",
    "application__project__status_changed_at",
)


def trainee_completion(*, user: User) -> Completion | None:
    """The trainee's seat: a completed one first, else the latest enrolled one."""
    # Only what the home card shows: a seven-table join costs more to plan than to run, and
    # each column read is one more to build in Python.
    enrollments = list(
        Enrollment.objects.filter(trainee=user, status=Enrollment.Status.ENROLLED)
        .select_related("cohort", "application__project")
        .only(*COMPLETION_FIELDS)
        .prefetch_related(
            Prefetch("attendance", Attendance.objects.only("enrollment", "day", "mark"))
        )
        .order_by("-cohort__day1", "-pk")[:5]
    )
    completions = [_completion(e) for e in enrollments]
    return next((c for c in completions if c.is_lean_leader), None) or (
        completions[0] if completions else None
    )
