"""The cohort board's small pictures: run-chart sparklines as inline SVG, and the change with an
arrow, a word and a colour (never colour alone)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from projects.results import Result, Verdict
from projects.templatetags.projects_tags import num

register = template.Library()

WIDTH, HEIGHT, PAD = 96, 28, 3


@register.simple_tag
def sparkline(
    values: Sequence[Decimal], baseline: Decimal | None = None, label: str = "Measurements"
) -> str:
    """A tiny run chart: the measurements as a line, the baseline as a dashed line. Server-side
    SVG with a <title> and an aria-label giving the same numbers in words."""
    if not values:
        return format_html('<span class="text-body-secondary small">{}</span>', "No data yet")
    points = [float(v) for v in values]
    scale = points + ([float(baseline)] if baseline is not None else [])
    low, high = min(scale), max(scale)
    span = (high - low) or 1.0

    def y(value: float) -> float:
        return round(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD), 1)

    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    coords = [(round(PAD + i * step, 1), y(v)) for i, v in enumerate(points)]
    description = (
        f"{label}: {len(points)} value{'s' if len(points) != 1 else ''}, "
        f"first {num(values[0])}, latest {num(values[-1])}"
        + (f", baseline {num(baseline)}" if baseline is not None else "")
    )
    baseline_line = (
        format_html(
            '<line class="spark-baseline" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
            PAD,
            WIDTH - PAD,
            y(float(baseline)),
            y(float(baseline)),
        )
        if baseline is not None
        else ""
    )
    polyline = " ".join(f"{x},{yy}" for x, yy in coords)
    last_x, last_y = coords[-1]
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}"><title>{}</title>{}'
        '<polyline class="spark-line" points="{}"></polyline>'
        '<circle class="spark-last" cx="{}" cy="{}" r="2.2"></circle></svg>',
        description,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        description,
        baseline_line,
        polyline,
        last_x,
        last_y,
    )


CHANGE_STYLES = {
    Verdict.IMPROVED: ("change-better", "better"),
    Verdict.WORSE: ("change-worse", "worse"),
    Verdict.NO_CHANGE: ("change-same", "no real change"),
}


@register.simple_tag
def change_badge(result: Result | None) -> str:
    """“↓ 40% better”: the arrow follows the value, the word and colour follow the verdict
    (for a lower-is-better measure, down is better)."""
    if result is None or result.change is None or result.verdict not in CHANGE_STYLES:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    css, word = CHANGE_STYLES[result.verdict]
    if result.change > 0:
        arrow, moved = "bi-arrow-up", "up"
    elif result.change < 0:
        arrow, moved = "bi-arrow-down", "down"
    else:
        arrow, moved = "bi-arrow-right", "unchanged"
    if result.gain_percent is not None:
        amount = f"{num(abs(result.gain_percent), 1)}%"
    else:
        amount = num(abs(result.change))
    return format_html(
        '<span class="change {}"><i class="bi {}" aria-hidden="true"></i>'
        '<span class="visually-hidden">{} </span> {} {}</span>',
        css,
        arrow,
        moved,
        amount,
        word,
    )


MARK_ICONS = {
    "present": ("bi-check-circle-fill", "att-present", "Present"),
    "late": ("bi-clock-fill", "att-late", "Late"),
    "absent": ("bi-x-circle-fill", "att-absent", "Absent"),
    "excused": ("bi-dash-circle", "att-excused", "Excused"),
}


@register.simple_tag
def attendance_marks(attendance: Sequence[tuple[int, str | None]]) -> str:
    """Day 1 to 3 marks as icons with their words for screen readers and the tooltip."""

    def item(day: int, mark: str | None) -> tuple[Any, ...]:
        icon, css, word = MARK_ICONS.get(mark or "", ("bi-circle", "att-none", "Not marked"))
        return (css, f"Day {day}: {word}", icon, day, f"Day {day}: {word}")

    return format_html(
        '<span class="attendance-marks">{}</span>',
        format_html_join(
            "",
            '<span class="att-mark {}" title="{}"><i class="bi {}" aria-hidden="true"></i>'
            '<span class="att-day" aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></span>',
            (item(day, mark) for day, mark in attendance),
        ),
    )
