"""Next-step reminders: to a step's owner the day before it is due, and once when it is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

from coaching.models import NextStep
from coaching.services import step_url
from leanleaders.reminders import Reminder, Rule

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


RULES: list[Rule] = [
    Rule(
        key="next-step-due",
        description="Next step due tomorrow, and once when overdue: to its owner",
        template="coaching/emails/next_step_due",
        reason="You own a next step agreed in a Lean Leaders coaching conversation.",
        due=next_step_due,
        optional=True,
        preference_key="next-step-due",
    )
]
