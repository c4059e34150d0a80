"""Home-page cards about applications, for each role."""

from __future__ import annotations

from applications import policies, selectors
from leanleaders import roles
from leanleaders.dashboard import Section
from leanleaders.http import AuthenticatedHttpRequest


def sections(request: AuthenticatedHttpRequest) -> list[Section]:
    user = request.user
    if roles.is_trainee(user):
        return [
            Section(
                "application",
                "Your application",
                template="applications/_home_trainee.html",
                data={
                    "application": selectors.current_application(user=user),
                    "can_apply": policies.can_apply(user),
                },
            )
        ]
    if roles.is_manager(user):
        waiting = list(selectors.awaiting_signoff_list(user=user)[:10])
        return [
            Section(
                "signoffs",
                "Waiting for your sign-off",
                template="applications/_home_signoffs.html",
                data={"applications": waiting},
            )
        ]
    if roles.is_analyst(user):
        queue = selectors.review_queue(user=user)
        return [
            Section(
                "review",
                "Applications awaiting review",
                template="applications/_home_review.html",
                data={"applications": list(queue[:5]), "count": queue.count()},
            )
        ]
    return []
