from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from coaching import policies, selectors, services
from coaching.forms import (
    LEADER_STEP_OWNERS,
    AssignForm,
    CadenceForm,
    ConversationForm,
    LeaderNoteForm,
    LeaderNoteVersionForm,
    NextStepForm,
    NextStepFormSet,
    ReflectionForm,
    RequestForm,
    StepCompleteForm,
    TouchpointForm,
)
from coaching.models import CoachingRequest, Conversation, LeaderCoachingNote, NextStep
from cohorts.models import Cohort
from cohorts.policies import visible_cohorts
from cohorts.selectors import CohortChoice, cohort_choices
from leanleaders import kept_forms
from leanleaders.decorators import analyst_required, manager_required
from leanleaders.http import AuthenticatedHttpRequest, error_text, id_param, safe_next
from leanleaders.models import User
from projects.models import Project
from projects.policies import is_owner, sees_as_team_member_only, visible_projects

TIMELINE_PAGE = 20
# Rows per page of the lists behind the home cards: one's own open steps, one's people's open
# steps and one's people's routines.
PEOPLE_PAGE = 25
REQUESTS_PAGE = 10
OVERVIEW_PAGE = 50
# The cohort picker offers this many cohorts on each side of the chosen one, and links to move
# along: after a few years the program has run hundreds, and a page about one cohort should not
# list them all.
PICKER_SPAN = 10


def _project_or_404(request: AuthenticatedHttpRequest, project_id: int) -> Project:
    return get_object_or_404(
        visible_projects(request.user).select_related("trainee", "department"), pk=project_id
    )


def _conversation_or_404(request: AuthenticatedHttpRequest, conversation_id: int) -> Conversation:
    try:
        return selectors.conversation_get(user=request.user, pk=conversation_id)
    except Conversation.DoesNotExist as error:
        raise Http404 from error


def _panel_context(
    request: AuthenticatedHttpRequest, project: Project, conversations: list[Conversation]
) -> dict[str, Any]:
    return {
        "panel": selectors.project_panel(project=project, conversations=conversations),
        "can_log": policies.can_log(request.user, project),
        "can_request": policies.can_request(request.user, project),
        "is_owner": is_owner(request.user, project),
        "today": timezone.localdate(),
    }


@login_required
def project_timeline(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The project's coaching panel and its one timeline of progress, measurements and
    conversations. With `fragment=1` it answers the part embedded in the project page."""
    project = _project_or_404(request, project_id)
    # Trainees open it from their project page each time they log something, and it is the
    # project page's embedded coaching part (`fragment=1`): rendered again only after a write.
    fragment = request.GET.get("fragment") == "1"
    template = "coaching/_project_coaching.html" if fragment else "coaching/project_timeline.html"
    return render(request, template, _timeline_context(request, project, fragment=fragment))


def _timeline_context(
    request: AuthenticatedHttpRequest, project: Project, *, fragment: bool
) -> dict[str, Any]:
    kind = request.GET.get("kind", "")
    if kind not in selectors.KINDS:
        kind = ""
    conversations = selectors.project_conversations(
        project=project, team_only=sees_as_team_member_only(request.user, project)
    )
    items = selectors.project_timeline(project=project, kind=kind, conversations=conversations)
    page = Paginator(items, TIMELINE_PAGE).get_page(request.GET.get("page"))
    return {
        **_panel_context(request, project, conversations),
        "project": project,
        "page": page,
        "kind": kind,
        "kinds": selectors.KINDS,
        "fragment": fragment,
        "back": reverse("projects:project-detail", args=[project.pk])
        if fragment
        else request.get_full_path(),
    }


def _step_inputs(formset: Any) -> list[services.StepInput]:
    return [
        services.StepInput(
            description=form.cleaned_data["description"],
            owner_role=form.cleaned_data["owner_role"],
            due_date=form.cleaned_data["due_date"],
        )
        for form in formset.forms
        if form.is_valid() and form.filled
    ]


@login_required
@require_http_methods(["GET", "POST"])
def conversation_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The quick-entry form: the three questions and the agreed next steps on one page."""
    project = _project_or_404(request, project_id)
    if not policies.can_log(request.user, project):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ConversationForm(data)
    formset = NextStepFormSet(data, prefix="steps")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            steps = _step_inputs(formset)
            if not steps:
                form.add_error(None, _("Agree at least one next step: what, who and by when."))
            else:
                fields = {k: v for k, v in form.cleaned_data.items() if k != "private_notes"}
                try:
                    conversation = services.conversation_log(
                        project_id=project.pk,
                        by=request.user,
                        data=fields,
                        steps=steps,
                        private_notes=form.cleaned_data["private_notes"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Conversation logged with %(count)d next step. "
                            "%(name)s has them by email.",
                            "Conversation logged with %(count)d next steps. "
                            "%(name)s has them by email.",
                            len(steps),
                        )
                        % {"count": len(steps), "name": project.trainee.get_short_name()},
                    )
                    return redirect("coaching:conversation-detail", conversation_id=conversation.pk)
    return render(
        request,
        "coaching/conversation_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "open_request": selectors.project_panel(project=project).open_request,
        },
        status=status,
    )


