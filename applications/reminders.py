"""Sign-off escalation: a sign-off waiting N working days (`LEANLEADERS_SIGNOFF_ESCALATION_DAYS`,
default 3) goes one step up, and again every N more: to the applicant's supervisor's
supervisor, then the department's manager or alternate, then the analysts. Each step is
recorded (audit row, the new signer named) and its people are emailed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from applications.services import (
    ESCALATION_STEPS,
    application_signoff_escalate,
    application_url,
    escalation_recipients,
)
from leanleaders.reminders import Reminder, Rule
from leanleaders.workdays import working_days_between


def signoff_stage(submitted_on: dt.date, today: dt.date) -> int:
    """0 = nothing yet, 1 = the supervisor's supervisor, 2 = the department's managers,
    3 = the analysts."""
    step_days = max(settings.LEANLEADERS_SIGNOFF_ESCALATION_DAYS, 1)
    return min(working_days_between(submitted_on, today) // step_days, ESCALATION_STEPS)


def _waiting() -> Iterator[Application]:
    return (
        Application.objects.filter(status=Application.Status.SUBMITTED, submitted_at__isnull=False)
        .select_related(
            "trainee__supervisor__supervisor", "manager", "department__alternate_manager"
        )
        .prefetch_related("department__managers")
        .iterator(chunk_size=200)
    )


def signoff_escalate_due(now: dt.datetime) -> None:
    """Records each step reached (run before the emails, not on a dry run)."""
    today = timezone.localtime(now).date()
    for application in _waiting():
        assert application.submitted_at is not None  # noqa: S101  # filtered above
        stage = signoff_stage(timezone.localtime(application.submitted_at).date(), today)
        if stage > application.signoff_step:
            application_signoff_escalate(application_id=application.pk, step=stage)


def signoff_pending_due(now: dt.datetime) -> Iterator[Reminder]:
    today = timezone.localtime(now).date()
    for application in _waiting():
        assert application.submitted_at is not None  # noqa: S101  # filtered above
        submitted = timezone.localtime(application.submitted_at)
        stage = signoff_stage(submitted.date(), today)
        if stage == 0:
            continue
        occasion = f"application:{application.pk}:{submitted:%Y%m%d%H%M%S}:{stage}"
        recipients = escalation_recipients(application, stage)
        asked_before = escalation_recipients(application, stage - 1) if stage > 1 else []
        if application.manager is not None and stage == 1:
            asked_before = [application.manager]
        context = {
            "application": application,
            "url": application_url(application),
            "stage": 3 if any(p.role == "analyst" for p in recipients) else stage,
            "waiting_days": working_days_between(submitted.date(), today),
            # Who was asked before, so the next people know whom to call.
            "reminded": get_text_list(
                [f"{person.full_name} ({person.email})" for person in asked_before], _("or")
            ),
        }
        for person in recipients:
            yield Reminder(recipient=person, occasion=occasion, context=context)


RULES = [
    Rule(
        key="signoff-pending",
        description=gettext_lazy(
            "Sign-off waiting: every N working days one step up (supervisor's supervisor, "
            "department manager, analysts)"
        ),
        template="applications/emails/signoff_reminder",
        reason=gettext_lazy("A Lean Leaders application is waiting for a sign-off."),
        due=signoff_pending_due,
        act=signoff_escalate_due,
    )
]
