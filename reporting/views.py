from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from cohorts.models import Cohort, Enrollment
from cohorts.selectors import CohortChoice, cohort_choices
from leanleaders import pdf
from leanleaders.decorators import analyst_required, staff_required
from leanleaders.fields import DATE_RANGE_MESSAGE, parse_date
from leanleaders.http import (
    AuthenticatedHttpRequest,
    choice_param,
    id_param,
    ids_param,
    safe_next,
)
from projects import policies as project_policies
from projects import results
from projects import services as project_services
from projects.models import Project
from projects.policies import visible_projects
from reporting import exports, policies
from reporting.selectors import board, completion, engagement, program, sustainment

REVIEW_COMMENT_MAX = 2000

T = TypeVar("T")


def _cohort_or_404(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    return get_object_or_404(policies.board_cohorts(request.user), pk=pk)


@staff_required
def board_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    cohorts = list(board.board_cohort_list(user=request.user))
    return render(request, "reporting/board_index.html", {"cohorts": cohorts})


def _query_without(request: AuthenticatedHttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@staff_required
def cohort_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request, pk)
    rows = board.board_rows(user=request.user, cohort=cohort)
    filters = board.parse_filters(request.GET)
    shown = board.filter_rows(rows, filters)
    base_query = _query_without(request, "sort")
    columns = []
    for key, (label, _) in board.SORTS.items():
        current = filters.sort_key == key
        next_sort = f"-{key}" if current and not filters.descending else key
        columns.append(
            {
                "key": key,
                "label": label,
                "current": current,
                "descending": current and filters.descending,
                "url": f"?{base_query + '&' if base_query else ''}sort={next_sort}",
            }
        )
    return render(
        request,
        "reporting/cohort_board.html",
        {
            "cohort": cohort,
            "rows": shown,
            "all_count": len(rows),
            "counts": board.board_counts(rows),
            "tools": board.tool_usage(rows),
            "departments": board.board_departments(rows),
            "filters": filters,
            "columns": {c["key"]: c for c in columns},
            "sort_options": board.SORT_OPTIONS,
            "verdicts": [(v.value, v.label) for v in results.Verdict],
            "review_filters": board.REVIEW_FILTERS.items(),
            "can_review": policies.can_review(request.user),
            "can_see_private_notes": policies.can_see_private_notes(request.user),
            "not_coached_days": settings.LEANLEADERS_NOT_COACHED_DAYS,
            # Each row's Review link: the review form, then back to the board as it was.
            "review_query": urlencode({"next": request.get_full_path()}),
        },
    )


@analyst_required
@require_http_methods(["GET", "POST"])
def project_review(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The Day 3 review from the board. GET: the review form, a page of its own (the board's
    Review links lead here) or, with `fragment=1`, the part the board's dialog loads when it is
    opened. POST: the projects service marks it reviewed and tells the trainee; back to the
    board with a message."""
    if request.method == "GET":
        return _review_form(request, project_id)
    project = get_object_or_404(visible_projects(request.user), pk=project_id)
    comment = request.POST.get("comment", "").strip()[:REVIEW_COMMENT_MAX]
    back = safe_next(request, reverse("projects:project-detail", args=[project.pk]))
    try:
        project_services.project_review(
            project_id=project.pk,
            by=request.user,
            comment=comment,
            no_result_reason=request.POST.get("no_result_reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            gettext("“%(title)s” is marked reviewed. The trainee is told.")
            % {"title": project.title},
        )
    return redirect(back)


def _review_form(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    try:
        review = board.board_review_get(user=request.user, project_id=project_id)
    except Project.DoesNotExist as error:
        raise Http404 from error
    fragment = request.GET.get("fragment") == "1"
    back = safe_next(request, reverse("projects:project-detail", args=[project_id]))
    return render(
        request,
        "reporting/_review_dialog.html" if fragment else "reporting/project_review.html",
        {
            "review": review,
            "heading": gettext("Day 3 review: %(name)s") % {"name": review.trainee.full_name},
            # Reviewed meanwhile, or their own: the form says so instead of asking.
            "can_review": project_policies.can_review(request.user, review.project),
            "back": back,
            # The form's address carries where to go back to, so that the page a session's
            # end leads back to (`csrf_failure`) returns there too.
            "back_query": urlencode({"next": back}),
            "review_comment_max": REVIEW_COMMENT_MAX,
            "no_result_reason_max": project_services.NO_RESULT_REASON_MAX,
            "today": timezone.localdate(),
        },
    )


EXPORTS = {
    "roster": "roster",
    "projects": "projects-with-results",
    "coaching": "coaching-activity",
}


@staff_required
def cohort_export(
    request: AuthenticatedHttpRequest, pk: int, kind: str, fmt: str
) -> HttpResponseBase:
    cohort = _cohort_or_404(request, pk)

    def table() -> exports.Table:
        if kind == "coaching":
            with_notes = policies.can_see_private_notes(request.user)
            conversations = board.coaching_activity(user=request.user, cohort=cohort)
            return exports.coaching_table(conversations.iterator(), with_private_notes=with_notes)
        rows = board.board_rows(user=request.user, cohort=cohort)
        if kind == "roster":
            return exports.roster_table(rows)
        follow_ups = sustainment.follow_ups_by_project(r.project.pk for r in rows if r.project)
        return exports.projects_table(rows, follow_ups)

    filename = f"{slugify(cohort.name)}-{EXPORTS[kind]}-{timezone.localdate():%Y-%m-%d}"
    if fmt != "xlsx":
        return exports.csv_response(table(), filename)
    return exports.workbook_response(exports.xlsx_bytes([table()]), filename)


# ---------------------------------------------------------------------------------------------
# The program report: three pages that share their filters. The results (from applications to
# Lean Leaders, and the measured improvement), the leaders' engagement, and whether the results
# lasted after Day 3. Each answers its own question, so each counts only its own figures.


def _report_filters(request: AuthenticatedHttpRequest) -> tuple[program.ReportFilters, list[str]]:
    errors = []
    date_from = parse_date(request.GET.get("from", ""))
    date_to = parse_date(request.GET.get("to", ""))
    if request.GET.get("from") and date_from is None:
        errors.append(gettext("“From” was ignored. %(rule)s") % {"rule": DATE_RANGE_MESSAGE})
    if request.GET.get("to") and date_to is None:
        errors.append(gettext("“To” was ignored. %(rule)s") % {"rule": DATE_RANGE_MESSAGE})
    if date_from and date_to and date_from > date_to:
        errors.append(gettext("“From” is after “To”, so the dates were swapped."))
        date_from, date_to = date_to, date_from
    cohort_ids = ids_param(request.GET, "cohort")
    return (
        program.ReportFilters(
            date_from=date_from,
            date_to=date_to,
            cohort_ids=cohort_ids,
            department_id=id_param(request.GET, "department"),
            cohort_kind=choice_param(request.GET, "kind", program.COHORT_KINDS)
            or program.ALL_COHORTS,
        ),
        errors,
    )


def _filters_text(
    filters: program.ReportFilters,
    cohorts: Sequence[CohortChoice],
    departments: Sequence[tuple[int, str]],
) -> str:
    """The filters in words. `cohorts` and `departments`: choices that include the chosen
    ones."""
    chosen = [c.name for c in cohorts if c.pk in filters.cohort_ids]
    department = next((name for pk, name in departments if pk == filters.department_id), None)
    parts = []
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else gettext("the start")
        end = filters.date_to.isoformat() if filters.date_to else gettext("today")
        parts.append(
            gettext("applications created %(start)s to %(end)s") % {"start": start, "end": end}
        )
    else:
        parts.append(gettext("all applications"))
    if chosen:
        parts.append(gettext("cohorts: %(names)s") % {"names": ", ".join(chosen)})
    if filters.cohort_kind:
        parts.append(str(program.COHORT_KINDS[filters.cohort_kind]).lower())
    if department:
        parts.append(gettext("department: %(name)s") % {"name": department})
    return "; ".join(parts)


def _fl(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _chart_data(
    report: program.ProgramReport, cohorts: Sequence[program.Figures]
) -> dict[str, Any]:
    """The charts' numbers: every department, the project results of all, and the cohorts of
    the cohort table's page (hundreds of bars after a few years say nothing, and cost the page)."""
    return {
        "departments": {
            "labels": [f.label for f in report.by_department],
            "applied": [f.applied for f in report.by_department],
            "accepted": [f.accepted for f in report.by_department],
            "completed": [f.completed for f in report.by_department],
        },
        "cohorts": {
            "labels": [f.label for f in cohorts],
            "completion": [_fl(f.completion_rate) for f in cohorts],
            "attendance": [_fl(f.attendance_rate) for f in cohorts],
        },
        "verdicts": {
            "labels": [str(v.label) for v in results.Verdict],
            "values": [
                report.total.improved,
                report.total.no_change,
                report.total.worse,
                report.total.no_data,
            ],
        },
    }


# The query parameters that choose what the report covers: carried from part to part of the
# report and into its downloads, unlike the pages of its tables.
REPORT_FILTER_PARAMS = ("from", "to", "cohort", "kind", "department")


def _render_report(
    request: AuthenticatedHttpRequest,
    template: str,
    part: Callable[[AuthenticatedHttpRequest, program.ReportFilters], dict[str, Any]],
) -> HttpResponse:
    """One part of the program report (`part`: what its template shows, under the filters)
    with the filters, the downloads and the links to the other parts, which every part
    shares."""
    filters, errors = _report_filters(request)
    for error in errors:
        messages.warning(request, error)
    cohorts = cohort_choices()
    departments = program.report_department_choices()
    query = urlencode(
        [(name, value) for name in REPORT_FILTER_PARAMS for value in request.GET.getlist(name)]
    )
    context = {
        "filters": filters,
        "cohort_choices": cohorts,
        "departments": departments,
        "cohort_kinds": program.COHORT_KINDS,
        "filters_text": _filters_text(filters, cohorts, departments),
        "query": query,
        **part(request, filters),
    }
    return render(request, template, context)


# Rows (trainees, cohorts) per page of the report's tables that grow with the city: rendering
# hundreds of cohorts' rows was most of the page's time. The downloads keep every row.
REPORT_PAGE = 25


def _report_page(request: AuthenticatedHttpRequest, rows: Sequence[T], param: str) -> Page[T]:
    """The page of `rows` that `param` asks for: the first for a missing or junk number, the
    last for one past the end."""
    return Paginator(rows, REPORT_PAGE).get_page(request.GET.get(param))


# What each part shows, under the filters.


def _results(request: AuthenticatedHttpRequest, filters: program.ReportFilters) -> dict[str, Any]:
    report = program.program_report(user=request.user, filters=filters)
    cohort_page = _report_page(request, report.by_cohort, "cohort_page")
    return {
        "report": report,
        "cohort_page": cohort_page,
        "charts": _chart_data(report, list(cohort_page)),
        "tolerance": results.NO_CHANGE_TOLERANCE_PERCENT,
    }


def _engagement(
    request: AuthenticatedHttpRequest, filters: program.ReportFilters
) -> dict[str, Any]:
    found = engagement.program_engagement(user=request.user, filters=filters)
    return {"engagement": found, "engagement_page": _report_page(request, found.trainees, "page")}


def _sustainment(
    request: AuthenticatedHttpRequest, filters: program.ReportFilters
) -> dict[str, Any]:
    found = sustainment.sustainment_report(user=request.user, filters=filters)
    # A page of cohorts, each with its rows (one per follow-up day that has fallen due).
    cohorts = _report_page(request, found.cohorts, "sustainment_page")
    return {
        "sustainment": found,
        "sustainment_page": cohorts,
        "sustainment_cohort_rows": [row for rows in cohorts for row in rows],
    }


@analyst_required
def program_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_report(request, "reporting/program_report.html", _results)


@analyst_required
def program_engagement(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_report(request, "reporting/program_engagement.html", _engagement)


@analyst_required
def program_sustainment(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_report(request, "reporting/program_sustainment.html", _sustainment)


@analyst_required
def program_report_export(
    request: AuthenticatedHttpRequest, fmt: str, table: str = ""
) -> HttpResponseBase:
    """The report as a workbook (a sheet per table), or one of its tables as a CSV file
    (program.csv: the summary). A CSV file counts only what its table shows: the summary the
    total alone, a table of follow-ups no figures, a table of figures no follow-ups."""
    filters, _ = _report_filters(request)
    slug = table or exports.SUMMARY
    whole = fmt == "xlsx"
    if not whole and slug not in (*exports.REPORT_TABLES, *exports.SUSTAINMENT_TABLES):
        raise Http404
    tables = []
    if whole or slug in exports.REPORT_TABLES:
        report = program.program_report(
            user=request.user, filters=filters, totals_only=slug == exports.SUMMARY and not whole
        )
        # Only the chosen cohorts and department are named, so only they are read.
        cohorts = cohort_choices(among=filters.cohort_ids) if filters.cohort_ids else []
        departments = (
            program.report_department_choices(among=[filters.department_id])
            if filters.department_id
            else []
        )
        tables += exports.report_tables(report, _filters_text(filters, cohorts, departments))
    if whole or slug in exports.SUSTAINMENT_TABLES:
        found = sustainment.sustainment_report(user=request.user, filters=filters)
        tables += exports.sustainment_tables(found)
    filename = f"lean-leaders-program-report-{timezone.localdate()}"
    if whole:
        return exports.xlsx_response(tables, filename)
    chosen = next(t for t in tables if exports.report_table_slug(t) == slug)
    return exports.csv_response(chosen, f"{filename}-{table}" if table else filename)


# ---------------------------------------------------------------------------------------------
# Certificates


def _certificate_or_404(
    request: AuthenticatedHttpRequest, enrollment_id: int
) -> completion.Completion:
    try:
        return completion.certificate_get(user=request.user, enrollment_id=enrollment_id)
    except Enrollment.DoesNotExist as error:
        raise Http404 from error


@login_required
def certificate(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
    """The certificate of completion (a printable A4 landscape page) for a Lean Leader; before
    that, what is still missing."""
    done = _certificate_or_404(request, enrollment_id)
    template = (
        "reporting/certificate.html"
        if done.is_lean_leader
        else "reporting/certificate_pending.html"
    )
    return render(request, template, {"done": done, "enrollment": done.enrollment})


@login_required
def certificate_pdf(request: AuthenticatedHttpRequest, enrollment_id: int) -> HttpResponse:
    """The certificate as a one-page PDF, for a Lean Leader to keep or email."""
    done = _certificate_or_404(request, enrollment_id)
    if not done.is_lean_leader:
        raise Http404
    html = render_to_string(
        "reporting/certificate_pdf.html", {"done": done, "enrollment": done.enrollment}, request
    )
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    name = slugify(done.enrollment.trainee.full_name) or done.enrollment.pk
    response["Content-Disposition"] = f'attachment; filename="lean-leaders-certificate-{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
