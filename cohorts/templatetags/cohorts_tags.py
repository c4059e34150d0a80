"""Cohort badges, attendance marks, history labels and the placement chooser's data (the
templates write the HTML)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cohorts import selectors
from cohorts.forms import PlacementForm, ReorderForm
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders import kept_forms
from leanleaders.models import AuditEvent, User
from leanleaders.templatetags.leanleaders_tags import badge, choice_label
from leanleaders.templatetags.list_tags import options

register = template.Library()

STYLES = {
    "planned": "secondary",
    "open": "primary",
    "in_progress": "success",
    "completed": "dark",
    "cancelled": "danger",
    "enrolled": "success",
    "waitlisted": "warning",
    "offered": "info",
    "withdrawn": "secondary",
    "moved": "secondary",
    "offer_expired": "secondary",
}
MARK_STYLES = {
    "present": ("success", "check-lg"),
    "late": ("warning", "clock"),
    "absent": ("danger", "x-lg"),
    "excused": ("secondary", "dash-lg"),
}


@register.simple_tag
def cohort_badge(obj: Any) -> str:
    return badge(style=STYLES.get(obj.status, "secondary"), label=choice_label(obj, "status"))


@register.simple_tag
def attendance_badge(marks: dict[int, Attendance], day: int) -> str:
    """Day `day`'s mark from a roster row's marks, or "Not taken"."""
    mark = marks.get(day)
    if mark is None:
        return render_to_string("cohorts/_attendance_not_taken.html")
    style, icon = MARK_STYLES[mark.mark]
    return badge(style=style, icon=icon, label=choice_label(mark, "mark"))


STATUS_LABELS = dict(Enrollment.Status.choices)
ACTIONS = {
    "created": _("Cohort created"),
    "edited": _("Cohort edited"),
    "placed": _("Placed"),
    "carried": _("Carried over from an earlier cohort"),
    "moved-in": _("Moved in from another cohort"),
    "reordered": _("Waitlist reordered"),
    "attendance": _("Attendance taken"),
}


def _action_label(event: AuditEvent) -> str:
    data = event.data or {}
    if event.action == "status":
        label = str(STATUS_LABELS.get(event.to_status, event.to_status))
        if event.target_type.model == "cohort":
            status = dict(Cohort.Status.choices).get(event.to_status, label)
            return gettext("Cohort: %(status)s") % {"status": status}
        return label
    if event.action == "placed":
        status = STATUS_LABELS.get(event.to_status, event.to_status)
        return gettext("Placed (%(status)s)") % {"status": status}
    if event.action == "reordered":
        return gettext("Waitlist: from %(from)s to %(to)s") % {
            "from": data.get("from_position"),
            "to": data.get("to_position"),
        }
    if event.action == "attendance":
        return gettext("Attendance taken for Day %(day)s") % {"day": data.get("day")}
    if event.action == "edited":
        changed = ", ".join(str(_cohort_field_label(name)) for name in sorted(data))
        return gettext("Cohort edited: %(fields)s") % {"fields": changed}
    return str(ACTIONS.get(event.action, event.action))


def _cohort_field_label(name: str) -> str:
    try:
        field = Cohort._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@register.simple_tag
def history_label(event: AuditEvent) -> str:
    """What happened, with whose seat it was (`seat_name`, read by `cohort_history`)."""
    who = getattr(event, "seat_name", None) or ""
    label = _action_label(event)
    return gettext("%(name)s: %(event)s") % {"name": who, "event": label} if who else label


# The placement form offers the soonest few cohorts (those the trainee can attend first) and a
# link to all of them: a large city schedules dozens ahead, and each is a row to read.
PLACEMENT_SHOWN = 8


@register.simple_tag(takes_context=True)
def placement_options(context: template.Context, application: Application) -> dict[str, Any]:
    """What the analyst's placement form needs: cohorts (preferred first; the first
    PLACEMENT_SHOWN and the pre-selected one, or all with `?cohorts=all`), how many more there
    are, any current place, and the form that just failed here, with what was chosen and typed."""
    request = context["request"]
    form = kept_forms.take(request, name=f"placement-{application.pk}", form_class=PlacementForm)
    current = selectors.application_enrollment(application=application)
    if current is not None:
        # Someone with a place is moved from the cohort's page: no chooser, no cohorts to read.
        return {"cohorts": [], "more": 0, "current": current, "form": form}
    cohorts = selectors.placement_options(application=application)
    chosen = str(form["cohort"].value()) if form is not None else None
    if any(str(cohort.pk) == chosen for cohort in cohorts):
        for cohort in cohorts:
            cohort.preselected = str(cohort.pk) == chosen  # type: ignore[attr-defined]
    shown = cohorts
    if request.GET.get("cohorts") != "all":
        shown = [
            c
            for i, c in enumerate(cohorts)
            if i < PLACEMENT_SHOWN or c.preselected  # type: ignore[attr-defined]
        ]
    return {
        "cohorts": shown,
        "more": len(cohorts) - len(shown),
        "current": None,
        "form": form,
    }


@register.simple_tag(takes_context=True)
def kept_reorder_form(context: template.Context, enrollment: Enrollment) -> ReorderForm | None:
    """The waitlist "Reorder" form of this row if it just failed, with what was typed."""
    return kept_forms.take(
        context["request"],
        name=f"reorder-{enrollment.pk}",
        form_class=ReorderForm,
        enrollment_id=enrollment.pk,
    )


@register.filter
def has_enrollments(user: User) -> bool:
    """`user|has_enrollments`: whether the person has ever had a place in a cohort."""
    return selectors.has_enrollments(user=user)


@register.simple_tag
def holds_cohort_place(application: Application) -> bool:
    """Whether the application has a seat or a place on a cohort's waitlist."""
    return application.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES).exists()


@register.simple_tag
def cohort_options(cohorts: Iterable[selectors.CohortChoice], chosen: Any) -> str:
    """“Spring cohort (Feb 2026)” for each of `cohort_choices()`, `chosen` (an id, or a
    collection of ids) selected."""
    # Each month is formatted once: a city's hundreds of cohorts start in a few dozen months,
    # and formatting a date in the reader's language was most of the picker's time.
    months: dict[tuple[int, int], str] = {}
    labels = []
    for cohort in cohorts:
        key = (cohort.day1.year, cohort.day1.month)
        if key not in months:
            months[key] = date_format(cohort.day1, "YEAR_MONTH_FORMAT")
        labels.append((cohort.pk, f"{cohort.name} ({months[key]})"))
    return options(labels, chosen)
