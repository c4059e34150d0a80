"""Home-page cards about people: a manager's department."""

from __future__ import annotations

from django.utils.translation import gettext

from leanleaders import roles, selectors
from leanleaders.dashboard import Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.querysets import head_and_counts

# A large department has hundreds of people with accounts; the card names the first few and counts
# the rest (their applications, cohorts and projects are on the other cards).
PEOPLE_SHOWN = 12


def sections(request: AuthenticatedHttpRequest) -> list[Section]:
    if not roles.is_manager(request.user):
        return []
    people, counts = head_and_counts(
        selectors.department_people_list(user=request.user), PEOPLE_SHOWN
    )
    count = counts["count"]
    return [
        Section(
            "people",
            gettext("Your people"),
            template="leanleaders/_section_people.html",
            data={
                "people": people,
                "count": count,
                "more": max(count - PEOPLE_SHOWN, 0),
                "departments": selectors.managed_department_list(user=request.user),
            },
        )
    ]
