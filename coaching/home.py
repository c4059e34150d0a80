"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coaching import policies, selectors
from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.querysets import head_and_counts
from projects.selectors import latest_project_of

MANAGER_LIMIT = 15


def leader_section(request: AuthenticatedHttpRequest) -> list[Section]:
    """For anyone who leads people in the program (as supervisor or sponsor): whose touchpoint
    is due or overdue. Not shown to someone who leads nobody."""
    people = selectors.led_people(user=request.user)
    if not people:
        return []
    return [
        Section(
            "leader-routines",
            _("Your leader routines"),
            template="coaching/_home_leader.html",
            data={
                "people": people,
                "overdue": sum(1 for p in people if p.state == "overdue"),
                "due": sum(1 for p in people if p.state == "due"),
            },
        )
    ]


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    user = request.user
    if roles.is_analyst(user):
        return [
            Section(
                "coaching",
                _("Coaching"),
                template="coaching/_home_analyst.html",
                data={
                    "counts": selectors.analyst_counts(user=user),
                    "days": selectors.not_coached_days(),
                },
            )
        ]
    found = leader_section(request)
    if roles.is_manager(user):
        people_steps, counts = head_and_counts(
            selectors.manager_open_steps(user=user),
            MANAGER_LIMIT,
            overdue=Q(due_date__lt=timezone.localdate()),
        )
        found.append(
            Section(
                "people-next-steps",
                _("Your people's open next steps"),
                template="coaching/_home_manager.html",
                data={"steps": people_steps, **counts},
            )
        )
    if roles.is_trainee(user):
        steps = selectors.open_steps_owned(user=user)
        project = latest_project_of(user)
        found.append(
            Section(
                "next-steps",
                _("Your next steps"),
                template="coaching/_home_trainee.html",
                data={
                    "steps": steps,
                    "overdue": sum(1 for s in steps if s.is_overdue),
                    "project": project,
                    "can_request": project is not None and policies.can_request(user, project),
                },
            )
        )
    return found