@login_required
def conversation_detail(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request, conversation_id)
    user = request.user
    steps = list(conversation.next_steps.all())
    return render(
        request,
        "coaching/conversation_detail.html",
        {
            "conversation": conversation,
            "project": conversation.project,
            "steps": steps,
            "private_note": selectors.private_note_for(user=user, conversation=conversation),
            "can_see_private_notes": policies.can_see_private_notes(user),
            "can_log": policies.can_log(user, conversation.project),
            "can_reflect": policies.can_reflect(user, conversation),
            "can_share_with_team": policies.can_share_with_team(user, conversation),
            "completable": {s.pk for s in steps if policies.can_complete_step(user, s)},
            "step_form": kept_forms.take(
                request,
                name=f"step-{conversation.pk}",
                form_class=NextStepForm,
                require_description=True,
                prefix="add",
            )
            or NextStepForm(require_description=True, prefix="add"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def conversation_team_visibility(
    request: AuthenticatedHttpRequest, conversation_id: int
) -> HttpResponse:
    """The project's lead shows a conversation to their team members, or hides it."""
    conversation = _conversation_or_404(request, conversation_id)
    policies.ensure_can_share_with_team(request.user, conversation)
    visible = request.POST.get("visible") == "1"
    services.conversation_team_share(
        conversation_id=conversation.pk, by=request.user, visible=visible
    )
    messages.success(
        request,
        _("Your team members now see this conversation.")
        if visible
        else _("This conversation is hidden from your team members."),
    )
    return redirect("coaching:conversation-detail", conversation_id=conversation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request, conversation_id)
    if not policies.can_log(request.user, conversation.project):
        raise PermissionDenied
    note = selectors.private_note_for(user=request.user, conversation=conversation)
    initial = {
        **{name: getattr(conversation, name) for name in services.CONVERSATION_FIELDS},
        "private_notes": note.text if note else "",
    }
    form = ConversationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "private_notes"}
            try:
                services.conversation_update(
                    conversation_id=conversation.pk,
                    by=request.user,
                    data=fields,
                    private_notes=form.cleaned_data["private_notes"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Conversation saved."))
                return redirect("coaching:conversation-detail", conversation_id=conversation.pk)
    return render(
        request,
        "coaching/conversation_edit.html",
        {"form": form, "conversation": conversation, "project": conversation.project},
        status=status,
    )


@login_required
@require_POST
def step_add(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request, conversation_id)
    if not policies.can_log(request.user, conversation.project):
        raise PermissionDenied
    form = NextStepForm(request.POST, require_description=True, prefix="add")
    target = reverse("coaching:conversation-detail", args=[conversation.pk])
    kept_as = f"step-{conversation.pk}"
    if not form.is_valid():
        kept_forms.keep(request, name=kept_as, form=form)
        return redirect(target)
    try:
        step = services.next_step_add(
            conversation_id=conversation.pk,
            by=request.user,
            step=services.StepInput(
                description=form.cleaned_data["description"],
                owner_role=form.cleaned_data["owner_role"],
                due_date=form.cleaned_data["due_date"],
            ),
        )
    except ValidationError as error:
        kept_forms.keep(request, name=kept_as, form=form, errors=error.messages)
        return redirect(target)
    messages.success(
        request,
        _("Added “%(step)s” for %(name)s.")
        % {"step": step.description, "name": step.owner.full_name},
    )
    return redirect(f"{target}#step-{step.pk}")


def _step_or_404(request: AuthenticatedHttpRequest, step_id: int) -> NextStep:
    return get_object_or_404(
        policies.visible_next_steps(request.user).select_related("conversation"), pk=step_id
    )


@login_required
@require_POST
def step_complete(request: AuthenticatedHttpRequest, step_id: int) -> HttpResponse:
    step = _step_or_404(request, step_id)
    default = reverse("coaching:conversation-detail", args=[step.conversation_id])
    if not policies.can_complete_step(request.user, step):
        raise PermissionDenied
    form = StepCompleteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.next_step_complete(step_id=step.pk, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Done: “%(step)s”.") % {"step": step.description})
    return redirect(safe_next(request, default))


@login_required
@require_POST
def step_reopen(request: AuthenticatedHttpRequest, step_id: int) -> HttpResponse:
    step = _step_or_404(request, step_id)
    default = reverse("coaching:conversation-detail", args=[step.conversation_id])
    if not policies.can_complete_step(request.user, step):
        raise PermissionDenied
    try:
        services.next_step_reopen(step_id=step.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Reopened “%(step)s”.") % {"step": step.description})
    return redirect(safe_next(request, default))


def _steps_list(
    request: AuthenticatedHttpRequest,
    steps: QuerySet[NextStep],
    words: dict[str, str],
    *,
    show_owner: bool = False,
) -> HttpResponse:
    """A page of `steps` (open, soonest due first) under `words`: the list's heading, intro and
    what it says when empty."""
    counts = selectors.step_counts(steps, today=timezone.localdate())
    paginator = Paginator(steps, PEOPLE_PAGE)
    paginator.count = counts["count"]  # known from the counts: no COUNT query
    context = {
        "page": paginator.get_page(request.GET.get("page")),
        "overdue": counts["overdue"],
        "show_owner": show_owner,
        **words,
    }
    return render(request, "coaching/steps_list.html", context)


@login_required
def my_steps(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open next step the person owns, a page at a time: the whole list behind the
    trainee's home card, which shows the few due soonest."""
    words = {
        "heading": _("Your open next steps"),
        "intro": _(
            "The steps you agreed in your coaching conversations and not done yet, soonest due "
            "first."
        ),
        "empty": _(
            "No open next steps. You agree them with your coach at the end of each coaching "
            "conversation."
        ),
    }
    return _steps_list(request, selectors.open_steps_owned(user=request.user), words)


@manager_required
def people_steps(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every open next step on the projects of a manager's people, a page at a time: the whole
    list behind the manager's home card, which shows the few due soonest."""
    words = {
        "heading": _("Your people's open next steps"),
        "intro": _(
            "The steps agreed in your people's coaching conversations and not done yet, soonest "
            "due first, including any that are yours."
        ),
        "empty": _(
            "No open next steps. Steps agreed in your people's coaching conversations appear "
            "here, including any that are yours."
        ),
    }
    steps = selectors.manager_open_steps(user=request.user)
    return _steps_list(request, steps, words, show_owner=True)


@login_required
def people_routines(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone the person leads in the program (as supervisor or sponsor), overdue first, then
    by the day their next touchpoint is due, a page at a time: the whole list behind the home
    card, which shows the few due soonest."""
    today = timezone.localdate()
    people = selectors.led_people(user=request.user, today=today)
    counts = selectors.led_people_counts(user=request.user, today=today)
    paginator = Paginator(people, PEOPLE_PAGE)
    paginator.count = counts["count"]  # known from the counts: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "coaching/people_routines.html",
        {"page": page, "people": [selectors.led_person(p) for p in page], **counts},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reflection_edit(request: AuthenticatedHttpRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request, conversation_id)
    if not policies.can_reflect(request.user, conversation):
        raise PermissionDenied
    form = ReflectionForm(request.POST or None, initial={"text": conversation.reflection})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reflection_save(
                    conversation_id=conversation.pk, by=request.user, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Reflection saved. Your coach will see it."))
                return redirect("coaching:conversation-detail", conversation_id=conversation.pk)
    return render(
        request,
        "coaching/reflection_form.html",
        {"form": form, "conversation": conversation, "project": conversation.project},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    if not policies.can_request(request.user, project):
        raise PermissionDenied
    panel = selectors.project_panel(project=project)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.coaching_request_create(
                    project_id=project.pk, by=request.user, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                who = panel.coach.full_name if panel.coach else _("City Performance")
                messages.success(
                    request,
                    _("Request sent. %(name)s will be in touch to set a time.") % {"name": who},
                )
                return redirect("projects:project-detail", pk=project.pk)
    return render(
        request,
        "coaching/request_form.html",
        {"form": form, "project": project, "panel": panel},
        status=status,
    )


@login_required
@require_POST
def request_resolve(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    coaching_request = get_object_or_404(policies.visible_requests(request.user), pk=request_id)
    if not policies.can_coach(request.user):
        raise PermissionDenied
    try:
        services.coaching_request_resolve(request_id=coaching_request.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Request closed."))
    return redirect(safe_next(request, reverse("coaching:overview")))


@dataclass(frozen=True)
class CohortPicker:
    """The cohorts the picker offers, newest first, and the nearest newer and older ones beyond
    them (None at either end), which its links open."""

    cohorts: list[CohortChoice]
    newer: CohortChoice | None
    older: CohortChoice | None


def _picker(choices: list[CohortChoice], around: Cohort | CohortChoice | None) -> CohortPicker:
    """At most 2 * PICKER_SPAN + 1 of `choices` (newest first), centred on `around`, or where
    it would be among them (a cancelled cohort is not one of them)."""
    centre = 0
    if around is not None:
        place = (around.day1, around.pk)
        centre = next((i for i, c in enumerate(choices) if (c.day1, c.pk) <= place), len(choices))
    width = 2 * PICKER_SPAN + 1
    start = max(0, min(centre - PICKER_SPAN, len(choices) - width))
    end = start + width
    return CohortPicker(
        cohorts=choices[start:end],
        newer=choices[start - 1] if start > 0 else None,
        older=choices[end] if end < len(choices) else None,
    )


def _chosen_cohort(
    request: AuthenticatedHttpRequest,
) -> tuple[Cohort | CohortChoice | None, CohortPicker]:
    """The cohort asked for (None for every project in progress), else the latest that has
    started, else the newest; and the picker, around it (around that latest one for every
    project). One of the choices is not read again: its id and name are all these pages need."""
    choices = cohort_choices()
    today = timezone.localdate()
    latest = next((c for c in choices if c.day1 <= today), choices[0] if choices else None)
    if request.GET.get("cohort") == "all":
        return None, _picker(choices, latest)
    wanted = id_param(request.GET, "cohort")
    if wanted is None:
        return latest, _picker(choices, latest)
    chosen: Cohort | CohortChoice | None = next((c for c in choices if c.pk == wanted), None)
    if chosen is None:  # not in the picker (cancelled) or no such cohort
        chosen = get_object_or_404(visible_cohorts(request.user), pk=wanted)
    return chosen, _picker(choices, chosen)


@analyst_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Per cohort: who hasn't been coached recently and whose next steps are overdue; above
    it, the open coaching requests, oldest first, a page at a time."""

    # Analysts come back to it between conversations; it is rendered again only after a write.
    return render(request, "coaching/overview.html", _overview_context(request))


def _overview_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    cohort, picker = _chosen_cohort(request)
    attention = request.GET.get("attention") == "1"
    # Every project in progress is a thousand rows on a large city: a page at a time.
    overview = selectors.overview_page(
        cohort=cohort,
        today=timezone.localdate(),
        attention_only=attention,
        number=request.GET.get("page"),
        per_page=OVERVIEW_PAGE,
    )
    requests = selectors.open_requests(user=request.user)
    requests_page = Paginator(requests, REQUESTS_PAGE).get_page(request.GET.get("requests"))
    # Counted on the plain requests; only the page's rows read the project, trainee and coach.
    requests_page.object_list = selectors.request_rows(
        cast(QuerySet[CoachingRequest], requests_page.object_list)
    )
    # The requests' page links keep the cohort and the filter.
    others = request.GET.copy()
    others.pop("requests", None)
    return {
        "cohort": cohort,
        "picker": picker,
        "rows": overview.page.object_list,
        "rows_page": overview.page,
        "attention": attention,
        "days": selectors.not_coached_days(),
        "not_coached": overview.not_coached,
        "overdue": overview.overdue,
        "requests_page": requests_page,
        "requests_query": others.urlencode(),
    }


@analyst_required
@require_http_methods(["GET", "POST"])
def assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Assign a coach to all or some projects of a cohort."""
    cohort, picker = _chosen_cohort(request)
    projects = list(selectors.assignable_projects(cohort=cohort))
    form = AssignForm(request.POST or None, coaches=selectors.analysts(), projects=projects)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                changed = services.coach_assign(
                    project_ids=form.cleaned_data["project_ids"],
                    coach_id=form.cleaned_data["coach"].pk,
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                coach = form.cleaned_data["coach"].full_name
                if changed:
                    messages.success(
                        request,
                        ngettext(
                            "%(name)s now coaches %(count)d project.",
                            "%(name)s now coaches %(count)d projects.",
                            changed,
                        )
                        % {"name": coach, "count": changed},
                    )
                else:
                    messages.info(
                        request, _("%(name)s already coached those projects.") % {"name": coach}
                    )
                query = f"?cohort={cohort.pk}" if cohort else "?cohort=all"
                return redirect(reverse("coaching:assign") + query)
    chosen = {int(p) for p in form["projects"].value() or [] if str(p).isdigit()}
    return render(
        request,
        "coaching/assign.html",
        {
            "form": form,
            "cohort": cohort,
            "picker": picker,
            "projects": projects,
            "chosen": chosen,
        },
        status=status,
    )


@login_required
def coach_history(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    return render(
        request,
        "coaching/coach_history.html",
        {"project": project, "assignments": list(selectors.coach_history(project=project))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def touchpoint_create(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """A leader records a gemba walk, huddle or problem-solving coaching, with any next steps,
    and sets how often they mean to hold one."""
    project = _project_or_404(request, project_id)
    policies.ensure_can_log_touchpoint(request.user, project)
    data = request.POST if request.method == "POST" else None
    form = TouchpointForm(data)
    formset = NextStepFormSet(
        data, prefix="steps", form_kwargs={"owner_choices": LEADER_STEP_OWNERS}
    )
    cadence = policies.leader_cadences(request.user).filter(project=project).first()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "routine"}
            try:
                conversation = services.touchpoint_log(
                    project_id=project.pk,
                    by=request.user,
                    routine=form.cleaned_data["routine"],
                    data=fields,
                    steps=_step_inputs(formset),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(routine)s recorded. %(name)s sees it on their timeline.")
                    % {
                        "routine": conversation.get_routine_display(),
                        "name": project.trainee.get_short_name(),
                    },
                )
                return redirect("home")
    return render(
        request,
        "coaching/touchpoint_form.html",
        {
            "form": form,
            "formset": formset,
            "project": project,
            "cadence": cadence,
            "cadence_form": CadenceForm(
                initial={"every_days": cadence.every_days if cadence else 14}
            ),
        },
        status=status,
    )


@login_required
@require_POST
def cadence_set(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    project = _project_or_404(request, project_id)
    policies.ensure_can_set_cadence(request.user, project)
    form = CadenceForm(request.POST)
    if form.is_valid():
        cadence = services.cadence_set(
            project_id=project.pk, by=request.user, every_days=form.cleaned_data["every_days"]
        )
        messages.success(
            request,
            _("Cadence saved: the next touchpoint is due %(day)s.")
            % {"day": date_format(cadence.due_on, "SHORT_DATE_FORMAT")},
        )
    else:
        messages.error(request, _("Choose between 1 and 90 days."))
    return redirect("coaching:touchpoint-create", project_id=project.pk)


LEADERS_PAGE = 25
LEADER_TOUCHPOINTS_PAGE = 10


@analyst_required
def leader_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people who lead through the routines, for analysts to coach them."""
    page = Paginator(selectors.leader_list(), LEADERS_PAGE).get_page(request.GET.get("page"))
    return render(request, "coaching/leader_list.html", {"page": page})


@analyst_required
@require_http_methods(["GET", "POST"])
def leader_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    """One leader's touchpoints across their people's projects, their cadences and adherence,
    and the analysts' private notes on them (with a form to add one)."""
    leader = get_object_or_404(User.objects.select_related("department"), pk=user_id)
    form = LeaderNoteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.leader_note_add(
                    leader_id=leader.pk, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Note saved. Only City Performance sees it."))
                return redirect(_leader_notes_url(leader.pk))
    return _leader_detail_page(request, leader, form, status=status)


def _leader_detail_page(
    request: AuthenticatedHttpRequest, leader: User, form: LeaderNoteForm, *, status: int
) -> HttpResponse:
    touchpoints = Paginator(selectors.leader_touchpoints(leader=leader), LEADER_TOUCHPOINTS_PAGE)
    today = timezone.localdate()
    notes = list(selectors.leader_notes(leader=leader))
    return render(
        request,
        "coaching/leader_detail.html",
        {
            "leader": leader,
            "page": touchpoints.get_page(request.GET.get("page")),
            "cadences": selectors.leader_cadence_rows(leader=leader, today=today),
            "today": today,
            "notes": notes,
            "changeable_notes": {
                n.pk for n in notes if policies.can_change_leader_note(request.user, n)
            },
            "form": form,
        },
        status=status,
    )


def _leader_notes_url(leader_id: int) -> str:
    # On a phone the notes come after the touchpoints, far down the page: land on them, where
    # this page shows its messages (templates/coaching/leader_detail.html).
    return reverse("coaching:leader-detail", args=[leader_id]) + "#notes"


def _leader_note_or_none(
    request: AuthenticatedHttpRequest, user_id: int, note_id: int
) -> LeaderCoachingNote | None:
    """The note, if it is on the leader the URL names (another leader's note answers 404); None
    if there is no such note now, as when another analyst deleted it."""
    note = (
        policies.visible_leader_notes(request.user)
        .select_related("leader", "author", "edited_by")
        .filter(pk=note_id)
        .first()
    )
    if note is not None and note.leader_id != user_id:
        raise Http404
    return note


def _leader_note_gone(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    if request.method == "POST" and "body" in request.POST:
        # An edit of a note deleted meanwhile: the text typed comes back in the leader's "add a
        # note" box, to save as a new note or leave, rather than being lost with the note.
        leader = get_object_or_404(User.objects.select_related("department"), pk=user_id)
        messages.warning(
            request,
            _(
                "That note was deleted meanwhile, so your edit was not saved. Your text is in "
                "the box below: save it as a new note if you still want it."
            ),
        )
        return _leader_detail_page(request, leader, LeaderNoteForm(request.POST), status=409)
    messages.warning(request, _("That note had already been deleted, so nothing was changed."))
    return redirect(_leader_notes_url(user_id))


@analyst_required
@require_http_methods(["GET", "POST"])
def leader_note_edit(request: AuthenticatedHttpRequest, user_id: int, note_id: int) -> HttpResponse:
    """GET shows the note's text to edit; POST saves it, unless the note was edited since the
    form was loaded: then the form comes back with the text typed, and the note's text now above
    it to merge from."""
    note = _leader_note_or_none(request, user_id, note_id)
    if note is None:
        return _leader_note_gone(request, user_id)
    policies.ensure_can_change_leader_note(request.user, note)
    form = LeaderNoteForm(request.POST or None, initial={"body": note.body})
    status, changed = 200, False
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.leader_note_edit(
                    note_id=note.pk,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    expected_edited_at=LeaderNoteVersionForm(request.POST).expected_edited_at(),
                )
            except services.StaleLeaderNoteError as error:
                # `note` was read just before the service's lock, so it is the edit the refusal
                # names; should yet another edit land in between, the next save is refused too.
                form.add_error(None, error)
                status, changed = 409, True
            except ValidationError as error:
                form.add_error(None, error)
            except LeaderCoachingNote.DoesNotExist:  # deleted since this request read it
                return _leader_note_gone(request, user_id)
            else:
                messages.success(request, _("Note saved. Only City Performance sees it."))
                return redirect(_leader_notes_url(user_id))
    return render(
        request,
        "coaching/leader_note_edit.html",
        {"note": note, "leader": note.leader, "form": form, "changed": changed},
        status=status,
    )


@analyst_required
@require_http_methods(["GET", "POST"])
def leader_note_delete(
    request: AuthenticatedHttpRequest, user_id: int, note_id: int
) -> HttpResponse:
    """GET asks to confirm (the page shows the note); POST deletes it, unless it was edited
    since that page was loaded: then the page comes back with its text now, to confirm again."""
    note = _leader_note_or_none(request, user_id, note_id)
    if note is None:
        return _leader_note_gone(request, user_id)
    policies.ensure_can_change_leader_note(request.user, note)
    version = LeaderNoteVersionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            services.leader_note_delete(
                note_id=note.pk, by=request.user, expected_edited_at=version.expected_edited_at()
            )
        except services.StaleLeaderNoteError as error:
            version.add_error(None, error)
            status = 409
        except LeaderCoachingNote.DoesNotExist:  # deleted since this request read it
            return _leader_note_gone(request, user_id)
        else:
            messages.success(request, _("Note deleted."))
            return redirect(_leader_notes_url(user_id))
    return render(
        request,
        "coaching/leader_note_delete.html",
        {"note": note, "leader": note.leader, "form": version},
        status=status,
    )
