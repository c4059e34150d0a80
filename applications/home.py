"""Home-page cards about applications, for each capability a person has (one may have several:
a manager who applied sees their own application and their people's sign-offs)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import JSONObject
from django.utils.translation import gettext_lazy as _

from applications import policies, selectors
from applications.models import Application
from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.querysets import as_datetime, head_and_counts, rows_of

SIGNOFFS_SHOWN = 10


def facts(user: User) -> dict[str, Any]:
    """The sign-offs card's rows, read with the other cards' (see leanleaders/dashboard)."""
    if not roles.is_manager(user):
        return {}
    return {
        # One more than shown: whether to link to the rest, without counting them.
        "signoffs": rows_of(
            selectors.awaiting_signoff_list(user=user),
            SIGNOFFS_SHOWN + 1,
            pk=F("pk"),
            title=F("title"),
            submitted_at=F("submitted_at"),
            trainee=JSONObject(full_name=F("trainee__full_name")),
        )
    }


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    user = request.user
    if roles.is_analyst(user):
        # The first few with how many there are, in one query, reading only what the card
        # shows of each: its title, when it was signed off, the trainee's name and department.
        queue = selectors.review_queue(user=user).only(
            "title", "status_changed_at", "trainee__full_name", "department__code"
        )
        applications, totals = head_and_counts(queue, 5)
        return [
            Section(
                "review",
                str(_("Applications awaiting review")),
                template="applications/_home_review.html",
                data={"applications": applications, "count": totals["count"]},
            )
        ]
    found: list[Section] = []
    if roles.is_manager(user):
        rows = facts["signoffs"]
        waiting = [
            {**row, "submitted_at": as_datetime(row["submitted_at"])}
            for row in rows[:SIGNOFFS_SHOWN]
        ]
        found.append(
            Section(
                "signoffs",
                str(_("Waiting for your sign-off")),
                template="applications/_home_signoffs.html",
                data={
                    "applications": waiting,
                    # The rest are on the application list, filtered to those submitted.
                    "more": len(rows) > SIGNOFFS_SHOWN,
                    "status": Application.Status.SUBMITTED,
                    # A manager who has not applied is invited to, from this card.
                    "can_apply": policies.can_apply(user) and not roles.is_trainee(user),
                },
            )
        )
    if roles.is_trainee(user):
        found.append(
            Section(
                "application",
                str(_("Your application")),
                template="applications/_home_trainee.html",
                data={
                    "application": selectors.current_application(user=user),
                    "can_apply": policies.can_apply(user),
                },
            )
        )
    return found
