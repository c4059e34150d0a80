"""Helpers of list pages: the `<option>`s of a filter's `<select>` (written by
includes/options.html), and the links of a pager (includes/pagination.html)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import Any

from django import template
from django.http import HttpRequest
from django.template import Context
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag
def options(choices: Iterable[Sequence[Any]], chosen: Any) -> str:
    """`{% options departments department_id %}`: an `<option>` for each (value, label, ...)
    choice, with `chosen` (a value, or a collection of them) selected."""
    # Which are selected is decided here, not in the template: `in` there would also match a
    # value that is part of a chosen string.
    if not isinstance(chosen, Container) or isinstance(chosen, str):
        chosen = {chosen}
    # Values as text here, so the template prints them without localizing each number.
    rows = [(str(choice[0]), choice[1], choice[0] in chosen) for choice in choices]
    return render_to_string("includes/options.html", {"options": rows})


@register.simple_tag(takes_context=True)
def page_query(context: Context, param: str, number: int) -> str:
    """`?…` of the page the request is on with `param` set to page `number`: every other
    parameter kept, repeated ones (several cohorts chosen) included, so paging one table keeps
    the filters and the other tables' pages."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"
