"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from django.utils.translation import gettext

from cohorts import selectors
from leanleaders import roles
from leanleaders.dashboard import Section
from leanleaders.http import AuthenticatedHttpRequest


def sections(request: AuthenticatedHttpRequest) -> list[Section]:
    user = request.user
    found: list[Section] = []
    if roles.is_manager(user):
        found.append(
            Section(
                "people-cohorts",
                gettext("Your people's cohorts"),
                template="cohorts/_home_manager.html",
                data={"enrollments": list(selectors.manager_people_enrollments(user=user)[:10])},
            )
        )
    if roles.is_trainee(user):
        enrollment = selectors.current_enrollment(user=user)
        if enrollment is not None:
            found.append(
                Section(
                    "cohort",
                    gettext("Your cohort"),
                    template="cohorts/_home_trainee.html",
                    data={"enrollment": enrollment, "position": selectors.position_of(enrollment)},
                )
            )
    if roles.is_analyst(user):
        current = list(selectors.cohort_list(user=user, when=selectors.CURRENT)[:5])
        upcoming = list(selectors.cohort_list(user=user, when=selectors.UPCOMING)[:5])
        return [
            Section(
                "cohorts",
                gettext("Cohorts"),
                template="cohorts/_home_analyst.html",
                data={
                    "current": current,
                    "upcoming": upcoming,
                    "follow_ups": selectors.follow_up_list(user=user).count(),
                },
            )
        ]
    return found
