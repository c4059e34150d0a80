from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from applications import policies as application_policies
from applications.policies import visible_applications
from cohorts import policies, schedule, selectors, services
from cohorts.forms import (
    MARKS,
    ApplicationWithdrawForm,
    CancelForm,
    CohortForm,
    MoveForm,
    PlacementForm,
    ReorderForm,
    WithdrawForm,
)
from cohorts.ics import cohort_ics, cohort_ics_filename
from cohorts.models import Cohort, Enrollment
from leanleaders import kept_forms
from leanleaders.decorators import analyst_required, trainee_required
from leanleaders.fields import DATE_RANGE_MESSAGE, parse_date
from leanleaders.http import AuthenticatedHttpRequest, error_text
from leanleaders.roles import is_analyst, is_manager, is_trainee


def _cohort_or_404(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    return get_object_or_404(policies.visible_cohorts(request.user), pk=pk)


def _enrollment_or_404(request: AuthenticatedHttpRequest, pk: int) -> Enrollment:
    return get_object_or_404(
        policies.visible_enrollments(request.user).select_related(
            "cohort", "trainee", "application"
        ),
        pk=pk,
    )


TABS = [
    (selectors.UPCOMING, gettext_lazy("Upcoming")),
    (selectors.CURRENT, gettext_lazy("Current")),
    (selectors.PAST, gettext_lazy("Past")),
]
CAPTIONS = {
    selectors.UPCOMING: gettext_lazy("Upcoming cohorts"),
    selectors.CURRENT: gettext_lazy("Current cohorts"),
    selectors.PAST: gettext_lazy("Past cohorts"),
}
# What an empty tab says: to an analyst, to a manager (who sees only their people's cohorts).
EMPTY_TABS = {
    selectors.UPCOMING: (
        gettext_lazy("No upcoming cohorts."),
        gettext_lazy("None of your people are in an upcoming cohort."),
    ),
    selectors.CURRENT: (
        gettext_lazy("No current cohorts."),
        gettext_lazy("None of your people are in a current cohort."),
    ),
    selectors.PAST: (
        gettext_lazy("No past cohorts."),
        gettext_lazy("None of your people are in a past cohort."),
    ),
}


@login_required
def cohort_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not (is_analyst(request.user) or is_manager(request.user)):
        if is_trainee(request.user):
            return redirect("cohorts:my-cohort")
        raise PermissionDenied
    when = request.GET.get("when", selectors.UPCOMING)
    if when not in dict(TABS):
        when = selectors.UPCOMING
    cohorts = selectors.cohort_list(user=request.user, when=when).prefetch_related("departments")
    page = Paginator(cohorts, 20).get_page(request.GET.get("page"))
    people = []
    if not is_analyst(request.user):
        people = list(selectors.manager_people_enrollments(user=request.user)[:50])
    can_manage = policies.can_manage_cohorts(request.user)
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "page": page,
            "when": when,
            "when_label": CAPTIONS[when],
            "empty_label": EMPTY_TABS[when][0 if can_manage else 1],
            "tabs": TABS,
            "can_manage": can_manage,
            "people": people,
        },
    )


@analyst_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_create(by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(cohort)s is scheduled. Open it for enrollment when you're ready.")
                % {"cohort": cohort.name},
            )
            return redirect("cohorts:cohort-detail", pk=cohort.pk)
    return render(request, "cohorts/cohort_form.html", {"form": form})


def _add_errors(form: CohortForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@analyst_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request, pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_update(cohort_id=pk, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved. Anyone affected by a change of date is told."))
            return redirect("cohorts:cohort-detail", pk=pk)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort})


