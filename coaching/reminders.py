"""Next-step reminders: to a step's owner the day before it is due, and once when it is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.models import LeaderCadence, NextStep
from coaching.selectors import OverviewRow, coaching_overview
from coaching.services import step_url
from cohorts.models import Cohort
from leanleaders.mail import absolute_url
from leanleaders.models import User
from leanleaders.reminders import Reminder, Rule
from projects.models import Project, Sustainment
from projects.reminders import last_activity
from projects.results import Verdict

DIGEST_STATUSES = (Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)

# An open step overdue for longer than this gets no first "overdue" email: it is old news.
OVERDUE_WINDOW_DAYS = 7


def next_step_due(now: dt.datetime) -> Iterator[Reminder]:
    today = timezone.localtime(now).date()
    tomorrow = today + dt.timedelta(days=1)
    steps = (
        NextStep.objects.filter(
            status=NextStep.Status.OPEN,
            owner__is_active=True,
            due_date__gte=today - dt.timedelta(days=OVERDUE_WINDOW_DAYS),
            due_date__lte=tomorrow,
        )
        .exclude(due_date=today)
        .select_related("owner", "conversation", "project")
        .order_by("due_date", "pk")
    )
    for step in steps:
        overdue = step.due_date < today
        occasion = f"step:{step.pk}:{'overdue' if overdue else 'due-tomorrow'}"
        yield Reminder(
            recipient=step.owner,
            occasion=occasion,
            context={"step": step, "overdue": overdue, "url": step_url(step)},
        )


@dataclass
class DigestCohort:
    cohort: Cohort
    quiet: list[Project]
    attention: list[OverviewRow]
    improving: list[Project]
    # In progress with no leader touchpoint in NO_LEADER_DAYS days (or none at all), from the
    # projects' stored latest touchpoint date.
    no_leader: list[Project] = field(default_factory=list)


NO_LEADER_DAYS = 30


def digest_cohorts(today: dt.date) -> list[DigestCohort]:
    """Per cohort under way: who is quiet, who needs coaching or is overdue, who is improving."""
    cohorts = Cohort.objects.filter(status__in=DIGEST_STATUSES).order_by("day1")
    digest = []
    for cohort in cohorts:
        rows = coaching_overview(cohort=cohort)
        projects = [row.project for row in rows]
        activity = last_activity(projects)
        quiet_days = settings.LEANLEADERS_PROGRESS_NUDGE_DAYS
        digest.append(
            DigestCohort(
                cohort=cohort,
                quiet=[
                    p
                    for p in projects
                    if (today - timezone.localtime(activity[p.pk]).date()).days >= quiet_days
                ],
                attention=[r for r in rows if r.not_coached or r.overdue_steps],
                improving=[p for p in projects if p.verdict == Verdict.IMPROVED],
                no_leader=[
                    p
                    for p in projects
                    if p.status == Project.Status.ACTIVE
                    and (
                        p.last_leader_touchpoint_on is None
                        or (today - p.last_leader_touchpoint_on).days > NO_LEADER_DAYS
                    )
                ],
            )
        )
    return digest


def fading_results() -> list[Project]:
    """Reviewed projects whose result, at their latest follow-up after Day 3, is slipping or has
    reverted: named in every digest while they read so (the stored sustainment), so an analyst
    can coach them back, not only in the week it changed."""
    return list(
        Project.objects.filter(
            status=Project.Status.REVIEWED,
            sustainment__in=(Sustainment.SLIPPING, Sustainment.REVERTED),
        )
        .select_related("trainee")
        .order_by("sustainment", "title")
    )


def analyst_digest_due(now: dt.datetime) -> Iterator[Reminder]:
    local = timezone.localtime(now)
    if local.weekday() != 0:  # Mondays
        return
    year, week, _ = local.isocalendar()
    analysts = list(User.objects.filter(role=User.Role.ANALYST, is_active=True))
    if not analysts:
        return
    cohorts = digest_cohorts(local.date())
    fading = fading_results()
    if not cohorts and not fading:
        return
    context = {
        "cohorts": cohorts,
        "fading": fading,
        # The working week it covers, Monday to Friday: people read dates, not ISO week numbers.
        "week_start": local.date(),
        "week_end": local.date() + dt.timedelta(days=4),
        "overview_url": absolute_url(reverse("coaching:overview")),
    }
    for analyst in analysts:
        yield Reminder(recipient=analyst, occasion=f"digest:{year}-W{week:02d}", context=context)


def leader_touchpoint_due(now: dt.datetime) -> Iterator[Reminder]:
    """A leader's cadence: once on the day a touchpoint is due, and once when it was missed (the
    day after, up to a week on). A touchpoint moves the due date on, so a reminder names the due
    date it is for and each goes once."""
    today = timezone.localtime(now).date()
    cadences = (
        LeaderCadence.objects.filter(
            leader__is_active=True,
            project__status=Project.Status.ACTIVE,
            due_on__gte=today - dt.timedelta(days=OVERDUE_WINDOW_DAYS),
            due_on__lte=today,
        )
        .select_related("leader", "project", "project__trainee")
        .order_by("due_on", "pk")
    )
    for cadence in cadences:
        missed = cadence.due_on < today
        yield Reminder(
            recipient=cadence.leader,
            occasion=f"cadence:{cadence.pk}:{'missed' if missed else 'due'}:{cadence.due_on}",
            context={
                "cadence": cadence,
                "project": cadence.project,
                "missed": missed,
                "url": absolute_url(
                    reverse("coaching:touchpoint-create", args=[cadence.project_id])
                ),
            },
        )


RULES: list[Rule] = [
    Rule(
        key="analyst-digest",
        description=_("Mondays: per cohort, who is quiet, who is overdue, who is improving"),
        template="coaching/emails/analyst_digest",
        reason=_("You are a City Performance analyst coaching Lean Leaders cohorts."),
        due=analyst_digest_due,
        optional=True,
        preference_key="analyst-digest",
    ),
    Rule(
        key="next-step-due",
        description=_("Next step due tomorrow, and once when overdue: to its owner"),
        template="coaching/emails/next_step_due",
        reason=_("You own a next step agreed in a Lean Leaders coaching conversation."),
        due=next_step_due,
        optional=True,
        preference_key="next-step-due",
    ),
    Rule(
        key="leader-touchpoint-due",
        description=_(
            "A leader's touchpoint with one of their people: on the day it is due, and once "
            "when it was missed"
        ),
        template="coaching/emails/touchpoint_due",
        reason=_("You lead someone in the Lean Leaders program and agreed a cadence with them."),
        due=leader_touchpoint_due,
        optional=True,
        preference_key="leader-touchpoint-due",
    ),
]
