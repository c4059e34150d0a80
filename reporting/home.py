"""Home-page cards for reporting: the trainee's path to Lean Leader (and certificate), and the
way into the cohort boards and the program report for staff (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.utils.translation import gettext

from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from reporting.selectors.completion import trainee_completion


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    user = request.user
    found: list[Section] = []
    if roles.is_manager(user) or roles.is_analyst(user):
        found.append(
            Section(
                "reports",
                gettext("Reports") if roles.is_analyst(user) else gettext("Cohort boards"),
                template="reporting/_home_staff.html",
            )
        )
    if roles.is_trainee(user):
        done = trainee_completion(user=user)
        if done is not None:
            title = (
                gettext("You're a Lean Leader")
                if done.is_lean_leader
                else gettext("Becoming a Lean Leader")
            )
            found.append(
                Section(
                    "lean-leader",
                    title,
                    template="reporting/_home_trainee.html",
                    data={"done": done},
                )
            )
    return found
