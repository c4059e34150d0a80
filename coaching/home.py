"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from coaching import policies, selectors
from leanleaders import roles
from leanleaders.dashboard import Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.querysets import head_and_counts
from projects.selectors import latest_project_of

MANAGER_LIMIT = 15


def sections(request: AuthenticatedHttpRequest) -> list[Section]:
    user = request.user
    found: list[Section] = []
    if roles.is_manager(user):
        steps, counts = head_and_counts(
            selectors.manager_open_steps(user=user),
            MANAGER_LIMIT,
            overdue=Q(due_date__lt=timezone.localdate()),
        )
        found.append(
            Section(
                "people-next-steps",
                "Your people's open next steps",
                template="coaching/_home_manager.html",
                data={"steps": steps, **counts},
            )
        )
    if roles.is_trainee(user):
        steps = selectors.open_steps_owned(user=user)
        project = latest_project_of(user)
        found.append(
            Section(
                "next-steps",
                "Your next steps",
                template="coaching/_home_trainee.html",
                data={
                    "steps": steps,
                    "overdue": sum(1 for s in steps if s.is_overdue),
                    "project": project,
                    "can_request": project is not None and policies.can_request(user, project),
                },
            )
        )
    if roles.is_analyst(user):
        return [
            Section(
                "coaching",
                "Coaching",
                template="coaching/_home_analyst.html",
                data={
                    "counts": selectors.analyst_counts(user=user),
                    "days": selectors.not_coached_days(),
                },
            )
        ]
    return found
