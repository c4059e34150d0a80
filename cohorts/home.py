"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import JSONObject
from django.utils.translation import gettext

from cohorts import selectors
from cohorts.models import Cohort, Enrollment
from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.querysets import as_date, rows_of

PEOPLE_ENROLLMENTS_SHOWN = 10


def facts(user: User) -> dict[str, Any]:
    """The manager's cohorts card's rows, read with the other cards' (see leanleaders/dashboard)."""
    if not roles.is_manager(user):
        return {}
    return {
        "people_enrollments": rows_of(
            selectors.manager_people_enrollments(user=user),
            PEOPLE_ENROLLMENTS_SHOWN,
            pk=F("pk"),
            status=F("status"),
            trainee=JSONObject(full_name=F("trainee__full_name")),
            cohort=JSONObject(pk=F("cohort_id"), name=F("cohort__name"), day1=F("cohort__day1")),
        )
    }


def _shown_enrollment(row: dict[str, Any]) -> Enrollment:
    """A row of the card as the enrollment it shows (its status badge reads the model's labels);
    only shown, never saved."""
    cohort = row["cohort"]
    return Enrollment(
        pk=row["pk"],
        status=row["status"],
        trainee=User(full_name=row["trainee"]["full_name"]),
        cohort=Cohort(pk=cohort["pk"], name=cohort["name"], day1=as_date(cohort["day1"])),
    )


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    user = request.user
    found: list[Section] = []
    if roles.is_manager(user):
        found.append(
            Section(
                "people-cohorts",
                gettext("Your people's cohorts"),
                template="cohorts/_home_manager.html",
                data={
                    "enrollments": [_shown_enrollment(row) for row in facts["people_enrollments"]]
                },
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
        # The card shows each cohort's name, Day 1 and seats: none of its other columns.
        shown = ("name", "day1", "capacity")
        current = list(selectors.cohort_list(user=user, when=selectors.CURRENT).only(*shown)[:5])
        upcoming = list(selectors.cohort_list(user=user, when=selectors.UPCOMING).only(*shown)[:5])
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
