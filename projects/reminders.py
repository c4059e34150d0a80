"""Progress nudge: a trainee between Day 2 and Day 3 (and until the project is reviewed) who has
logged nothing for a week gets one friendly nudge per quiet spell, with a link to log.

Follow-ups after Day 3: the lead and the team members who may log get one email when a follow-up
falls due, linking to its one-field form; the lead gets one note when it was missed (the rule first
stores the misses, `services.follow_ups_mark_missed`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrollment
from leanleaders.mail import absolute_url
from leanleaders.models import User
from leanleaders.reminders import Reminder, Rule
from projects.models import (
    FollowUp,
    Measurement,
    ProgressEntry,
    Project,
    ProjectMember,
    Sustainment,
)
from projects.selectors import follow_ups_waiting
from projects.services import follow_ups_mark_missed


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


# A follow-up found missed longer ago than this gets no note: old news (a project reviewed before
# follow-ups existed, say).
MISSED_NOTE_WINDOW_DAYS = 7


def _follow_up_context(follow_up: FollowUp) -> dict[str, object]:
    project = follow_up.project
    return {
        "project": project,
        "follow_up": follow_up,
        "log_url": absolute_url(reverse("projects:follow-up-log", args=[project.pk, follow_up.pk])),
        "project_url": absolute_url(reverse("projects:project-detail", args=[project.pk])),
        "grace_days": settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS,
    }


def follow_ups_due(now: dt.datetime) -> Iterator[Reminder]:
    """A follow-up of a reviewed project from its due date until it is logged or missed: to the
    lead and to each team member (with an account) who may log."""
    today = timezone.localtime(now).date()
    follow_ups = list(follow_ups_waiting(today=today).select_related("project__trainee"))
    loggers: dict[int, list[User]] = defaultdict(list)
    for member in ProjectMember.objects.filter(
        project_id__in={f.project_id for f in follow_ups},
        may_log=True,
        user__is_active=True,
    ).select_related("user"):
        if member.user is not None:
            loggers[member.project_id].append(member.user)
    for follow_up in follow_ups:
        context = _follow_up_context(follow_up)
        for person in [follow_up.project.trainee, *loggers[follow_up.project_id]]:
            yield Reminder(
                recipient=person, occasion=f"follow-up:{follow_up.pk}:due", context=context
            )


def follow_ups_missed(now: dt.datetime) -> Iterator[Reminder]:
    """One note to the lead when a follow-up was missed (within a week of it being missed)."""
    today = timezone.localtime(now).date()
    # It reads missed from the day after its last day.
    oldest_last_day = today - dt.timedelta(days=MISSED_NOTE_WINDOW_DAYS + 1)
    follow_ups = (
        FollowUp.objects.filter(verdict=Sustainment.MISSED, project__status=Project.Status.REVIEWED)
        .last_day_on_or_after(oldest_last_day)
        .select_related("project__trainee")
    )
    for follow_up in follow_ups:
        yield Reminder(
            recipient=follow_up.project.trainee,
            occasion=f"follow-up:{follow_up.pk}:missed",
            context=_follow_up_context(follow_up),
        )


def _mark_missed(now: dt.datetime) -> None:
    follow_ups_mark_missed(today=timezone.localtime(now).date())


RULES = [
    Rule(
        key="progress-nudge",
        description=_("No progress entry or measurement for a week between Day 2 and review"),
        template="projects/emails/progress_nudge",
        reason=_("You are leading a Lean Leaders improvement project."),
        due=progress_nudges_due,
        optional=True,
        preference_key="progress-nudge",
    ),
    Rule(
        key="follow-up-due",
        description=_("A follow-up after Day 3 is due: log the measure again"),
        template="projects/emails/follow_up_due",
        reason=_("You lead, or log for, a reviewed Lean Leaders improvement project."),
        due=follow_ups_due,
    ),
    Rule(
        key="follow-up-missed",
        description=_("A follow-up after Day 3 was not logged in time"),
        template="projects/emails/follow_up_missed",
        reason=_("You lead a reviewed Lean Leaders improvement project."),
        due=follow_ups_missed,
        act=_mark_missed,
    ),
]
