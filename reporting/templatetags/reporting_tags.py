"""The cohort board's small pictures: the run-chart sparkline, the change with an arrow, a word
and a colour (never colour alone), and the attendance marks.

Each tag works out numbers and words; its template (templates/reporting/_*.html) writes the
markup, so everything shown is escaped by the template engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.results import Result, Verdict
from projects.templatetags.projects_tags import num

register = template.Library()

WIDTH, HEIGHT, PAD = 96, 28, 3


# The SVG's numbers, as text: formatted here, never in the reader's locale (a decimal comma, as
# in Spanish, breaks an SVG coordinate), and printed as they are (no number formatting a node).
SPARKLINE_SIZE = {
    "width": str(WIDTH),
    "height": str(HEIGHT),
    "pad": str(PAD),
    "right": str(WIDTH - PAD),
}


@register.inclusion_tag("reporting/_sparkline.html")
def sparkline(
    values: Sequence[Decimal], baseline: Decimal | None = None, label: str | None = None
) -> dict[str, Any]:
    """A tiny run chart: the measurements as a line, the baseline as a dashed line, drawn as
    inline SVG with a <title> and an aria-label giving the same numbers in words."""
    if not values:
        return {"values": False}
    points = [float(v) for v in values]
    scale = points + ([float(baseline)] if baseline is not None else [])
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [(round(PAD + i * step, 1), y(v)) for i, v in enumerate(points)]
    description = gettext("%(label)s: %(count)s %(values)s, first %(first)s, latest %(latest)s") % {
        "label": label or gettext("Measurements"),
        "count": len(points),
        "values": gettext("value") if len(points) == 1 else gettext("values"),
        "first": num(values[0]),
        "latest": num(values[-1]),
    }
    if baseline is not None:
        description += gettext(", baseline %(baseline)s") % {"baseline": num(baseline)}
    return {
        **SPARKLINE_SIZE,
        "values": True,
        "description": description,
        "baseline_y": str(y(float(baseline))) if baseline is not None else "",
        "points": " ".join(f"{x},{yy}" for x, yy in coords),
        "last_x": str(coords[-1][0]),
        "last_y": str(coords[-1][1]),
    }


CHANGE_STYLES = {
    Verdict.IMPROVED: ("change-better", _("better")),
    Verdict.WORSE: ("change-worse", _("worse")),
    Verdict.NO_CHANGE: ("change-same", _("no real change")),
}


@register.inclusion_tag("reporting/_change_badge.html")
def change_badge(result: Result | None) -> dict[str, Any]:
    """“↓ 40% better”: the arrow follows the value, the word and colour follow the verdict
    (for a lower-is-better measure, down is better)."""
    if result is None or result.change is None or result.verdict not in CHANGE_STYLES:
        return {"shown": False}
    css, word = CHANGE_STYLES[result.verdict]
    if result.change > 0:
        arrow, moved = "bi-arrow-up", _("up")
    elif result.change < 0:
        arrow, moved = "bi-arrow-down", _("down")
    else:
        arrow, moved = "bi-arrow-right", _("unchanged")
    if result.gain_percent is not None:
        amount = f"{num(abs(result.gain_percent), 1)}%"
    else:
        amount = num(abs(result.change))
    return {
        "shown": True,
        "css": css,
        "arrow": arrow,
        "moved": moved,
        "amount": amount,
        "word": word,
    }


MARK_ICONS = {
    "present": ("bi-check-circle-fill", "att-present", _("Present")),
    "late": ("bi-clock-fill", "att-late", _("Late")),
    "absent": ("bi-x-circle-fill", "att-absent", _("Absent")),
    "excused": ("bi-dash-circle", "att-excused", _("Excused")),
}
NOT_MARKED = ("bi-circle", "att-none", _("Not marked"))


@register.inclusion_tag("reporting/_attendance_marks.html")
def attendance_marks(attendance: Sequence[tuple[int, str | None]]) -> dict[str, Any]:
    """Day 1 to 3 marks as icons, with their words for screen readers and the tooltip."""
    marks = []
    for day, mark in attendance:
        icon, css, word = MARK_ICONS.get(mark or "", NOT_MARKED)
        # Worded here rather than with a {% blocktranslate %} per mark (three a board row), which
        # cost several times as much.
        title = gettext("Day %(day)s: %(word)s") % {"day": day, "word": word}
        marks.append((day, icon, css, title))
    return {"marks": marks}
