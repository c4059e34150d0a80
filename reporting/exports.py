"""CSV and Excel downloads: values only, plain-language headers, safe to open in a spreadsheet.

Every cell passes through `safe_cell`. Text that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) gets a leading single quote; numbers stay numbers.
CSV is streamed row by row; the workbook is written with openpyxl's write-only mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from openpyxl import Workbook

from projects.models import Sustainment
from reporting.selectors.board import BoardRow
from reporting.selectors.program import Figures, ProgramReport
from reporting.selectors.sustainment import FollowUpCell, SustainmentFigures, SustainmentReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | Decimal | dt.date | dt.datetime


def safe_cell(value: Any) -> Cell:
    """The value as a spreadsheet should get it: numbers and dates as they are, text with a
    formula start neutralised, None as an empty cell, booleans as Yes/No."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@dataclass
class Table:
    """One sheet: a title (the sheet's name), the headers and the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    # The table's name in URLs and filenames, the same in every language (else from the title).
    slug: str = ""


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    """One table, its header row first and nothing above it, so a spreadsheet or a CSV reader
    takes the file as it is (a workbook holds several tables; a CSV file holds one)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel reads UTF-8
    yield writer.writerow([safe_cell(h) for h in table.headers])
    for row in table.rows:
        yield writer.writerow([_csv_value(safe_cell(v)) for v in row])


