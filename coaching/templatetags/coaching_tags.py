"""Template helpers for coaching pages: buttons follow the same policy answers as the views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coaching import policies
from coaching.models import NextStep
from coaching.selectors import CohortChoice
from cohorts.models import Cohort
from leanleaders.templatetags.list_tags import month_names

register = template.Library()


@register.simple_tag(takes_context=True)
def can_complete_step(context: dict[str, Any], step: NextStep) -> bool:
    return policies.can_complete_step(context["request"].user, step)


@register.simple_tag
def cohort_options(
    cohorts: Iterable[CohortChoice], chosen: Cohort | CohortChoice | None
) -> SafeString:
    """The cohort picker's <option>s, built in one call: after a few years there are hundreds
    of cohorts, and a template loop formatting each one's month costs milliseconds."""
    chosen_pk = chosen.pk if chosen else None
    months = month_names()
    return mark_safe(  # noqa: S308 (the one value from the database, the name, is escaped)
        "".join(
            f'<option value="{c.pk}"{" selected" if c.pk == chosen_pk else ""}>'
            f"{escape(c.name)} ({months[c.day1.month]} {c.day1.year:04d})</option>"
            for c in cohorts
        )
    )
