"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from coaching import policies, selectors
from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.querysets import head_and_counts
from projects.models import Project
from projects.selectors import latest_project_id

# Each card shows the few due soonest; each whole list is a page of its own (coaching:my-steps,
# coaching:people-steps, coaching:people-routines).
CARD_ROWS = 5


def facts(user: User) -> dict[str, Any]:
    """Whether the person leads anyone in the program, and a trainee's latest project, read
    with the other cards' (see leanleaders/dashboard): most trainees lead nobody, and their
    home then asks nothing more of this stage than their open steps. An analyst's: the
    coaching card's counts."""
    if roles.is_analyst(user):
        return selectors.analyst_count_expressions(user=user)
    found: dict[str, Any] = {"coaching_leads": selectors.leads_anyone_expression(user)}
    if roles.is_trainee(user):
        found["coaching_project"] = latest_project_id(user)
    return found


def leader_section(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    """For anyone who leads people in the program (as supervisor or sponsor): whose touchpoint
    is due or overdue, the few soonest and how many in all. Not shown to someone who leads
    nobody."""
    if not facts["coaching_leads"]:
        return []
    today = timezone.localdate()
    rows, counts = head_and_counts(
        selectors.led_people(user=request.user, today=today),
        CARD_ROWS,
        **selectors.led_state_counts(today),
    )
    return [
        Section(
            "leader-routines",
            _("Your leader routines"),
            template="coaching/_home_leader.html",
            data={"people": [selectors.led_person(p) for p in rows], **counts},
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
                    "counts": {
                        name: facts[f"coaching_{name}"] for name in selectors.ANALYST_COUNTS
                    },
                    "days": selectors.not_coached_days(),
                },
            )
        ]
    found = leader_section(request, facts)
    if roles.is_manager(user):
        people_steps, counts = head_and_counts(
            selectors.manager_open_steps(user=user),
            CARD_ROWS,
            overdue=selectors.overdue_q(timezone.localdate()),
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
        steps, step_counts = head_and_counts(
            selectors.open_steps_owned(user=user),
            CARD_ROWS,
            overdue=selectors.overdue_q(timezone.localdate()),
        )
        # Only shown (a link), never saved: the id read with the home's facts.
        project_id = facts["coaching_project"]
        project = None if project_id is None else Project(pk=project_id, trainee=user)
        found.append(
            Section(
                "next-steps",
                _("Your next steps"),
                template="coaching/_home_trainee.html",
                data={
                    "steps": steps,
                    **step_counts,
                    "project": project,
                    "can_request": project is not None and policies.can_request(user, project),
                },
            )
        )
    return found
