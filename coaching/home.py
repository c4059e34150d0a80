"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from coaching import policies, selectors
from leanleaders import roles
from leanleaders.dashboard import Section
from leanleaders.http import AuthenticatedHttpRequest
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


def sections(request: AuthenticatedHttpRequest) -> list[Section]:
    user = request.user
    if not roles.is_analyst(user):
        return leader_section(request) + _role_sections(request)
    return _role_sections(request)


def _role_sections(request: AuthenticatedHttpRequest) -> list[Section]:
    user = request.user
    if roles.is_trainee(user):
        steps = selectors.open_steps_owned(user=user)
        project = latest_project_of(user)
        return [
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
        ]
    if roles.is_manager(user):
        people_steps = selectors.manager_open_steps(user=user)
        return [
            Section(
                "people-next-steps",
                "Your people's open next steps",
                template="coaching/_home_manager.html",
                data={
                    "steps": list(people_steps[:MANAGER_LIMIT]),
                    **selectors.step_counts(people_steps),
                },
            )
        ]
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
    return []