def _csv_value(value: Cell) -> Cell:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _disposition(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(f"{filename}.csv")
    response["Cache-Control"] = "private, no-store"
    return response


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet"


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append([safe_cell(h) for h in table.headers])
        for row in table.rows:
            sheet.append([_xlsx_value(safe_cell(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Cell) -> Cell:
    return float(value) if isinstance(value, Decimal) else value


def xlsx_response(tables: Sequence[Table], filename: str) -> HttpResponse:
    return workbook_response(xlsx_bytes(tables), filename)


def workbook_response(workbook: bytes, filename: str) -> HttpResponse:
    """A download of `workbook` (from `xlsx_bytes`) as `filename`.xlsx."""
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = _disposition(f"{filename}.xlsx")
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The tables


def _round(value: Decimal | None, places: int = 2) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places))


MARK_WORDS = {
    "present": gettext_lazy("Present"),
    "late": gettext_lazy("Late"),
    "absent": gettext_lazy("Absent"),
    "excused": gettext_lazy("Excused"),
}


def roster_table(rows: Sequence[BoardRow]) -> Table:
    marks = {mark: str(word) for mark, word in MARK_WORDS.items()}
    not_marked = gettext("Not marked")
    return Table(
        gettext("Cohort roster"),
        [
            gettext("Trainee"),
            gettext("Email"),
            gettext("Department"),
            gettext("Job title"),
            gettext("Day 1"),
            gettext("Day 2"),
            gettext("Day 3"),
            gettext("Days attended"),
            gettext("Project"),
            gettext("Project reviewed"),
            gettext("Lean Leader"),
        ],
        (
            [
                r.trainee.full_name,
                r.trainee.email,
                r.department.name,
                r.trainee.job_title,
                *(marks.get(mark or "", not_marked) for _, mark in r.attendance),
                r.days_attended,
                r.project.title if r.project else "",
                r.is_reviewed,
                r.is_lean_leader,
            ]
            for r in rows
        ),
    )


SUSTAINMENT_WORDS = dict(Sustainment.choices)


def projects_table(
    rows: Sequence[BoardRow], follow_ups: Mapping[int, Mapping[int, FollowUpCell]]
) -> Table:
    """The cohort's projects with their results and, after Day 3, each follow-up's value and
    verdict (`follow_ups`: from `sustainment.follow_ups_by_project`) and the sustainment."""
    days = settings.LEANLEADERS_FOLLOW_UP_DAYS
    words = {
        "no_project": gettext("No project yet"),
        "no_data": gettext("Not enough data"),
        "reviewed": gettext("Reviewed"),
        "not_reviewed": gettext("Not reviewed yet"),
        "yes": gettext("Yes"),
        "no": gettext("No"),
    }

    def follow_up_cells(project_id: int | None) -> list[Any]:
        cells = follow_ups.get(project_id, {}) if project_id is not None else {}
        line: list[Any] = []
        for day in days:
            cell = cells.get(day)
            line += [
                cell.value if cell else None,
                str(SUSTAINMENT_WORDS[cell.verdict]) if cell and cell.verdict else "",
            ]
        return line

    def line(r: BoardRow) -> list[Any]:
        result, measure, project = r.result, r.measure, r.project
        return [
            r.trainee.full_name,
            r.department.name,
            project.title if project else words["no_project"],
            measure.name if measure else "",
            measure.unit if measure else "",
            measure.direction_label if measure else "",
            _round(result.baseline) if result else None,
            _round(result.current) if result else None,
            _round(result.change) if result else None,
            _round(result.gain_percent, 1) if result else None,
            result.verdict_label if result else words["no_data"],
            result.measurement_count if result else 0,
            r.last_activity,
            words["reviewed"] if r.is_reviewed else words["not_reviewed"],
            project.reviewed_by_name if project else "",
            project.review_comment if project and r.is_reviewed else "",
            *follow_up_cells(project.pk if project else None),
            str(SUSTAINMENT_WORDS[project.sustainment]) if project and project.sustainment else "",
            r.leader_touchpoints,
            project.last_leader_touchpoint_on if project else None,
            r.adherence_percent,
            words["yes"] if r.goal_agreed else words["no"],
        ]

    return Table(
        gettext("Projects with results"),
        [
            gettext("Trainee"),
            gettext("Department"),
            gettext("Project"),
            gettext("Measure"),
            gettext("Unit"),
            gettext("Which way is better"),
            gettext("Baseline"),
            gettext("Latest (median of last 3)"),
            gettext("Change"),
            gettext("Improvement (%)"),
            gettext("Result"),
            gettext("Measurements"),
            gettext("Last activity"),
            gettext("Review"),
            gettext("Reviewed by"),
            gettext("Analyst's review comment"),
            *(
                header
                for day in days
                for header in (
                    gettext("Follow-up at %(days)s days") % {"days": day},
                    gettext("Verdict at %(days)s days") % {"days": day},
                )
            ),
            gettext("Sustainment"),
            gettext("Leader touchpoints since Day 1"),
            gettext("Last leader touchpoint"),
            gettext("Adherence to cadence (%)"),
            gettext("Sponsor agreed the goal"),
        ],
        (line(r) for r in rows),
    )


def coaching_table(conversations: Iterable[Any], *, with_private_notes: bool) -> Table:
    headers = [
        gettext("Date"),
        gettext("Trainee"),
        gettext("Department"),
        gettext("Project"),
        gettext("Coach"),
        gettext("Where"),
        gettext("Minutes"),
        gettext("Lean tools discussed"),
        gettext("Obstacle"),
        gettext("Next steps agreed"),
        gettext("Next steps still open"),
    ]
    if with_private_notes:
        headers.append(gettext("Coach's private note"))

    def line(c: Any) -> list[Any]:
        values = [
            c.date,
            c.project.trainee.full_name,
            c.project.department.name,
            c.project.title,
            c.coach.full_name,
            c.get_format_display(),
            c.duration_minutes,
            ", ".join(c.tool_labels),
            c.obstacle,
            c.steps_agreed,
            c.steps_open,
        ]
        if with_private_notes:
            values.append(getattr(c, "private_note_text", "") or "")
        return values

    return Table("Coaching activity", headers, (line(c) for c in conversations))


FIGURE_HEADERS = [
    pgettext_lazy("applications submitted", "Applied"),
    gettext_lazy("Accepted"),
    gettext_lazy("Lean Leaders (completed)"),
    gettext_lazy("Accepted, cohort finished"),
    gettext_lazy("Completion rate (%)"),
    gettext_lazy("Projects"),
    gettext_lazy("Projects with a result"),
    gettext_lazy("Improved"),
    gettext_lazy("No change"),
    gettext_lazy("Worse"),
    gettext_lazy("Not enough data"),
    gettext_lazy("Median improvement (%)"),
    gettext_lazy("Sessions marked"),
    gettext_lazy("Sessions attended"),
    gettext_lazy("Attendance rate (%)"),
    gettext_lazy("Median days from application to acceptance"),
]


def _figure_row(f: Figures) -> list[Any]:
    return [
        f.applied,
        f.accepted,
        f.completed,
        f.finished,
        _round(f.completion_rate, 1),
        f.projects,
        f.measured,
        f.improved,
        f.no_change,
        f.worse,
        f.no_data,
        _round(f.median_improvement, 1),
        f.sessions_marked,
        f.sessions_attended,
        _round(f.attendance_rate, 1),
        _round(f.median_days_to_accept, 1),
    ]


# The program report's tables, by their slugs: those counted from its figures, and those from
# its follow-ups (a download counts only what its table shows).
SUMMARY, BY_DEPARTMENT, BY_COHORT = "summary", "by-department", "by-cohort"
SUSTAINMENT, SUSTAINMENT_BY_DEPARTMENT, SUSTAINMENT_BY_COHORT = (
    "sustainment",
    "sustainment-by-department",
    "sustainment-by-cohort",
)
REPORT_TABLES = (SUMMARY, BY_DEPARTMENT, BY_COHORT)
SUSTAINMENT_TABLES = (SUSTAINMENT, SUSTAINMENT_BY_DEPARTMENT, SUSTAINMENT_BY_COHORT)


def report_tables(report: ProgramReport, filters_text: str) -> list[Table]:
    """The program report's tables: the workbook's sheets, and one CSV file each (the first,
    the summary, is program.csv; see `report_table_slug`)."""
    headers = [str(h) for h in FIGURE_HEADERS]
    return [
        Table(
            gettext("Summary"),
            [gettext("Group"), *headers],
            [
                [
                    gettext("All (%(filters)s)") % {"filters": filters_text},
                    *_figure_row(report.total),
                ]
            ],
            slug=SUMMARY,
        ),
        Table(
            gettext("By department"),
            [gettext("Department"), *headers],
            [[f.label, *_figure_row(f)] for f in report.by_department],
            slug=BY_DEPARTMENT,
        ),
        Table(
            gettext("By cohort"),
            [gettext("Cohort"), *headers],
            [[f.label, *_figure_row(f)] for f in report.by_cohort],
            slug=BY_COHORT,
        ),
    ]


def report_table_slug(table: Table) -> str:
    """The table's name in its CSV file's URL and filename: "summary", "by-department"."""
    return table.slug or slugify(table.title)


SUSTAINMENT_HEADERS = [
    gettext_lazy("Follow-up (days after Day 3)"),
    gettext_lazy("Due"),
    gettext_lazy("Logged"),
    gettext_lazy("Sustained"),
    gettext_lazy("Slipping"),
    gettext_lazy("Reverted"),
    gettext_lazy("Missed"),
    gettext_lazy("Waiting (within the grace period)"),
]


def _sustainment_row(f: SustainmentFigures) -> list[Any]:
    return [f.days_after, f.due, f.logged, f.sustained, f.slipping, f.reverted, f.missed, f.waiting]


def sustainment_tables(report: SustainmentReport) -> list[Table]:
    """The program report's sustainment figures: overall, by department, by cohort."""
    headers = [str(h) for h in SUSTAINMENT_HEADERS]
    return [
        Table(
            gettext("Sustainment"),
            [gettext("Group"), *headers],
            [[gettext("All"), *_sustainment_row(f)] for f in report.total],
            slug=SUSTAINMENT,
        ),
        Table(
            gettext("Sustainment by department"),
            [gettext("Department"), *headers],
            [[f.label, *_sustainment_row(f)] for f in report.by_department],
            slug=SUSTAINMENT_BY_DEPARTMENT,
        ),
        Table(
            gettext("Sustainment by cohort"),
            [gettext("Cohort"), *headers],
            [[f.label, *_sustainment_row(f)] for f in report.by_cohort],
            slug=SUSTAINMENT_BY_COHORT,
        ),
    ]
