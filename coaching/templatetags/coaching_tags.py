"""Template helpers for coaching pages: buttons follow the same policy answers as the views."""

from __future__ import annotations

from typing import Any

from django import template

from coaching import policies
from coaching.models import NextStep

register = template.Library()


@register.simple_tag(takes_context=True)
def can_complete_step(context: dict[str, Any], step: NextStep) -> bool:
    return policies.can_complete_step(context["request"].user, step)
