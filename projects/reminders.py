"""Progress nudge: a trainee between Day 2 and Day 3 (and until the project is reviewed) who has
logged nothing for a week gets one friendly nudge per quiet spell, with a link to log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrollment
from leanleaders.mail import absolute_url
from leanleaders.reminders import Reminder, Rule
from projects.models import Measurement, ProgressEntry, Project


def last_activity(projects: list[Project]) -> dict[int, dt.datetime]:
    """When each project last had a progress entry or a measurement (else when it started)."""
    latest = {p.pk: p.created_at for p in projects}
    ids = list(latest)
    for project_id, when in (
        ProgressEntry.objects.filter(project_id__in=ids)
        .values_list("project_id")
        .annotate(last=Max("created_at"))
    ):
        latest[project_id] = max(latest[project_id], when)
    for project_id, when in (
        Measurement.objects.filter(measure__project_id__in=ids)
        .values_list("measure__project_id")
        .annotate(last=Max("created_at"))
    ):
        latest[project_id] = max(latest[project_id], when)
    return latest


def progress_nudges_due(now: dt.datetime) -> Iterator[Reminder]:
    today = timezone.localtime(now).date()
    quiet_days = settings.LEANLEADERS_PROGRESS_NUDGE_DAYS
    after_day2 = Enrollment.objects.filter(
        status=Enrollment.Status.ENROLLED, cohort__day2__lt=today
    ).values("application_id")
    projects = list(
        Project.objects.filter(application_id__in=after_day2)
        .exclude(status=Project.Status.REVIEWED)
        .select_related("trainee")
    )
    activity = last_activity(projects)
    for project in projects:
        last = timezone.localtime(activity[project.pk]).date()
        if (today - last).days < quiet_days:
            continue
        yield Reminder(
            recipient=project.trainee,
            occasion=f"project:{project.pk}:quiet-since:{last}",
            context={
                "project": project,
                "quiet_days": (today - last).days,
                "log_url": absolute_url(reverse("projects:measurement-add", args=[project.pk])),
                "project_url": absolute_url(reverse("projects:project-detail", args=[project.pk])),
            },
        )


RULES = [
    Rule(
        key="progress-nudge",
        description="No progress entry or measurement for a week between Day 2 and review",
        template="projects/emails/progress_nudge",
        reason="You are leading a Lean Leaders improvement project.",
        due=progress_nudges_due,
        optional=True,
        preference_key="progress-nudge",
    )
]
