"""Who is a Lean Leader: the one rule, used by the board, the report, the home card and the
certificate.

A trainee completes the program in a cohort when they were marked **present or late** on all
three days (late still means they took part in the training; absent and excused do not count)
and the analyst has marked their project **reviewed** (the Day 3 review).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils.translation import gettext

from cohorts.models import Attendance, Enrollment
from projects.models import Project

DAYS = (1, 2, 3)
ATTENDED = Attendance.ATTENDED


def attended(mark: str | None) -> bool:
    return mark in ATTENDED


def days_attended(marks: Mapping[int, str]) -> int:
    return sum(1 for day in DAYS if attended(marks.get(day)))


def is_lean_leader(marks: Mapping[int, str], project_reviewed: bool) -> bool:
    return days_attended(marks) == len(DAYS) and project_reviewed


def completed_enrollments() -> QuerySet[Enrollment]:
    """The same rule in SQL, for lists of Lean Leaders: the enrolled seats with every day
    attended whose application's project is reviewed."""
    # Each seat's days attended are stored on it by the attendance service
    # (`sessions_attended`; a mark a day, only for days 1 to 3, by the table's constraints), so
    # no seat's marks are counted here, once for each project a list looks at.
    return Enrollment.objects.filter(
        status=Enrollment.Status.ENROLLED,
        application__project__status=Project.Status.REVIEWED,
        sessions_attended=len(DAYS),
    )


def missing_for_completion(marks: Mapping[int, str], project_reviewed: bool | None) -> list[str]:
    """What is still needed, in words (empty when complete). `None`: no project yet."""
    missing = [
        gettext("Attend Day %(day)s") % {"day": day} for day in DAYS if not attended(marks.get(day))
    ]
    if project_reviewed is None:
        missing.append(gettext("Start your improvement project"))
    elif not project_reviewed:
        missing.append(gettext("Have your project reviewed on Day 3"))
    return missing
