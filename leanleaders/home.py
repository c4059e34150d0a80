"""Home-page cards about people: a manager's department."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import JSONObject
from django.utils.translation import gettext

from leanleaders import roles, selectors
from leanleaders.dashboard import HomeFacts, Section
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.querysets import count_of, rows_of

# A large department has hundreds of people with accounts; the card names the first few and counts
# the rest (their applications, cohorts and projects are on the other cards).
PEOPLE_SHOWN = 12


def facts(user: User) -> dict[str, Any]:
    """The people card's rows and count, read with the other cards' (see leanleaders/dashboard)."""
    if not roles.is_manager(user):
        return {}
    people = selectors.department_people_list(user=user)
    return {
        "people": rows_of(
            people,
            PEOPLE_SHOWN,
            full_name=F("full_name"),
            job_title=F("job_title"),
            department=JSONObject(code=F("department__code")),
        ),
        "people_count": count_of(people),
    }


def sections(request: AuthenticatedHttpRequest, facts: HomeFacts) -> list[Section]:
    if not roles.is_manager(request.user):
        return []
    count = facts["people_count"]
    return [
        Section(
            "people",
            gettext("Your people"),
            template="leanleaders/_section_people.html",
            data={
                "people": facts["people"],
                "count": count,
                "more": max(count - PEOPLE_SHOWN, 0),
                "departments": selectors.managed_department_list(user=request.user),
            },
        )
    ]
