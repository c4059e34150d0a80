from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from applications.models import Application
from applications.policies import visible_applications
from leanleaders.decorators import staff_required
from leanleaders.http import AuthenticatedHttpRequest, choice_param, error_text, id_param, safe_next
from leanleaders.models import User
from leanleaders.roles import is_analyst, is_trainee
from leanleaders.selectors import department_choices
from projects import csv_import, policies, results, selectors, services, uploads
from projects.forms import (
    FollowUpForm,
    ImportForm,
    MeasureForm,
    MeasurementForm,
    PeopleSearchForm,
    ProgressEntryForm,
    ProjectForm,
    ReviewForm,
    SponsorForm,
    TeamAddForm,
    TeamInviteForm,
    TeamMemberForm,
)
from projects.models import (
    Attachment,
    FollowUp,
    Measure,
    Measurement,
    ProgressEntry,
    Project,
    ProjectMember,
)


def _visible_or_404(request: AuthenticatedHttpRequest, pk: int) -> Project:
    return get_object_or_404(
        policies.visible_projects(request.user).select_related("trainee", "department"), pk=pk
    )


def _detail_or_404(request: AuthenticatedHttpRequest, pk: int) -> Project:
    try:
        return selectors.project_get(user=request.user, pk=pk)
    except Project.DoesNotExist as error:
        raise Http404 from error


def _ensure_editable(request: AuthenticatedHttpRequest, project: Project) -> HttpResponse | None:
    """None when the user may edit; a redirect with a message for the owner of a reviewed
    project; PermissionDenied for readers."""
    if policies.can_edit(request.user, project):
        return None
    if policies.is_owner(request.user, project):
        messages.info(
            request,
            _(
                "This project has been reviewed, so it is closed for changes. "
                "Ask your analyst to reopen it if you need to add more."
            ),
        )
        return redirect("projects:project-detail", pk=project.pk)
    raise PermissionDenied


def _ensure_can_log(request: AuthenticatedHttpRequest, project: Project) -> HttpResponse | None:
    """As `_ensure_editable`, for logging measurements and progress, which team members the
    lead allows may do too."""
    if policies.can_log(request.user, project):
        return None
    return _ensure_editable(request, project)


def _day(day: Any) -> str:
    """A date as "5 Mar 2026", in the page's language."""
    return date_format(day, "j M Y")


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def chart_data(view: selectors.MeasureView) -> dict[str, Any]:
    """What static/js/run_chart.js draws: measurements, with the baseline and target as lines."""
    measure = view.measure
    return {
        "id": measure.pk,
        "name": measure.name,
        "unit": measure.unit,
        "direction": measure.get_direction_display(),
        "labels": [m.date.isoformat() for m in view.measurements],
        "values": [float(m.value) for m in view.measurements],
        "baseline": float(view.result.baseline) if view.result.baseline is not None else None,
        "target": float(measure.target_value) if measure.target_value is not None else None,
    }


# Rows the project page (and the A3's table) shows of each measure's table and of the progress
# log: a project logged every day for a year would otherwise render hundreds of rows, each with
# its remove button, on every visit. The run chart still draws every measurement.
MEASUREMENT_TABLE_PAGE = 20
PROGRESS_LOG_PAGE = 10


def _measurement_table(
    request: AuthenticatedHttpRequest, view: selectors.MeasureView
) -> selectors.MeasurementTable:
    param = f"measurements-{view.measure.pk}"
    rows = view.measurements[::-1]  # newest first: the rows someone came to check or correct
    page = Paginator(rows, MEASUREMENT_TABLE_PAGE).get_page(request.GET.get(param))
    return selectors.MeasurementTable(page=page, param=param, open=param in request.GET)


def _detail_context(request: AuthenticatedHttpRequest, project: Project) -> dict[str, Any]:
    user = request.user
    views = selectors.measure_views(project)
    for view in views:
        view.table = _measurement_table(request, view)
    primary = next((v for v in views if v.measure.is_primary), views[0] if views else None)
    entries = selectors.progress_entries(project=project)
    team = selectors.project_team(project=project)
    return {
        "project": project,
        "team": team,
        "can_log": policies.can_log(user, project, team.members),
        "can_manage_team": policies.can_manage_team(user, project),
        "can_agree_goal": policies.can_agree_goal(user, project),
        "is_leader": policies.is_leader(user, project),
        "measure_views": views,
        "primary": primary,
        "charts": [chart_data(v) for v in views],
        "entries": entries,
        "can_edit": policies.can_edit(user, project),
        "can_edit_measure": policies.can_edit_measure_definition(user, project),
        "can_review": policies.can_review(user, project),
        "can_reopen": policies.can_reopen(user, project),
        "is_owner": policies.is_owner(user, project),
        "tolerance": results.NO_CHANGE_TOLERANCE_PERCENT,
        "window": results.LATEST_WINDOW,
        **_sustainment_context(user, project, team),
    }


