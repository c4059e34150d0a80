"""Each role's home page, gathered from every stage of the program.

Each app contributes cards through `<app>/home.py: sections(request) -> list[Section]`, in stage
order; this module only chooses the page for the role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leanleaders import roles, selectors


@dataclass
class Section:
    slug: str
    title: str
    template: str = "leanleaders/_section_placeholder.html"
    empty: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


def _contributors() -> list[Any]:
    from applications import home as applications_home
    from coaching import home as coaching_home
    from cohorts import home as cohorts_home
    from leanleaders import home as people_home
    from leanleaders.reporting import home as reporting_home
    from projects import home as projects_home

    return [
        applications_home,
        cohorts_home,
        projects_home,
        coaching_home,
        reporting_home,
        people_home,
    ]


HOME_TEMPLATES = {
    "analyst": "leanleaders/home_analyst.html",
    "manager": "leanleaders/home_manager.html",
    "trainee": "leanleaders/home_trainee.html",
}


def render_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = (
        "analyst" if roles.is_analyst(user) else "manager" if roles.is_manager(user) else "trainee"
    )
    sections: list[Section] = []
    for contributor in _contributors():
        sections.extend(contributor.sections(request))
    context: dict[str, Any] = {"sections": sections}
    if role == "analyst":
        context["mail_trouble"] = selectors.mail_trouble()
    return render(request, HOME_TEMPLATES[role], context)
