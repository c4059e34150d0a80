"""Each role's home page, gathered from every stage of the program.

Each app registers its cards from its `AppConfig.ready()`: `home_sections.register(stage,
sections)` with `<app>/home.py: sections(request, facts) -> list[Section]`. This module shows
them in stage order and only chooses the page for the role.

A card whose rows are only shown (no link to follow through a model method, no per-row query)
can be read with other cards' in one query: its stage registers `home_facts.register(stage,
facts)` with `facts(user) -> {name: expression}`, scalar subqueries that refer to nothing outside
themselves (`leanleaders.querysets.rows_of` for rows as JSON, `count_of` for a count). The page
works every stage's out in one query on the person's row and hands the values to the sections
as `facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from leanleaders import roles, selectors
from leanleaders.http import AuthenticatedHttpRequest
from leanleaders.models import User
from leanleaders.registry import StageRegistry


@dataclass
class Section:
    slug: str
    title: str
    template: str = "leanleaders/_section_placeholder.html"
    empty: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


HomeFacts = Mapping[str, Any]

home_sections: StageRegistry[Callable[[AuthenticatedHttpRequest, HomeFacts], list[Section]]] = (
    StageRegistry()
)
home_facts: StageRegistry[Callable[[User], dict[str, Any]]] = StageRegistry()


def _facts(user: User) -> HomeFacts:
    """Every stage's facts for this person's home, in one query (none when no stage has any)."""
    expressions = {name: e for facts in home_facts for name, e in facts(user).items()}
    if not expressions:
        return {}
    return User.objects.filter(pk=user.pk).values(**expressions).get()


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
    facts = _facts(user)
    sections: list[Section] = []
    for contribute in home_sections:
        sections.extend(contribute(request, facts))
    context: dict[str, Any] = {"sections": sections}
    if role == "analyst":
        context["mail_trouble"] = selectors.mail_trouble()
    return render(request, HOME_TEMPLATES[role], context)