def _sustainment_context(user: User, project: Project, team: selectors.Team) -> dict[str, Any]:
    """The "After Day 3" section: the follow-ups and the rule of the verdict."""
    if not project.is_reviewed:
        return {"follow_ups": []}
    return {
        "follow_ups": selectors.follow_ups_of(project=project),
        "can_log_follow_up": policies.can_log_follow_up(user, project, team.members),
        "sustained_percent": settings.LEANLEADERS_SUSTAINED_SHARE * 100,
        "grace_days": settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS,
        "follow_up_days": settings.LEANLEADERS_FOLLOW_UP_DAYS,
        "today": timezone.localdate(),
    }


def _back_to_list(
    request: AuthenticatedHttpRequest, pk: int, param: str, *, anchor: str | None = None
) -> str:
    """The project page with the list a row was removed from open at the page it was on (the
    removal form's `page`; past the end, the last page)."""
    page = id_param(request.POST, "page") or 1
    url = reverse("projects:project-detail", args=[pk])
    return f"{url}?{param}={page}#{anchor or param}"


@login_required
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _detail_or_404(request, pk)

    context = {
        **_detail_context(request, selectors.with_measures(project)),
        "is_owner": policies.is_owner(request.user, project),
        "today": timezone.localdate(),
        "timeline": list(selectors.project_timeline(project=project)[:30]),
    }
    context["entry_page"] = Paginator(context["entries"], PROGRESS_LOG_PAGE).get_page(
        request.GET.get("log")
    )
    context["log_open"] = "log" in request.GET
    if context["can_review"]:
        context["day3"] = selectors.project_day3(project)
        context["no_result_reason_max"] = services.NO_RESULT_REASON_MAX
    return render(request, "projects/project_detail.html", context)


# An A3 is one sheet: each of its boxes lists the latest entries of the progress log that belong
# there and says how many earlier ones the log has.
A3_ENTRIES = 8


@login_required
def project_a3(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = selectors.with_measures(_detail_or_404(request, pk))
    context = _detail_context(request, project)
    for name, entries in (
        ("countermeasure", [e for e in context["entries"] if e.pdca_stage in ("do", "act")]),
        ("analysis", [e for e in context["entries"] if e.learned]),
    ):
        context[f"{name}_entries"] = entries[:A3_ENTRIES]
        context[f"{name}_earlier"] = max(len(entries) - A3_ENTRIES, 0)
    context["latest_next"] = next((e.next_steps for e in context["entries"] if e.next_steps), "")
    return render(request, "projects/project_a3.html", context)


@login_required
def project_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trainee's project, or their home page if they have none yet."""
    if not is_trainee(request.user):
        return redirect("projects:project-list")
    project = Project.objects.filter(trainee=request.user).order_by("-created_at").first()
    if project is None:
        messages.info(request, _("You don't have a project yet. It starts once you're accepted."))
        return redirect("home")
    return redirect("projects:project-detail", pk=project.pk)


@staff_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "projects/project_list.html", _project_list_context(request))


def _project_list_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    department_id = id_param(request.GET, "department")
    verdict = choice_param(request.GET, "verdict", results.Verdict._value2member_map_)
    projects = selectors.project_queryset(user=request.user, department_id=department_id)
    counts = selectors.counts_of(projects=projects)
    if verdict:
        projects = projects.filter(verdict=verdict)
    paginator = Paginator(projects, 25)
    # Known from the counts: no COUNT query.
    paginator.count = sum(c["count"] for c in counts if verdict in (None, c["verdict"]))
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.summaries_of(page.object_list)  # type: ignore[assignment]  # the page lists summaries
    return {
        "page": page,
        "counts": counts,
        "verdicts": [(v.value, v.label) for v in results.Verdict],
        "verdict": verdict,
        "department_id": department_id,
        "departments": department_choices() if is_analyst(request.user) else [],
    }


