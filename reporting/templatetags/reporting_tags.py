"""The cohort board's small pictures (run-chart sparklines as inline SVG, and the change with an
arrow, a word and a colour, never colour alone), its rows and dialogs, and the reports' filter
options and tables that run to many rows."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from leanleaders.links import link
from leanleaders.templatetags.leanleaders_tags import reldate
from projects.results import Result, Verdict
from projects.templatetags.projects_tags import num, verdict_badge
from reporting.completion import DAYS
from reporting.selectors.board import BoardRow, ToolUse

register = template.Library()

WIDTH, HEIGHT, PAD = 96, 28, 3


@register.simple_tag
def sparkline(
    values: Sequence[Decimal], baseline: Decimal | None = None, label: str = "Measurements"
) -> str:
    """A tiny run chart: the measurements as a line, the baseline as a dashed line. Server-side
    SVG with a <title> and an aria-label giving the same numbers in words."""
    return _sparkline(tuple(values), baseline, label)


# Remembered (it depends on its arguments alone): a board draws the same charts again at every
# filter, sort and review.
@functools.lru_cache(maxsize=1024)
def _sparkline(values: tuple[Decimal, ...], baseline: Decimal | None, label: str) -> str:
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
    # The numbers are ours and the words are escaped once: this is drawn for every trainee.
    baseline_line = ""
    if baseline is not None:
        level = y(float(baseline))
        baseline_line = (
            f'<line class="spark-baseline" x1="{PAD}" x2="{WIDTH - PAD}" y1="{level}" '
            f'y2="{level}"></line>'
        )
    polyline = " ".join(f"{x},{yy}" for x, yy in coords)
    last_x, last_y = coords[-1]
    text = escape(description)
    return mark_safe(  # noqa: S308 (numbers and escaped text)
        f'<svg class="sparkline" role="img" aria-label="{text}" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><title>{text}</title>{baseline_line}'
        f'<polyline class="spark-line" points="{polyline}"></polyline>'
        f'<circle class="spark-last" cx="{last_x}" cy="{last_y}" r="2.2"></circle></svg>'
    )


CHANGE_STYLES = {
    Verdict.IMPROVED: ("change-better", "better"),
    Verdict.WORSE: ("change-worse", "worse"),
    Verdict.NO_CHANGE: ("change-same", "no real change"),
}


@register.simple_tag
@functools.lru_cache(maxsize=1024)  # as the sparklines: the same results again at every filter
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


def _mark(day: int, mark: str | None) -> str:
    icon, css, word = MARK_ICONS.get(mark or "", ("bi-circle", "att-none", "Not marked"))
    return format_html(
        '<span class="att-mark {}" title="{}"><i class="bi {}" aria-hidden="true"></i>'
        '<span class="att-day" aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        css,
        f"Day {day}: {word}",
        icon,
        day,
        f"Day {day}: {word}",
    )


# Every day and mark, written once: a board shows them for every trainee.
MARKS = {(day, mark): _mark(day, mark) for day in DAYS for mark in (*MARK_ICONS, None)}


@register.simple_tag
def attendance_marks(attendance: Sequence[tuple[int, str | None]]) -> str:
    """Day 1 to 3 marks as icons with their words for screen readers and the tooltip."""
    return format_html(
        '<span class="attendance-marks">{}</span>',
        mark_safe(  # noqa: S308 (each mark is format_html's)
            "".join(MARKS.get((day, mark)) or _mark(day, mark) for day, mark in attendance)
        ),
    )


# ---------------------------------------------------------------------------------------------
# The board's rows and review dialogs
#
# Written in Python rather than as a template loop: each row has some forty values, filters and
# tags, and Django's template engine spent most of the page's time resolving them one by one.
# The markup is the same as the template's was.


@functools.lru_cache(maxsize=2048)
def _reldate(value: dt.date, today: dt.date, language: str) -> str:
    """`reldate` remembered per date, day and language (all its output depends on): localising
    the date is slow, and a board shows two dates for every trainee."""
    return reldate(value)


def _truncate(text: str, length: int) -> str:
    """As the `truncatechars` filter, without its character-by-character work for text that
    already fits."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


LEAN_LEADER_BADGE = mark_safe(
    '<div><span class="badge lean-leader-badge"><i class="bi bi-award-fill" aria-hidden="true">'
    "</i> Lean Leader</span></div>"
)
NOT_REVIEWED_BADGE = mark_safe(
    '<span class="badge text-bg-light border text-dark">Not reviewed yet</span>'
)
REVIEWED_BADGE = mark_safe(
    '<span class="badge text-bg-success"><i class="bi bi-check2-circle" aria-hidden="true"></i>'
    " Reviewed</span>"
)

BOARD_ROW = """<tr data-testid="board-row-{enrollment_id}">
    <th scope="row">
      <span class="fw-semibold">{name}</span>
      <span class="badge text-bg-light border text-dark" title="{department}">{code}</span>
      {lean_leader}{attention}
    </th>
    <td class="board-project">
      {project}
    </td>
    <td class="board-result">
      {result}
    </td>
    <td>{sparkline}</td>
    <td class="text-nowrap">{attendance}</td>
    <td class="small">{coaching}</td>
    <td class="small">{activity}</td>
    <td class="small">
      {review}
    </td>
  </tr>
"""


