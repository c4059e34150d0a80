from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leanleaders.http import AuthenticatedHttpRequest, choice_param, error_text, id_param
from leanleaders.models import User
from network import policies, selectors, services
from network.forms import HelpForm, PeerRequestForm, ProfileForm
from network.models import PeerRequest
from projects.models import LeanTool

PAGE_SIZE = 25


@login_required
def leader_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The Lean Leader directory: search by tool, department and words."""
    filters = selectors.DirectoryFilters(
        tool=choice_param(request.GET, "tool", LeanTool.values),
        department_id=id_param(request.GET, "department"),
        words=request.GET.get("q", "").strip()[:100],
        peer_coaches=request.GET.get("coaches") == "1",
    )
    page = Paginator(selectors.directory(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "network/leader_list.html",
        {
            "page": page,
            # A page of a queryset is a slice of it, still a queryset: the entries' subquery.
            "entries": selectors.directory_entries(people=cast(QuerySet[User], page.object_list)),
            "filters": filters,
            "tools": selectors.tool_choices(),
            "departments": selectors.department_choices(),
        },
    )


def _leader_or_404(leader_id: int) -> tuple[User, list[Any]]:
    try:
        return selectors.leader_get(user_id=leader_id)
    except User.DoesNotExist as error:
        raise Http404 from error


@login_required
def leader_detail(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader, projects = _leader_or_404(leader_id)
    project = selectors.active_project(request.user)
    return render(
        request,
        "network/leader_detail.html",
        {
            "leader": leader,
            "projects": projects,
            "profile": getattr(leader, "lean_leader_profile", None),
            "can_ask": policies.can_ask(request.user, peer=leader, project=project),
            "is_self": leader.pk == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A Lean Leader's own profile; anyone else reads how to become one."""
    if not selectors.is_lean_leader(request.user):
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "network/profile_form.html", {"form": None})
    profile = selectors.profile_of(request.user)
    initial = (
        {
            "story": profile.story,
            "hidden": profile.hidden,
            "offers_peer_coaching": profile.offers_peer_coaching,
        }
        if profile
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.profile_save(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your directory profile is saved."))
                return redirect("network:profile-edit")
    return render(
        request,
        "network/profile_form.html",
        {"form": form, "profile": profile},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def peer_request_create(request: AuthenticatedHttpRequest, leader_id: int) -> HttpResponse:
    leader, _projects = _leader_or_404(leader_id)
    project = selectors.active_project(request.user)
    if not policies.can_ask(request.user, peer=leader, project=project):
        raise PermissionDenied
    form = PeerRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                peer_request = services.peer_request_create(
                    by=request.user, peer_id=leader.pk, message=form.cleaned_data["message"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Request sent. %(name)s gets it by email and will answer here.")
                    % {"name": leader.full_name},
                )
                return redirect("network:peer-request-detail", pk=peer_request.pk)
    return render(
        request,
        "network/peer_request_form.html",
        {"form": form, "leader": leader, "project": project},
        status=status,
    )


@login_required
def peer_request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The conversations asked of the person and those they asked, each list paged on its own
    (`?received=` and `?sent=`)."""
    received, sent = selectors.peer_requests(user=request.user)
    return render(
        request,
        "network/peer_request_list.html",
        {
            "received": Paginator(received, PAGE_SIZE).get_page(request.GET.get("received")),
            "sent": Paginator(sent, PAGE_SIZE).get_page(request.GET.get("sent")),
        },
    )


def _request_or_404(request: AuthenticatedHttpRequest, pk: int) -> PeerRequest:
    return get_object_or_404(selectors.visible_peer_requests(request.user), pk=pk)


def _detail(
    request: AuthenticatedHttpRequest,
    peer_request: PeerRequest,
    help_form: HelpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    if help_form is None and policies.can_record_help(user, peer_request):
        help_form = HelpForm(
            initial={
                "help_date": peer_request.help_date or timezone.localdate(),
                "help_note": peer_request.help_note,
            }
        )
    return render(
        request,
        "network/peer_request_detail.html",
        {
            "peer_request": peer_request,
            "help_form": help_form,
            "form": help_form,
            "can_respond": policies.can_respond(user, peer_request),
            "can_withdraw": policies.can_withdraw(user, peer_request),
            "can_share": policies.can_share(user, peer_request),
            "is_trainee": peer_request.trainee_id == user.pk,
        },
        status=status,
    )


@login_required
def peer_request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request_or_404(request, pk))


def _act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    peer_request = _request_or_404(request, pk)
    try:
        if action == "respond":
            policies.ensure_can_respond(request.user, peer_request)
            accept = request.POST.get("answer") == "accept"
            if request.POST.get("answer") not in ("accept", "decline"):
                raise ValidationError(_("Choose to accept or decline."))
            services.peer_request_respond(
                request_id=peer_request.pk, by=request.user, accept=accept
            )
            done = _("Accepted. Suggest a time to meet.") if accept else _("Declined.")
        elif action == "withdraw":
            policies.ensure_can_withdraw(request.user, peer_request)
            # The form's confirmation (a stray or empty post withdraws nothing).
            if request.POST.get("confirm") != "1":
                raise ValidationError(_("Confirm that you want to withdraw the request."))
            services.peer_request_withdraw(request_id=peer_request.pk, by=request.user)
            done = _("Request withdrawn.")
        else:
            policies.ensure_can_share(request.user, peer_request)
            if request.POST.get("shared") not in ("0", "1"):
                raise ValidationError(_("Choose whether to show it on your timeline."))
            shared = request.POST.get("shared") == "1"
            services.peer_help_share(request_id=peer_request.pk, by=request.user, shared=shared)
            done = (
                _("Shared on your project's timeline.")
                if shared
                else _("Taken off your project's timeline.")
            )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("network:peer-request-detail", pk=peer_request.pk)


@login_required
@require_POST
def peer_request_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "respond")


@login_required
@require_POST
def peer_request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "withdraw")


@login_required
@require_POST
def peer_help_share(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "share")


@login_required
@require_POST
def peer_help_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    peer_request = _request_or_404(request, pk)
    if not policies.can_record_help(request.user, peer_request):
        raise PermissionDenied
    form = HelpForm(request.POST)
    if form.is_valid():
        try:
            services.peer_help_record(
                request_id=peer_request.pk,
                by=request.user,
                date=form.cleaned_data["help_date"],
                note=form.cleaned_data["help_note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded. Thank you."))
            return redirect("network:peer-request-detail", pk=peer_request.pk)
    return _detail(request, peer_request, help_form=form, status=400)
