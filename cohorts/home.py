"""Home-page cards contributed by this app (see leanleaders/dashboard.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import gettext

from cohorts import selectors
from cohorts.models import Cohort, Enrollment
from leanleaders import roles
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.querysets import as_date, count_of, rows_of

PEOPLE_ENROLLMENTS_SHOWN = 10


# The analyst's cohorts card: the first few running and the first few coming, with each
# one's name, Day 1 and seats.
ANALYST_COHORTS_SHOWN = 5
ANALYST_COHORT_COLUMNS = ("pk", "name", "day1", "capacity", "seats_taken", "waiting")


def _analyst_cohorts(user: User, when: str) -> Subquery:
    """A few of the analyst's cohorts list, with what the card shows of each."""
    columns = {name: F(name) for name in ANALYST_COHORT_COLUMNS}
    return rows_of(selectors.cohort_list(user=user, when=when), ANALYST_COHORTS_SHOWN, **columns)


def facts(user: User) -> dict[str, Any]:
    """The manager's cohorts card's rows, or the analyst's cohorts card's rows and count, read
    with the other cards' (see leanleaders/dashboard)."""
    if roles.is_analyst(user):
        return {
            "cohorts_current": _analyst_cohorts(user, selectors.CURRENT),
            "cohorts_upcoming": _analyst_cohorts(user, selectors.UPCOMING),
            "cohorts_follow_ups": count_of(selectors.follow_up_list(user=user)),
        }
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


def _shown_cohort(row: dict[str, Any]) -> dict[str, Any]:
    """A row of the analyst's cohorts card, its Day 1 a date again (JSON keeps it as text)."""
    return {**row, "day1": as_date(row["day1"])}


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
        return [
            Section(
                "cohorts",
                gettext("Cohorts"),
                template="cohorts/_home_analyst.html",
                data={
                    "current": [_shown_cohort(row) for row in facts["cohorts_current"]],
                    "upcoming": [_shown_cohort(row) for row in facts["cohorts_upcoming"]],
                    "follow_ups": facts["cohorts_follow_ups"],
                },
            )
        ]
    return found
