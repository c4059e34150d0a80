from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import i18n
from django.views.decorators.http import require_http_methods, require_POST

from leanleaders import dashboard, mail, org_import, selectors, services
from leanleaders.decorators import analyst_required
from leanleaders.forms import (
    OrgImportApplyForm,
    OrgImportForm,
    ProfileForm,
    StaffCreateForm,
    TraineeSignupForm,
)
from leanleaders.http import AuthenticatedHttpRequest, choice_param, error_text
from leanleaders.languages import language_offered
from leanleaders.models import OutboxEmail, User
from leanleaders.notifications import optional_reminders_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, except that a new password also lifts the sign-in lock on the address, so a
    locked-out owner is never stuck waiting."""

    post_reset_login = False

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        services.user_clear_sign_in_lock(user=form.user)
        return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher: Django's set_language (the cookie, then back to `next`), and for
    a signed-in person their profile too, so the choice follows them to other devices and to
    the emails they get."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if isinstance(request.user, User) and language_offered(language):
        services.user_set_language(user=request.user, by=request.user, language=language)
    return response


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return dashboard.render_home(request)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = TraineeSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.trainee_signup(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                department=data["department"],
                job_title=data["job_title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session["signup_email"] = data["email"]
            return redirect("signup-done")
    return render(request, "registration/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "registration/signup_done.html", {"email": request.session.get("signup_email")}
    )


def activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = selectors.user_from_link(uidb64=uidb64)
    if user is not None and services.user_activate(user=user, token=token):
        login(request, user, backend="leanleaders.backends.UserBackend")
        messages.success(request, _("Your email is confirmed. Welcome to Lean Leaders!"))
        return redirect("home")
    if user is not None and user.is_active:
        messages.info(request, _("Your account is already active. Sign in below."))
        return redirect("login")
    return render(request, "registration/activation_invalid.html", status=400)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "job_title": user.job_title}
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, by=user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "leanleaders/profile.html", {"form": form})


class NotificationPreferencesForm(forms.Form):
    send = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Send me these optional reminders"),
        help_text=_("Session reminders and sign-off requests are always sent."),
    )

    def __init__(self, *args: Any, offered: Mapping[str, StrOrPromise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["send"]).choices = list(offered.items())


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    offered = optional_reminders_for(user)
    wanted = [key for key in offered if key not in user.muted_reminders]
    form = NotificationPreferencesForm(
        request.POST or None, initial={"send": wanted}, offered=offered
    )
    if request.method == "POST" and form.is_valid():
        # Choices not offered to this person keep their setting (a role can change later).
        kept = [key for key in user.muted_reminders if key not in offered]
        muted = kept + [key for key in offered if key not in form.cleaned_data["send"]]
        services.user_set_muted_reminders(user=user, by=user, muted=muted)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notification-preferences")
    return render(request, "leanleaders/notification_preferences.html", {"form": form})


@analyst_required
@require_http_methods(["GET", "POST"])
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_create_staff(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            added = (
                _("%(name)s was added and sent a welcome email with a link to choose a password.")
                if settings.LEANLEADERS_PASSWORD_SIGN_IN
                else _("%(name)s was added and sent a welcome email.")
            )
            messages.success(request, added % {"name": person.full_name})
            return redirect("people")
    people_page = Paginator(
        User.objects.select_related("department").order_by("role", "full_name"), 50
    ).get_page(request.GET.get("page"))
    return render(request, "leanleaders/people.html", {"form": form, "page": people_page})


@analyst_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = choice_param(request.GET, "status", OutboxEmail.Status.values)
    page = Paginator(selectors.outbox_list(status=status), 50).get_page(request.GET.get("page"))
    return render(request, "leanleaders/outbox.html", {"page": page, "status": status})


@analyst_required
@require_POST
def outbox_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    outbox_email = get_object_or_404(selectors.outbox_list(), pk=pk)
    try:
        mail.outbox_resend(outbox_id=outbox_email.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(subject)s” is queued to send again.") % {"subject": outbox_email.subject},
        )
    return redirect(f"{reverse('outbox')}?status=failed")


@analyst_required
@require_http_methods(["GET", "POST"])
def org_import_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrgImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = services.org_import_create(
            by=request.user,
            filename=form.filename,
            content=form.cleaned_data["file"],
            deactivate_missing=form.cleaned_data["deactivate_missing"],
        )
        return redirect("org-import-detail", pk=record.pk)
    page = Paginator(selectors.org_import_list(), 20).get_page(request.GET.get("page"))
    return render(request, "leanleaders/org_import_create.html", {"form": form, "page": page})


# The lists a preview shows, one at a time, in this order.
ORG_IMPORT_LISTS = ("rejected", "added", "changed", "departments", "missing")


@analyst_required
def org_import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(selectors.org_imports_with_plan(), pk=pk)
    plan = record.plan
    lists = {
        "rejected": plan.get("rejected", []),
        "added": plan.get("added", []),
        "changed": plan.get("changed", []),
        "departments": [
            *({"kind": "added", **entry} for entry in plan.get("departments_added", [])),
            *({"kind": "renamed", **entry} for entry in plan.get("departments_renamed", [])),
        ],
        "missing": plan.get("missing", []),
    }
    shown = choice_param(request.GET, "show", ORG_IMPORT_LISTS) or next(
        (name for name in ORG_IMPORT_LISTS if lists[name]), "added"
    )
    return render(
        request,
        "leanleaders/org_import_detail.html",
        {
            "record": record,
            "plan": plan,
            "counts": org_import.summary_counts(plan),
            "shown": shown,
            "tabs": [(name, len(lists[name])) for name in ORG_IMPORT_LISTS],
            "page": Paginator(lists[shown], 50).get_page(request.GET.get("page")),
            "apply_form": OrgImportApplyForm(),
        },
    )


@analyst_required
@require_POST
def org_import_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(selectors.org_import_list(), pk=pk)
    form = OrgImportApplyForm(request.POST)
    form.is_valid()
    try:
        services.org_import_apply(
            import_id=record.pk,
            by=request.user,
            skip_rejected=form.cleaned_data.get("skip_rejected", False),
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The file is applied."))
    return redirect("org-import-detail", pk=record.pk)
