"""What long lists print on every row, without the per-call cost of `|date` and `{% url %}`.

`|date:"j M Y"` looks its format up for the active language and then formats one character at a
time: about 20 µs a call, so a list of a few hundred dates spends milliseconds on it. The date
filters here give the same text as `|date` with the format in their docstring (a test compares
them for every month), from the same translated month names. `{% link %}` is `{% url %}` for
views that take integer ids (see `leanleaders.links`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Sequence
from functools import cache, wraps
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from leanleaders import links

register = template.Library()


@cache
def _months(language: str | None) -> tuple[str, ...]:
    # Called with the active language, so the lazy names translate into that language.
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def _date_filter(text: Callable[[dt.date], str]) -> Callable[[dt.date | None], str]:
    """Empty for no date; an aware datetime is shown in local time, as `|date` does."""

    @wraps(text)
    def apply(value: dt.date | None) -> str:
        if not value:
            return ""
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return text(value)

    return apply


def month_names() -> tuple[str, ...]:
    """The abbreviated month names of the active language, indexed 1 to 12: a loop over many
    dates reads them once."""
    return _months(get_language())


def month_abbr(value: dt.date) -> str:
    return month_names()[value.month]


@register.filter(expects_localtime=True)
@_date_filter
def day_month_year(value: dt.date) -> str:
    """`|date:"j M Y"`: 5 Mar 2026."""
    return f"{value.day} {month_abbr(value)} {value.year:04d}"


@register.filter(expects_localtime=True)
@_date_filter
def day_month(value: dt.date) -> str:
    """`|date:"j M"`: 5 Mar."""
    return f"{value.day} {month_abbr(value)}"


@register.filter(expects_localtime=True)
@_date_filter
def month_year(value: dt.date) -> str:
    """`|date:"M Y"`: Mar 2026."""
    return f"{month_abbr(value)} {value.year:04d}"


@register.simple_tag
def link(viewname: str, *ids: int) -> str:
    """`{% url viewname id ... %}` for integer ids."""
    return links.link(viewname, *ids)


def option_tags(choices: Iterable[Sequence[Any]], chosen: Any) -> SafeString:
    """<option>s for (value, label, ...) choices, written in one go (filters list hundreds of
    cohorts), with `chosen` selected: a value, or a collection of them."""
    if not isinstance(chosen, Container) or isinstance(chosen, str):
        chosen = {chosen}
    return mark_safe(  # noqa: S308 (values and labels are escaped)
        "".join(
            f'<option value="{escape(choice[0])}"{" selected" if choice[0] in chosen else ""}>'
            f"{escape(choice[1])}</option>"
            for choice in choices
        )
    )


@register.simple_tag
def options(choices: Iterable[Sequence[Any]], chosen: Any) -> SafeString:
    """`option_tags` in a template: `{% options departments department_id %}`."""
    return option_tags(choices, chosen)
