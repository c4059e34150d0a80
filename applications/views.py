from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import policies, selectors, services
from applications.forms import (
    AnalystDecisionForm,
    ApplicationForm,
    ManagerDecisionForm,
    OfflineSignoffForm,
    VersionForm,
    WithdrawForm,
)
from applications.models import Application
from leanleaders.decorators import analyst_required
from leanleaders.http import AuthenticatedHttpRequest, choice_param, error_text, id_param
from leanleaders.models import User
from leanleaders.roles import is_analyst
from leanleaders.selectors import department_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _visible_or_404(request: AuthenticatedHttpRequest, pk: int) -> Application:
    return get_object_or_404(policies.visible_applications(request.user), pk=pk)


@login_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Everyone comes back to it from each application they open: rendered again after a write.
    return render(request, "applications/application_list.html", _application_list_context(request))


def _application_list_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    status = choice_param(request.GET, "status", Application.Status.values)
    department_id = id_param(request.GET, "department")
    applications = selectors.application_list(
        user=request.user, status=status, department_id=department_id
    )
    return {
        "page": Paginator(applications, 25).get_page(request.GET.get("page")),
        "status": status,
        "department_id": department_id,
        "statuses": Application.Status.choices,
        "departments": department_choices() if is_analyst(request.user) else [],
        "can_apply": policies.can_apply(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policies.ensure_can_apply(request.user)
    submitting = "submit" in request.POST
    form = ApplicationForm(request.POST or None, trainee=request.user, for_submission=submitting)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create_draft(by=request.user, data=form.cleaned_data)
            if submitting:
                services.application_submit(application_id=application.pk, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved_message(request, submitting)
            return redirect("applications:application-detail", pk=application.pk)
    return render(request, "applications/application_form.html", {"form": form})


SUBMITTED_MESSAGE = _("Your application is with your manager for sign-off. We'll email you.")


def _saved_message(request: AuthenticatedHttpRequest, submitted: bool) -> None:
    if submitted:
        messages.success(request, SUBMITTED_MESSAGE)
    else:
        messages.success(request, _("Draft saved. Come back any time to finish and submit it."))


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _visible_or_404(request, pk)
    if not policies.can_edit(request.user, application):
        if application.trainee_id == request.user.pk:
            messages.info(request, _("This application can't be edited in its current state."))
            return redirect("applications:application-detail", pk=pk)
        raise PermissionDenied
    submitting = "submit" in request.POST
    saved_since: list[tuple[StrOrPromise, str]] = []
    status = 200
    form = ApplicationForm(
        request.POST or None,
        instance=application,
        trainee=request.user,
        for_submission=submitting,
    )
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.pop("expected_version")
        try:
            services.application_update(
                application_id=pk,
                by=request.user,
                data=form.cleaned_data,
                expected_version=version,
            )
            if submitting:
                services.application_submit(application_id=pk, by=request.user)
        except services.StaleApplicationError as error:
            form.add_error(None, error)
            application.refresh_from_db()
            saved_since = form.refused_as_stale(application)
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _saved_message(request, submitting)
            return redirect("applications:application-detail", pk=pk)
    return render(
        request,
        "applications/application_form.html",
        {"form": form, "application": application, "saved_since": saved_since},
        status=status,
    )


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        policies.visible_applications(request.user).select_related(
            "trainee", "department", "manager"
        ),
        pk=pk,
    )
    # Managers, trainees and analysts come back to it between decisions: rendered again only
    # after a write.
    return render(
        request, "applications/application_detail.html", _detail_context(request.user, application)
    )


def _detail_context(user: User, application: Application) -> dict[str, Any]:
    return {
        "application": application,
        "timeline": selectors.application_timeline(application=application),
        "can_edit": policies.can_edit(user, application),
        "can_withdraw": policies.can_withdraw(user, application),
        "can_sign_off": policies.can_sign_off(user, application),
        "can_record_offline_signoff": policies.can_record_offline_signoff(user, application),
        "can_review": policies.can_review(user, application),
        "missing": services.missing_for_submission(application),
        "manager_form": ManagerDecisionForm(initial={"expected_version": application.version}),
        "analyst_form": AnalystDecisionForm(initial={"expected_version": application.version}),
        "offline_form": OfflineSignoffForm(),
    }


def _decide(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type,
    action: Callable[[Application, dict[str, Any]], Any],
    success: StrOrPromise,
    allowed: Callable[[Any, Application], bool],
) -> HttpResponse:
    application = _visible_or_404(request, pk)
    if not allowed(request.user, application):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("That request was incomplete. Please try again."))
        return redirect("applications:application-detail", pk=pk)
    try:
        action(application, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect("applications:application-detail", pk=pk)


@login_required
@require_POST
def application_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        VersionForm,
        lambda app, data: services.application_submit(
            application_id=app.pk, by=request.user, expected_version=data["expected_version"]
        ),
        SUBMITTED_MESSAGE,
        policies.owns,
    )


MANAGER_MESSAGES = {
    "approve": _("Approved. City Performance will review it next, and the trainee is told."),
    "request_changes": _("Sent back to the trainee with your comment."),
    "decline": _("Declined. The trainee is told, with your comment."),
}


@login_required
@require_POST
def application_manager_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    return _decide(
        request,
        pk,
        ManagerDecisionForm,
        lambda app, data: services.application_manager_decide(
            application_id=app.pk,
            by=request.user,
            decision=data["decision"],
            comment=data["comment"],
            expected_version=data["expected_version"],
        ),
        MANAGER_MESSAGES.get(decision, _("Saved.")),
        policies.acts_as_manager_for,
    )


# Accepting places the trainee in a cohort: that is the cohorts stage's placement form.
ANALYST_ACTIONS: dict[str, tuple[Callable[..., Application], StrOrPromise]] = {
    "waitlist": (services.application_waitlist, _("Waitlisted. The trainee is told.")),
    "request_changes": (
        services.application_analyst_request_changes,
        _("Sent back to the trainee with your comment."),
    ),
    "decline": (services.application_decline, _("Declined. The trainee is told.")),
}


@analyst_required
@require_POST
def application_analyst_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action, success = ANALYST_ACTIONS.get(
        request.POST.get("decision", ""), ANALYST_ACTIONS["waitlist"]
    )
    return _decide(
        request,
        pk,
        AnalystDecisionForm,
        lambda app, data: action(
            application_id=app.pk,
            by=request.user,
            comment=data["comment"],
            expected_version=data["expected_version"],
        ),
        success,
        lambda user, app: is_analyst(user),
    )


@analyst_required
@require_POST
def application_offline_signoff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _visible_or_404(request, pk)
    form = OfflineSignoffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the sign-off was received."))
        return redirect("applications:application-detail", pk=pk)
    try:
        services.application_record_offline_signoff(
            application_id=application.pk, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Sign-off recorded. The application is ready for review."))
    return redirect("applications:application-detail", pk=pk)


@login_required
@require_POST
def application_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decide(
        request,
        pk,
        WithdrawForm,
        lambda app, data: services.application_withdraw(
            application_id=app.pk,
            by=request.user,
            comment=data["comment"],
            expected_version=data["expected_version"],
        ),
        _("Your application is withdrawn. You can start a new one whenever you're ready."),
        policies.owns,
    )


@analyst_required
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Analysts page and filter through it between decisions: rendered again only after a write.
    return render(request, "applications/review_queue.html", _review_queue_context(request))


def _review_queue_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    department_id = id_param(request.GET, "department")
    oldest_first = request.GET.get("order", "oldest") != "newest"
    queue = selectors.review_queue(
        user=request.user, department_id=department_id, oldest_first=oldest_first
    )
    return {
        "page": Paginator(queue, 25).get_page(request.GET.get("page")),
        "departments": department_choices(),
        "department_id": department_id,
        "oldest_first": oldest_first,
    }