class _BoardRowWriter:
    """Writes the board's rows for one page, with what every row shares worked out once.

    With `str.format` and f-strings, and `escape` on every piece of text, rather than
    `format_html`: a row has some thirty values, and `format_html`'s work on each (escaped
    markup included) was a third of the rows' time. Every method returns markup.
    """

    def __init__(self, *, can_review: bool, can_see_private_notes: bool) -> None:
        self.can_review = can_review
        self.can_see_private_notes = can_see_private_notes
        self.project_url = functools.partial(link, "projects:project-detail")
        self.today = timezone.localdate()
        self.language = get_language()
        self.verdict_badges = {verdict: verdict_badge(verdict) for verdict in Verdict}

    def reldate(self, value: dt.date) -> str:
        return _reldate(value, self.today, self.language)

    def row(self, row: BoardRow) -> str:
        if row.project is None:
            chart = "—"
        else:
            chart = sparkline(
                row.sparkline,
                row.result.baseline if row.result else None,
                row.measure.name if row.measure else "",
            )
        return BOARD_ROW.format(
            enrollment_id=row.enrollment_id,
            name=escape(row.trainee.full_name),
            department=escape(row.department.name),
            code=escape(row.department.code),
            lean_leader=LEAN_LEADER_BADGE if row.is_lean_leader else "",
            attention=self.attention(row),
            project=self.project(row),
            result=self.result(row),
            sparkline=chart,
            attendance=attendance_marks(row.attendance),
            coaching=self.coaching(row),
            activity=self.reldate(row.last_activity) if row.last_activity else "None yet",
            review=self.review(row),
        )

    def attention(self, row: BoardRow) -> str:
        if not row.attention:
            return ""
        items = "".join(
            f'<li><i class="bi bi-exclamation-circle" aria-hidden="true"></i> {escape(reason)}</li>'
            for reason in row.attention
        )
        return f'<ul class="list-unstyled attention mb-0">{items}</ul>'

    def project(self, row: BoardRow) -> str:
        if row.project is None:
            return '<span class="text-body-secondary">No project yet</span>'
        measure = ""
        if row.measure:
            unit = f" ({escape(row.measure.unit)})" if row.measure.unit else ""
            measure = (
                f'<div class="small text-body-secondary">{escape(_truncate(row.measure.name, 50))}'
                f"{unit}, {row.measure.direction_label.lower()}</div>"
            )
        labels = row.tool_labels
        tools = (
            "Tools: " + escape(", ".join(labels))
            if labels
            else '<span class="text-body-secondary">No Lean tools logged yet</span>'
        )
        return (
            f'<a href="{self.project_url(row.project.pk)}">'
            f"{escape(_truncate(row.project.title, 60))}</a>\n"
            f"      {measure}\n"
            f'      <div class="small tool-list">{tools}</div>'
        )

    def result(self, row: BoardRow) -> str:
        result = row.result
        badge = self.verdict_badges[row.verdict]
        if result is None:
            return badge
        change = ""
        if result.change is not None:
            change = f'<div class="mt-1">{change_badge(result)}</div>'
        baseline = num(result.baseline) if result.baseline is not None else "no baseline"
        current = num(result.current) if result.current is not None else "no data"
        unit = f" {escape(row.measure.unit)}" if row.measure and row.measure.unit else ""
        return (
            f"{badge}\n      {change}\n"
            f'      <div class="small text-nowrap">{baseline} → {current}{unit}</div>'
        )

    def coaching(self, row: BoardRow) -> str:
        if row.coaching_count:
            last = self.reldate(row.last_coached) if row.last_coached else ""
            summary = f"{row.coaching_count} conversation{_plural(row.coaching_count)}, last {last}"
        else:
            summary = "Not coached yet" if row.project else "—"
        steps = ""
        if row.overdue_steps or row.open_steps:
            overdue = ""
            if row.overdue_steps:
                overdue = (
                    '<span class="overdue"><i class="bi bi-exclamation-triangle-fill" '
                    f'aria-hidden="true"></i> {row.overdue_steps} overdue</span> · '
                )
            steps = f"<div>{overdue}{row.open_steps} open step{_plural(row.open_steps)}</div>"
        note = ""
        if self.can_see_private_notes and row.private_note:
            note = (
                '<details class="private-note"><summary>Coach\'s private note</summary>'
                f'<p class="mb-0">{escape(_truncate(row.private_note, 300))}</p></details>'
            )
        return f"{summary}\n      {steps}\n      {note}"

    def review(self, row: BoardRow) -> str:
        if row.is_reviewed:
            comment = ""
            if row.project and row.project.review_comment:
                text = escape(_truncate(row.project.review_comment, 80))
                comment = f'<div class="review-comment">“{text}”</div>'
            return f"{REVIEWED_BADGE}\n        {comment}"
        if row.project and self.can_review:
            return (
                f"{NOT_REVIEWED_BADGE}\n"
                '        <button type="button" class="btn btn-sm btn-outline-primary mt-1 '
                f'no-print" data-bs-toggle="modal" data-bs-target="#review-{row.project.pk}">'
                f'Review<span class="visually-hidden"> {escape(row.trainee.full_name)}\'s '
                "project</span></button>"
            )
        return NOT_REVIEWED_BADGE if row.project else "—"


