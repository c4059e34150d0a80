"""Session reminders: a week and a day before each session day; Day 3's also say what to bring
and link to the trainee's project, so Day 3 never brings two reminders on one day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cohorts.ics import Method, enrollment_ics_attachment
from cohorts.models import Cohort, Enrollment
from leanleaders.mail import absolute_url
from leanleaders.reminders import Reminder, Rule

WEEK_BEFORE = dt.timedelta(days=7)
DAY_BEFORE = dt.timedelta(days=1)
LIVE_STATUSES = (Cohort.Status.PLANNED, Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)


def _enrolled(cohorts: list[Cohort]) -> dict[int, list[Enrollment]]:
    by_cohort: dict[int, list[Enrollment]] = {c.pk: [] for c in cohorts}
    cohort_by_pk = {c.pk: c for c in cohorts}
    for enrollment in Enrollment.objects.filter(
        cohort__in=cohorts, status=Enrollment.Status.ENROLLED
    ).select_related("trainee"):
        enrollment.cohort = cohort_by_pk[enrollment.cohort_id]
        by_cohort[enrollment.cohort_id].append(enrollment)
    return by_cohort


def session_reminders_due(now: dt.datetime) -> Iterator[Reminder]:
    """From a week before a session day: the week reminder; on the day before: the day one.

    A reminder missed on its exact day (beat was down) still goes out late, never after the
    session; the day-before reminder replaces a week reminder that is no longer useful.
    """
    today = timezone.localtime(now).date()
    cohorts = list(
        Cohort.objects.filter(
            status__in=LIVE_STATUSES, day1__lte=today + WEEK_BEFORE, day3__gt=today
        )
    )
    people = _enrolled(cohorts)
    for cohort in cohorts:
        for session in cohort.sessions:
            if not today < session.date <= today + WEEK_BEFORE:
                continue
            which = "day" if session.date - today <= DAY_BEFORE else "week"
            for enrollment in people[cohort.pk]:
                yield Reminder(
                    recipient=enrollment.trainee,
                    occasion=f"cohort:{cohort.pk}:day{session.number}:{session.date}:{which}",
                    context={
                        "cohort": cohort,
                        "session": session,
                        "which": which,
                        "days_away": (session.date - today).days,
                        "url": absolute_url(reverse("cohorts:my-cohort")),
                        "project_url": absolute_url(reverse("projects:project-mine")),
                    },
                    attachments=(enrollment_ics_attachment(enrollment, method=Method.REQUEST),),
                )


RULES = [
    Rule(
        key="session-reminder",
        description="A week and a day before each session day, with the calendar file",
        template="cohorts/emails/session_reminder",
        reason=gettext_lazy("You are enrolled in a Lean Leaders cohort."),
        due=session_reminders_due,
    ),
]