@analyst_required
def schedule_propose(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Proposed Day 2 and Day 3 for a Day 1, or why Day 1 is not a working day."""
    day1 = parse_date(request.GET.get("day1", ""))
    if day1 is None:
        return JsonResponse(
            {"error": _("Day 1: %(problem)s") % {"problem": DATE_RANGE_MESSAGE}}, status=400
        )
    reason = schedule.non_working_reason(day1)
    if reason:
        return JsonResponse(
            {
                "error": _("%(day)s is %(reason)s, not a working day.")
                % {"day": date_format(day1), "reason": reason}
            }
        )
    day2, day3 = schedule.propose_schedule(day1)
    return JsonResponse(
        {
            "day2": day2.isoformat(),
            "day3": day3.isoformat(),
            "summary": _("Proposed: Day 2 %(day2)s, Day 3 %(day3)s.")
            % {"day2": date_format(day2), "day3": date_format(day3)},
        }
    )


@login_required
def cohort_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cohort = get_object_or_404(
        selectors.with_seat_counts(policies.visible_cohorts(user)).prefetch_related("departments"),
        pk=pk,
    )
    manage = policies.can_manage_cohorts(user)
    if is_trainee(user) and not is_manager(user):
        return redirect("cohorts:my-cohort")

    context = {
        "cohort": cohort,
        "roster": selectors.cohort_roster(user=user, cohort=cohort),
        "waitlist": selectors.cohort_waitlist(user=user, cohort=cohort),
        "history": list(selectors.cohort_history(cohort=cohort)[:50]) if manage else [],
        "can_manage": manage,
        "can_take_attendance": policies.can_take_attendance(user, cohort),
        "seats_left": max(cohort.capacity - cohort.seats_taken, 0),  # type: ignore[attr-defined]  # _with_counts
    }
    return render(request, "cohorts/cohort_detail.html", context)


COHORT_ACTIONS = {
    "open": (services.cohort_open, gettext_lazy("Open for enrollment.")),
    "close": (services.cohort_close_enrollment, gettext_lazy("Back to planned.")),
    "complete": (services.cohort_complete, gettext_lazy("Marked completed.")),
}


@analyst_required
@require_POST
def cohort_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "start":
            _cohort, carried, targets = services.cohort_start(cohort_id=cohort.pk, by=request.user)
            text = _("The cohort is in progress.")
            if carried:
                moved = ngettext(
                    "%(count)s person still waiting moved to the waitlist of %(to)s.",
                    "%(count)s people still waiting moved to the waitlist of %(to)s.",
                    carried,
                )
                to = ", ".join(target.name for target in targets)
                text += " " + moved % {"count": carried, "to": to}
            if cohort.enrollments.filter(status__in=Enrollment.QUEUE_STATUSES).exists():
                text += " " + _(
                    "People are still waiting, and no later cohort open to their department is "
                    "planned: create one, then move them."
                )
            messages.success(request, text)
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the cohort is cancelled; everyone is told."))
                return redirect("cohorts:cohort-detail", pk=pk)
            services.cohort_cancel(
                cohort_id=cohort.pk, by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Cancelled. Everyone placed in it is told."))
        elif action in COHORT_ACTIONS:
            service, done = COHORT_ACTIONS[action]
            service(cohort_id=cohort.pk, by=request.user)
            messages.success(request, done)
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("cohorts:cohort-detail", pk=pk)


@login_required
def cohort_calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(policies.calendar_cohorts(request.user), pk=pk)
    # A trainee's download carries the UIDs of the invitation they were emailed, so importing
    # it updates those events instead of adding a second set.
    own = cohort.enrollments.filter(trainee=request.user, status=Enrollment.Status.ENROLLED).first()
    response = HttpResponse(
        cohort_ics(cohort, enrollment=own), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{cohort_ics_filename(cohort)}"'
    return response


@analyst_required
@require_http_methods(["GET", "POST"])
def cohort_attendance(request: AuthenticatedHttpRequest, pk: int, day: int) -> HttpResponse:
    cohort = _cohort_or_404(request, pk)
    if day not in (1, 2, 3):
        raise PermissionDenied
    roster = selectors.cohort_roster(user=request.user, cohort=cohort)
    if request.method == "POST":
        marks = {}
        for row in roster:
            mark = request.POST.get(f"mark-{row.enrollment.pk}", "")
            if mark:
                marks[row.enrollment.pk] = (mark, request.POST.get(f"note-{row.enrollment.pk}", ""))
        try:
            saved = services.attendance_record(
                cohort_id=cohort.pk, day=day, marks=marks, by=request.user
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            missing = len(roster) - len(saved)
            text = ngettext(
                "Day %(day)s attendance saved for %(count)s person.",
                "Day %(day)s attendance saved for %(count)s people.",
                len(saved),
            ) % {"day": day, "count": len(saved)}
            if missing:
                text += " " + ngettext(
                    "%(count)s still unmarked.", "%(count)s still unmarked.", missing
                ) % {"count": missing}
            messages.success(request, text)
            return redirect("cohorts:cohort-detail", pk=pk)
    return render(
        request,
        "cohorts/attendance_form.html",
        {
            "cohort": cohort,
            "day": day,
            "session": cohort.sessions[day - 1],
            "roster": roster,
            "marks": MARKS,
            "can_take_attendance": policies.can_take_attendance(request.user, cohort),
        },
    )


@analyst_required
@require_POST
def enrollment_place(request: AuthenticatedHttpRequest, application_pk: int) -> HttpResponse:
    application = get_object_or_404(visible_applications(request.user), pk=application_pk)
    form = PlacementForm(request.POST)
    kept_as = f"placement-{application.pk}"
    if not form.is_valid():
        kept_forms.keep(request, name=kept_as, form=form)
        return redirect("applications:application-detail", pk=application.pk)
    try:
        enrollment = services.enrollment_place(
            application_id=application.pk,
            cohort_id=form.cleaned_data["cohort"],
            by=request.user,
            comment=form.cleaned_data["comment"],
        )
    except Cohort.DoesNotExist:
        kept_forms.keep(request, name=kept_as, form=form, errors=[str(PlacementForm.GONE)])
    except ValidationError as error:
        kept_forms.keep(request, name=kept_as, form=form, errors=error.messages)
    else:
        if enrollment.status == Enrollment.Status.ENROLLED:
            messages.success(
                request,
                _("Accepted into %(cohort)s. %(name)s is told, with a calendar file.")
                % {"cohort": enrollment.cohort.name, "name": enrollment.trainee.full_name},
            )
        else:
            position = selectors.position_of(enrollment)
            messages.warning(
                request,
                _(
                    "%(cohort)s is full, so %(name)s is on its waitlist at position "
                    "%(position)s. They are told."
                )
                % {
                    "cohort": enrollment.cohort.name,
                    "name": enrollment.trainee.full_name,
                    "position": position,
                },
            )
    return redirect("applications:application-detail", pk=application.pk)


@trainee_required
def my_cohort(request: AuthenticatedHttpRequest) -> HttpResponse:
    enrollment = selectors.current_enrollment(user=request.user)
    context: dict[str, Any] = {"enrollment": enrollment}
    if enrollment is not None:
        context.update(
            cohort=enrollment.cohort,
            position=selectors.position_of(enrollment),
            can_withdraw=policies.can_withdraw(request.user, enrollment),
            can_respond=policies.can_respond_to_offer(request.user, enrollment),
            marks={a.day: a for a in enrollment.attendance.all()}
            if enrollment.status == Enrollment.Status.ENROLLED
            else {},
        )
    return render(request, "cohorts/my_cohort.html", context)


@trainee_required
@require_http_methods(["GET", "POST"])
def enrollment_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    # A manager who is a trainee too sees their people's places, and may leave only their own.
    policies.ensure_owns(request.user, enrollment)
    if not policies.can_withdraw(request.user, enrollment):
        messages.info(request, _("You have already left this cohort."))
        return redirect("cohorts:my-cohort")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_withdraw(
                enrollment_id=enrollment.pk,
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _(
                    "You have left the cohort and your application is withdrawn. "
                    "You can apply again whenever you're ready."
                ),
            )
        return redirect("cohorts:my-cohort")
    return render(
        request,
        "cohorts/enrollment_withdraw.html",
        {"enrollment": enrollment, "cohort": enrollment.cohort, "form": form},
    )


@trainee_required
@require_POST
def enrollment_offer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    policies.ensure_owns(request.user, enrollment)
    if request.POST.get("answer") != "accept":
        return redirect("cohorts:enrollment-withdraw", pk=pk)
    try:
        services.enrollment_offer_accept(enrollment_id=enrollment.pk, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your seat is confirmed. See you on Day 1!"))
    return redirect("cohorts:my-cohort")


@analyst_required
@require_http_methods(["GET", "POST"])
def enrollment_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move someone to another cohort: a page of its own, so the roster stays light and what
    was typed survives a choice that is no longer valid."""
    enrollment = _enrollment_or_404(request, pk)
    back = redirect("cohorts:cohort-detail", pk=enrollment.cohort_id)
    if not policies.can_move(request.user, enrollment):
        messages.info(
            request,
            _("%(name)s no longer has a place to move.") % {"name": enrollment.trainee.full_name},
        )
        return back
    cohorts = [
        c
        for c in selectors.placeable_cohorts(department_id=enrollment.application.department_id)
        if c.pk != enrollment.cohort_id
    ]
    form = MoveForm(request.POST or None, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.enrollment_move(
                enrollment_id=enrollment.pk,
                cohort_id=form.cleaned_data["cohort"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except Cohort.DoesNotExist:
            form.add_error("cohort", _("That cohort no longer exists."))
        except ValidationError as error:
            form.add_error("cohort", error_text(error))
        else:
            moved = (
                _("%(name)s moved to %(cohort)s with a seat. They are told.")
                if new.status == Enrollment.Status.ENROLLED
                else _("%(name)s moved to %(cohort)s, on its waitlist. They are told.")
            )
            messages.success(
                request, moved % {"name": new.trainee.full_name, "cohort": new.cohort.name}
            )
            return back
    return render(
        request,
        "cohorts/enrollment_move.html",
        {"enrollment": enrollment, "cohort": enrollment.cohort, "form": form, "cohorts": cohorts},
    )


@analyst_required
@require_POST
def enrollment_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment_or_404(request, pk)
    form = ReorderForm(request.POST, enrollment_id=enrollment.pk)
    kept_as = f"reorder-{enrollment.pk}"
    if not form.is_valid():
        kept_forms.keep(request, name=kept_as, form=form)
        return redirect("cohorts:cohort-detail", pk=enrollment.cohort_id)
    try:
        services.enrollment_reorder(
            enrollment_id=enrollment.pk,
            position=form.cleaned_data["position"],
            by=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        kept_forms.keep(request, name=kept_as, form=form, errors=error.messages)
    else:
        messages.success(request, _("Waitlist reordered. The reason is in the history."))
    return redirect("cohorts:cohort-detail", pk=enrollment.cohort_id)


@trainee_required
@require_POST
def application_withdraw_unplaced(
    request: AuthenticatedHttpRequest, application_pk: int
) -> HttpResponse:
    application = get_object_or_404(visible_applications(request.user), pk=application_pk)
    application_policies.ensure_owns(request.user, application)
    form = ApplicationWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That request was incomplete. Please try again."))
    else:
        try:
            services.application_withdraw_unplaced(
                application_id=application.pk, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Your application is withdrawn. You can start a new one whenever you're ready."),
            )
    return redirect("applications:application-detail", pk=application.pk)