@register.simple_tag
def board_table_rows(
    rows: Sequence[BoardRow], can_review: bool, can_see_private_notes: bool
) -> str:
    """The board table's body: one row per trainee."""
    writer = _BoardRowWriter(can_review=can_review, can_see_private_notes=can_see_private_notes)
    return mark_safe("".join(writer.row(row) for row in rows))  # noqa: S308 (text is escaped)


REVIEW_DIALOG = """<div class="modal fade" id="review-{pk}" tabindex="-1" \
aria-labelledby="review-title-{pk}" aria-hidden="true">
  <div class="modal-dialog">
    <form class="modal-content" method="post" action="{action}">
      {csrf}
      <input type="hidden" name="next" value="{next}">
      <div class="modal-header">
        <h2 class="modal-title h5" id="review-title-{pk}">Day 3 review: {name}</h2>
        <button type="button" class="btn-close" data-bs-dismiss="modal" \
aria-label="Close"></button>
      </div>
      <div class="modal-body">
        <p class="mb-2"><strong>{title}</strong><br>{verdict} {change}</p>
        <label class="form-label" for="review-comment-{pk}">Comment for {short_name} \
(optional)</label>
        <textarea class="form-control" id="review-comment-{pk}" name="comment" rows="4" \
maxlength="2000" aria-describedby="review-help-{pk}"></textarea>
        <p class="form-text" id="review-help-{pk}">The trainee sees this on their project page \
and gets an email. Reviewing closes the project for changes; you can reopen it from the project \
page.</p>
      </div>
      <div class="modal-footer">
        <button type="button" class="btn btn-outline-secondary" \
data-bs-dismiss="modal">Cancel</button>
        <button type="submit" class="btn btn-primary">Mark reviewed</button>
      </div>
    </form>
  </div>
</div>
"""


@register.simple_tag(takes_context=True)
def review_dialogs(context: template.Context, rows: Sequence[BoardRow], next_url: str) -> str:
    """The Day 3 review dialog of each row whose project is not reviewed yet (written as the
    rows are: text escaped, then one `str.format`)."""
    action = functools.partial(link, "reports:project-review")
    csrf = CsrfTokenNode().render(context)
    next_url = escape(next_url)
    badges = {verdict: verdict_badge(verdict) for verdict in Verdict}
    return mark_safe(  # noqa: S308 (text is escaped)
        "".join(
            REVIEW_DIALOG.format(
                pk=row.project.pk,
                action=action(row.project.pk),
                csrf=csrf,
                next=next_url,
                name=escape(row.trainee.full_name),
                title=escape(row.project.title),
                verdict=badges[row.verdict],
                change=change_badge(row.result),
                short_name=escape(row.trainee.get_short_name()),
            )
            for row in rows
            if row.project and not row.is_reviewed
        )
    )


@register.simple_tag
def sort_header(column: dict[str, Any], label: str) -> str:
    """A sortable column heading: a link that sorts by it, with `aria-sort` on the current one."""
    if column["current"]:
        order = "descending" if column["descending"] else "ascending"
        icon = "bi-sort-down" if column["descending"] else "bi-sort-up"
        return format_html(
            '<th scope="col" aria-sort="{}"><a href="{}" class="sort-link">{} '
            '<i class="bi {}" aria-hidden="true"></i></a></th>',
            order,
            column["url"],
            label,
            icon,
        )
    return format_html(
        '<th scope="col"><a href="{}" class="sort-link">{} <i class="bi bi-arrow-down-up '
        'text-body-tertiary" aria-hidden="true"></i></a></th>',
        column["url"],
        label,
    )


# ---------------------------------------------------------------------------------------------
# The board's Lean tools table


NOT_USED_YET = (
    '<span class="badge text-bg-warning text-dark"><i class="bi bi-exclamation-circle" '
    'aria-hidden="true"></i> Not used yet</span>'
)


@register.simple_tag
def tool_rows(tools: Sequence[ToolUse], everyone: int) -> str:
    """The Lean tools table's rows: who used each tool and how often."""
    return mark_safe(  # noqa: S308 (text is escaped)
        "".join(
            f"""    <tr>
      <th scope="row" class="fw-normal">{escape(tool.label)}</th>
      <td class="text-end">{len(tool.trainees)} of {everyone}</td>
      <td class="text-end">{tool.entries}</td>
      <td class="small">{escape(", ".join(tool.trainees)) if tool.trainees else NOT_USED_YET}</td>
    </tr>
"""
            for tool in tools
        )
    )