@login_required
@require_POST
def project_start(request: AuthenticatedHttpRequest, application_id: int) -> HttpResponse:
    application = get_object_or_404(visible_applications(request.user), pk=application_id)
    if not policies.can_start(request.user, application):
        if application.status != Application.Status.ACCEPTED:
            messages.error(request, _("A project can be set up once the application is accepted."))
            return redirect("home")
        raise PermissionDenied
    created = not Project.objects.filter(application=application).exists()
    project = services.project_start(application_id=application.pk, by=request.user)
    if created:
        messages.success(
            request,
            _(
                "Your project is set up from your application. Check the measure and record "
                "your baseline first."
            ),
        )
    return redirect("projects:project-detail", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    refused = _ensure_editable(request, project)
    if refused:
        return refused
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project_id=pk, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:project-detail", pk=pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(
    request: AuthenticatedHttpRequest, pk: int, measure_id: int | None = None
) -> HttpResponse:
    project = _visible_or_404(request, pk)
    measure = (
        get_object_or_404(Measure.objects.filter(project=project), pk=measure_id)
        if measure_id
        else None
    )
    if not policies.can_edit_measure_definition(request.user, project):
        refused = _ensure_editable(request, project)
        if refused:
            return refused
    needs_reason = policies.measure_change_needs_reason(request.user)
    form = MeasureForm(request.POST or None, instance=measure, needs_reason=needs_reason)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.MEASURE_FIELDS}
        try:
            if measure is None:
                measure = services.measure_add(project_id=pk, by=request.user, data=data)
            services.measure_update(
                measure_id=measure.pk,
                by=request.user,
                data=data,
                reason=form.cleaned_data.get("reason", ""),
                baseline_points=form.cleaned_data["baseline_points_text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": measure.name})
            return redirect("projects:project-detail", pk=pk)
    return render(
        request,
        "projects/measure_form.html",
        {"form": form, "project": project, "measure": measure, "needs_reason": needs_reason},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measurement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Log one measurement. Also the target of the home card's quick form and of reminders."""
    project = _visible_or_404(request, pk)
    refused = _ensure_can_log(request, project)
    if refused:
        return refused
    measures = list(project.measures.all())
    initial = {}
    wanted = id_param(request.GET, "measure")
    if wanted:
        initial["measure"] = next((m for m in measures if m.pk == wanted), None)
    if measures and "measure" not in initial:
        initial["measure"] = measures[0]
    prefix = "log"
    form = MeasurementForm(
        request.POST or None, measures=project.measures.all(), prefix=prefix, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement = services.measurement_add(
                measure_id=data["measure"].pk,
                by=request.user,
                date=data["date"],
                value=data["value"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _logged_message(request, measurement)
            return redirect(safe_next(request, reverse("projects:project-detail", args=[pk])))
    return render(
        request,
        "projects/measurement_form.html",
        {"form": form, "project": project, "next": safe_next(request, "")},
        status=400 if request.method == "POST" else 200,
    )


def _logged_message(request: AuthenticatedHttpRequest, measurement: Measurement) -> None:
    # The service stored the new result on the measure it logged against.
    measure = measurement.measure
    result = measure.result
    unit = f" {measure.unit}" if measure.unit else ""
    values = {"value": f"{_fmt(measurement.value)}{unit}", "day": _day(measurement.date)}
    if result.has_verdict:
        text = _("Logged %(value)s for %(day)s. Result so far: %(verdict)s.") % {
            **values,
            "verdict": result.verdict_label.lower(),
        }
    else:
        text = _("Logged %(value)s for %(day)s. %(missing)s") % {
            **values,
            "missing": result.missing,
        }
    messages.success(request, text.rstrip())


@login_required
@require_POST
def measurement_delete(
    request: AuthenticatedHttpRequest, pk: int, measurement_id: int
) -> HttpResponse:
    project = _visible_or_404(request, pk)
    measurement = get_object_or_404(
        Measurement.objects.filter(measure__project=project), pk=measurement_id
    )
    refused = _ensure_editable(request, project)
    if refused:
        return refused
    services.measurement_delete(measurement_id=measurement.pk, by=request.user)
    messages.success(
        request, _("Removed the measurement of %(day)s.") % {"day": _day(measurement.date)}
    )
    return redirect(_back_to_list(request, pk, f"measurements-{measurement.measure_id}"))


@login_required
@require_http_methods(["GET", "POST"])
def measurement_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    refused = _ensure_can_log(request, project)
    if refused:
        return refused
    measures = project.measures.all()
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        measures=measures,
        initial={"measure": measures.first()},
    )
    problems: list[tuple[int, str]] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            parsed = csv_import.parse(
                form.source(),
                today=timezone.localdate(),
                earliest=services.earliest_allowed_date(),
            )
            if parsed.refused:
                form.add_error(None, parsed.refused)
            elif parsed.errors:
                problems = parsed.errors
                form.add_error(
                    None,
                    ngettext(
                        "Nothing was imported: %(count)d row needs fixing (listed below). "
                        "Correct it and import again.",
                        "Nothing was imported: %(count)d rows need fixing (listed below). "
                        "Correct them and import again.",
                        len(parsed.errors),
                    )
                    % {"count": len(parsed.errors)},
                )
            else:
                try:
                    created = services.measurements_import(
                        measure_id=form.cleaned_data["measure"].pk,
                        by=request.user,
                        rows=parsed.rows,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Imported %(count)d measurement.",
                            "Imported %(count)d measurements.",
                            len(created),
                        )
                        % {"count": len(created)},
                    )
                    return redirect("projects:project-detail", pk=pk)
    return render(
        request,
        "projects/measurement_import.html",
        {
            "form": form,
            "project": project,
            "problems": problems[:200],
            "more_problems": max(0, len(problems) - 200),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def progress_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    refused = _ensure_can_log(request, project)
    if refused:
        return refused
    form = ProgressEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_entry_add(
                project_id=pk,
                by=request.user,
                date=data["date"],
                did=data["did"],
                learned=data["learned"],
                next_steps=data["next_steps"],
                tools=data["tools"],
                pdca_stage=data["pdca_stage"],
                files=data["files"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Progress logged."))
            return redirect(reverse("projects:project-detail", args=[pk]) + "#progress")
    return render(
        request,
        "projects/progress_form.html",
        {"form": form, "project": project, "max_upload": uploads.human_size(uploads.max_bytes())},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def progress_delete(request: AuthenticatedHttpRequest, pk: int, entry_id: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    entry = get_object_or_404(ProgressEntry.objects.filter(project=project), pk=entry_id)
    refused = _ensure_editable(request, project)
    if refused:
        return refused
    services.progress_entry_delete(entry_id=entry.pk, by=request.user)
    messages.success(request, _("Progress entry removed."))
    return redirect(_back_to_list(request, pk, "log", anchor="progress-log"))


@login_required
def attachment_download(
    request: AuthenticatedHttpRequest, pk: int, attachment_id: int
) -> FileResponse:
    project = _visible_or_404(request, pk)
    attachment = get_object_or_404(
        Attachment.objects.filter(entry__project=project), pk=attachment_id
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def project_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    if not is_analyst(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        services.project_review(
            project_id=project.pk,
            by=request.user,
            comment=data.get("comment", ""),
            no_result_reason=data.get("no_result_reason", ""),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Marked reviewed. The trainee is told."))
    return redirect("projects:project-detail", pk=pk)


@login_required
@require_POST
def project_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    if not is_analyst(request.user):
        raise PermissionDenied
    try:
        services.project_reopen(project_id=project.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Reopened. The trainee can log again."))
    return redirect("projects:project-detail", pk=pk)


def _team_context(
    request: AuthenticatedHttpRequest, project: Project, **forms_: Any
) -> dict[str, Any]:
    team = selectors.project_team(project=project)
    manage = policies.can_manage_team(request.user, project)
    search = PeopleSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    people = None
    if manage and query:
        people = Paginator(
            selectors.people_search(query=query, project=project),
            selectors.PEOPLE_PAGE_SIZE,
        ).get_page(request.GET.get("page"))
    return {
        "project": project,
        "team": team,
        "can_manage": manage,
        "can_agree_goal": policies.can_agree_goal(request.user, project),
        "can_share_application": policies.can_share_application(request.user, project),
        "shared_application": project.application
        if policies.sees_shared_application(request.user, project)
        else None,
        "search": search,
        "query": query,
        "people": people,
        "roles": ProjectMember.Role.choices,
        "invite_form": forms_.get("invite_form") or TeamInviteForm(prefix="invite"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def project_team(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The team: who leads, sponsors and works on the project. Its lead (or an analyst) finds
    city staff by name or email and adds them, invites an address, or names the sponsor."""
    project = _visible_or_404(request, pk)
    if request.method == "GET":
        return render(request, "projects/project_team.html", _team_context(request, project))
    policies.ensure_can_manage_team(request.user, project)
    back = safe_next(request, reverse("projects:project-team", args=[pk]))
    action = request.POST.get("action")
    if action == "invite":
        invite_form = TeamInviteForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            data = invite_form.cleaned_data
            try:
                member = services.team_member_invite(
                    project_id=pk,
                    by=request.user,
                    email=data["email"],
                    role=data["role"],
                    may_log=data["may_log"],
                )
            except ValidationError as error:
                invite_form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Invited %(email)s. They are emailed a link.") % {"email": member.email},
                )
                return redirect(back)
        return render(
            request,
            "projects/project_team.html",
            _team_context(request, project, invite_form=invite_form),
            status=400,
        )
    form: TeamAddForm | SponsorForm = (
        TeamAddForm(request.POST) if action == "add" else SponsorForm(request.POST)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a person from the search results."))
        return redirect(back)
    data = form.cleaned_data
    try:
        if action == "add":
            services.team_member_add(
                project_id=pk,
                by=request.user,
                user_id=data["person"],
                role=data["role"],
                may_log=data["may_log"],
            )
            messages.success(request, _("Added to the team. They are emailed a link."))
        else:
            services.project_sponsor_set(project_id=pk, by=request.user, user_id=data["person"])
            messages.success(request, _("Sponsor changed. They are asked to agree the goal."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(back)


@login_required
@require_POST
def application_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lead shares their application's answers with the team, or stops."""
    project = _visible_or_404(request, pk)
    policies.ensure_can_share_application(request.user, project)
    shared = request.POST.get("shared") == "1"
    services.project_application_share(project_id=pk, by=request.user, shared=shared)
    messages.success(
        request,
        _("Your team now reads your application's answers on this page.")
        if shared
        else _("Your application's answers are no longer shown to your team."),
    )
    return redirect("projects:project-team", pk=pk)


def _member_or_404(project: Project, member_id: int) -> ProjectMember:
    return get_object_or_404(ProjectMember.objects.filter(project=project), pk=member_id)


@login_required
@require_POST
def team_member_edit(request: AuthenticatedHttpRequest, pk: int, member_id: int) -> HttpResponse:
    project = _visible_or_404(request, pk)
    member = _member_or_404(project, member_id)
    policies.ensure_can_manage_team(request.user, project)
    form = TeamMemberForm(request.POST, instance=ProjectMember(project=project))
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        services.team_member_update(
            member_id=member.pk,
            by=request.user,
            role=form.cleaned_data["role"],
            may_log=form.cleaned_data["may_log"],
        )
        messages.success(request, _("Saved."))
    return redirect("projects:project-team", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def team_member_remove(request: AuthenticatedHttpRequest, pk: int, member_id: int) -> HttpResponse:
    """Asks first, on its own page; what the member logged stays."""
    project = _visible_or_404(request, pk)
    member = _member_or_404(project, member_id)
    policies.ensure_can_manage_team(request.user, project)
    if request.method == "POST":
        services.team_member_remove(member_id=member.pk, by=request.user)
        messages.success(request, _("Taken off the team."))
        return redirect("projects:project-team", pk=pk)
    return render(
        request, "projects/team_member_remove.html", {"project": project, "member": member}
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_agree(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The sponsor reads the goal (the primary measure and its target) and agrees it."""
    project = selectors.with_measures(_detail_or_404(request, pk))
    policies.ensure_can_agree_goal(request.user, project)
    primary = next((m for m in project.measures.all() if m.is_primary), None)
    if request.method == "POST":
        try:
            services.project_goal_agree(project_id=pk, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("You agreed the goal. The team sees it on the project."))
        return redirect("projects:project-detail", pk=pk)
    return render(request, "projects/goal_agree.html", {"project": project, "primary": primary})


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_log(request: AuthenticatedHttpRequest, pk: int, follow_up_id: int) -> HttpResponse:
    """Log the primary measure's value at a follow-up after Day 3: one field. The target of the
    follow-up reminder's link."""
    project = _visible_or_404(request, pk)
    follow_up = get_object_or_404(FollowUp.objects.filter(project=project), pk=follow_up_id)
    if not policies.can_log_follow_up(request.user, project):
        raise PermissionDenied
    primary = get_object_or_404(Measure.objects.filter(project=project, is_primary=True))
    today = timezone.localdate()
    form = FollowUpForm(request.POST or None, measure=primary, initial={"value": follow_up.value})
    if request.method == "POST" and follow_up.is_open(today) and form.is_valid():
        try:
            logged = services.follow_up_log(
                follow_up_id=follow_up.pk, by=request.user, value=form.cleaned_data["value"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Logged the %(days)s-day follow-up. The result reads: %(verdict)s.")
                % {"days": logged.days_after, "verdict": logged.get_verdict_display()},
            )
            return redirect(reverse("projects:project-detail", args=[pk]) + "#after-day3")
    return render(
        request,
        "projects/follow_up_form.html",
        {
            "form": form,
            "project": project,
            "follow_up": follow_up,
            "measure": primary,
            "is_open": follow_up.is_open(today),
        },
        status=400 if request.method == "POST" else 200,
    )
