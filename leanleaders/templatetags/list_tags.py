"""The `<option>`s of a filter's `<select>`, written by includes/options.html."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from typing import Any

from django import template
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
    rows = [(choice[0], choice[1], choice[0] in chosen) for choice in choices]
    return render_to_string("includes/options.html", {"options": rows})
