"""What long lists print on every row, without the per-call cost of `|date` and `{% url %}`.

`|date:"j M Y"` looks its format up for the active language and then formats one character at a
time: about 20 µs a call, so a list of a few hundred dates spends milliseconds on it. The date
filters here give the same text as `|date` with the format in their docstring (a test compares
them for every month), from the same translated month names. `{% link %}` is `{% url %}` for
views that take integer ids (see `leanleaders.links`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

from leanleaders import links

register = template.Library()


@cache
def _months(language: str | None) -> tuple[str, ...]:
    # Called with the active language, so the lazy names translate into that language.
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def _local(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def month_names() -> tuple[str, ...]:
    """The abbreviated month names of the active language, indexed 1 to 12: a loop over many
    dates reads them once."""
    return _months(get_language())


def month_abbr(value: dt.date) -> str:
    return month_names()[value.month]


@register.filter(expects_localtime=True)
def day_month_year(value: dt.date | None) -> str:
    """`|date:"j M Y"`: 5 Mar 2026."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.day} {month_abbr(value)} {value.year:04d}"


@register.filter(expects_localtime=True)
def day_month(value: dt.date | None) -> str:
    """`|date:"j M"`: 5 Mar."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.day} {month_abbr(value)}"


@register.filter(expects_localtime=True)
def month_year(value: dt.date | None) -> str:
    """`|date:"M Y"`: Mar 2026."""
    if not value:
        return ""
    value = _local(value)
    return f"{month_abbr(value)} {value.year:04d}"


@register.simple_tag
def link(viewname: str, *ids: int) -> str:
    """`{% url viewname id ... %}` for integer ids."""
    return links.link(viewname, *ids)
