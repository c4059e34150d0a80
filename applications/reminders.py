"""Sign-off reminders: a manager who hasn't acted in 3 working days is reminded, then reminded
again 3 working days later, and 3 working days after that the analysts are told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import signoff_managers
from applications.services import application_url
from leanleaders.models import User
from leanleaders.reminders import Reminder, Rule
from leanleaders.workdays import working_days_between

STEP_WORKING_DAYS = 3


def signoff_stage(submitted_on: dt.date, today: dt.date) -> int:
    """0 = nothing yet, 1 = first reminder, 2 = second reminder, 3 = analysts are told."""
    return min(working_days_between(submitted_on, today) // STEP_WORKING_DAYS, 3)


def signoff_pending_due(now: dt.datetime) -> Iterator[Reminder]:
    today = timezone.localtime(now).date()
    waiting = (
        Application.objects.filter(status=Application.Status.SUBMITTED, submitted_at__isnull=False)
        .select_related("trainee", "manager", "department__alternate_manager")
        .prefetch_related("department__managers")
    )
    analysts: list[User] | None = None
    for application in waiting:
        submitted = timezone.localtime(application.submitted_at)
        stage = signoff_stage(submitted.date(), today)
        if stage == 0:
            continue
        occasion = f"application:{application.pk}:{submitted:%Y%m%d%H%M%S}:{stage}"
        managers = signoff_managers(application)
        context = {
            "application": application,
            "url": application_url(application),
            "stage": stage,
            "waiting_days": working_days_between(submitted.date(), today),
            # Who was reminded, so the analysts know whom to call.
            "reminded": get_text_list(
                [f"{person.full_name} ({person.email})" for person in managers], _("or")
            ),
        }
        if stage < 3:
            recipients = managers
        else:
            if analysts is None:
                analysts = list(User.objects.filter(role=User.Role.ANALYST, is_active=True))
            recipients = analysts
        for person in recipients:
            yield Reminder(recipient=person, occasion=occasion, context=context)


RULES = [
    Rule(
        key="signoff-pending",
        description="Sign-off waiting 3 working days: manager reminded twice, then analysts told",
        template="applications/emails/signoff_reminder",
        reason="A Lean Leaders application is waiting for a manager's sign-off.",
        due=signoff_pending_due,
    )
]
