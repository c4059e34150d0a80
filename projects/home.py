"""Home-page cards about improvement projects, for each role (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.querysets import head_and_counts
from projects import policies, selectors


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    user = request.user
    found: list[Section] = []
    if roles.is_manager(user):
        projects, totals = head_and_counts(selectors.people_project_list(user=user), 8)
        found.append(
            Section(
                "projects",
                str(_("Your people's projects")),
                template="projects/_home_manager.html",
                data={
                    "summaries": selectors.summaries_of(projects),
                    "count": totals["count"],
                },
            )
        )
    if roles.is_trainee(user):
        today = timezone.localdate()
        home = selectors.trainee_home(user=user, today=today)
        if home.due_follow_ups:
            found.append(
                Section(
                    "follow-ups-due",
                    ngettext("Follow-up due", "Follow-ups due", len(home.due_follow_ups)),
                    template="projects/_home_follow_ups.html",
                    data={"due": home.due_follow_ups},
                )
            )
        summary = home.summary
        data: dict[str, object] = {"summary": summary}
        if summary is None:
            data["application"] = selectors.startable_application(user=user)
        elif summary.primary is not None:
            data["can_edit"] = policies.can_edit(user, summary.project)
            data["today"] = today
        found.append(
            Section(
                "project", str(_("Your project")), template="projects/_home_trainee.html", data=data
            )
        )
    if roles.is_analyst(user):
        counts = selectors.counts_of(projects=selectors.project_queryset(user=user))
        return [
            Section(
                "projects",
                str(_("Projects")),
                template="projects/_home_analyst.html",
                data={"counts": counts, "count": sum(c["count"] for c in counts)},
            )
        ]
    return found
