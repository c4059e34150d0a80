"""The project page's suggestions of Lean Leaders (templates/network/_suggestions.html): the
projects stage's page includes that template, so it needs no import of this stage."""

from __future__ import annotations

from django import template

from network import selectors
from projects.models import Project

register = template.Library()


@register.simple_tag
def leader_suggestions(project: Project) -> list[selectors.Suggestion]:
    return selectors.suggestions(project=project)
