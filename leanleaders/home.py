"""Home-page cards about people: a manager's department."""

from __future__ import annotations

from django.http import HttpRequest

from leanleaders import roles, selectors
from leanleaders.dashboard import Section


def sections(request: HttpRequest) -> list[Section]:
    if not roles.is_manager(request.user):
        return []
    return [
        Section(
            "people",
            "Your people",
            template="leanleaders/_section_people.html",
            data={
                "people": selectors.department_people_list(user=request.user),
                "departments": selectors.managed_department_list(user=request.user),
            },
        )
    ]
