"""Helpers for coaching tests: conversations are logged through the service, as in real use."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coaching import services
from coaching.models import Conversation

MARKER = "PRIVATE-MARKER-7f3a9c"


def step(description: str, owner_role: str = "trainee", days: int = 7) -> services.StepInput:
    return services.StepInput(
        description=description,
        owner_role=owner_role,
        due_date=timezone.localdate() + dt.timedelta(days=days),
    )


def log_conversation(
    project,
    coach,
    *,
    steps=None,
    date: dt.date | None = None,
    private_notes: str = "",
    **fields,
) -> Conversation:
    data = {
        "date": date or timezone.localdate(),
        "format": "gemba",
        "duration_minutes": 30,
        "what_we_see": "Cases wait in the shared inbox.",
        "whats_in_the_way": "Nobody owns the inbox.",
        "experiment_to_try": "A daily huddle to pick up cases.",
        "tools": ["visual_management"],
        "obstacle": "Unowned inbox",
        **fields,
    }
    return services.conversation_log(
        project_id=project.pk,
        by=coach,
        data=data,
        steps=steps if steps is not None else [step("Run the huddle for a week")],
        private_notes=private_notes,
    )


def seat_in_cohort(project, *, day1: dt.date) -> None:
    """Give the project's trainee a seat in a cohort whose Day 1 is `day1`: leader touchpoints
    count from it."""
    from cohorts.models import Enrollment
    from tests.cohorts.factories import CohortFactory

    cohort = CohortFactory(
        day1=day1, day2=day1 + dt.timedelta(days=1), day3=day1 + dt.timedelta(days=30)
    )
    Enrollment.objects.create(
        cohort=cohort,
        application=project.application,
        trainee=project.trainee,
        status=Enrollment.Status.ENROLLED,
    )
