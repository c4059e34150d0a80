"""Each role's home page, gathered from every stage of the program.

Each app registers its cards from its `AppConfig.ready()`: `home_sections.register(stage,
sections)` with `<app>/home.py: sections(request) -> list[Section]`. This module shows them in
stage order and only chooses the page for the role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from leanleaders import roles, selectors
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.registry import StageRegistry


@dataclass
class Section:
    slug: str
    title: str
    template: str = "leanleaders/_section_placeholder.html"
    empty: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


home_sections: StageRegistry[Callable[[AuthenticatedHttpRequest], list[Section]]] = StageRegistry()


HOME_TEMPLATES = {
    "analyst": "leanleaders/home_analyst.html",
    "manager": "leanleaders/home_manager.html",
    "trainee": "leanleaders/home_trainee.html",
}


def render_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # One page per person, whatever they are: a manager who applied gets the manager's page
    # with their own application's cards beside their people's.
    role = (
        "analyst" if roles.is_analyst(user) else "manager" if roles.is_manager(user) else "trainee"
    )
    sections: list[Section] = []
    for contribute in home_sections:
        sections.extend(contribute(request))
    context: dict[str, Any] = {"sections": sections}
    if role == "analyst":
        context["mail_trouble"] = selectors.mail_trouble()
    return render(request, HOME_TEMPLATES[role], context)
