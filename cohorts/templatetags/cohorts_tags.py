"""Cohort badges, attendance marks, history labels and the placement chooser's data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from applications.models import Application
from cohorts import selectors
from cohorts.models import Attendance, Enrollment
from leanleaders.models import AuditEvent
from leanleaders.templatetags.list_tags import month_year, option_tags

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
    status = getattr(obj, "status", "")
    style = STYLES.get(status, "secondary")
    text = "text-dark" if style in {"warning", "info"} else ""
    return format_html(
        '<span class="badge text-bg-{} {}">{}</span>', style, text, obj.get_status_display()
    )


@register.simple_tag
def attendance_badge(marks: dict[int, Attendance], day: int) -> str:
    mark = marks.get(day)
    if mark is None:
        return format_html('<span class="text-body-secondary small">{}</span>', "Not taken")
    style, icon = MARK_STYLES[mark.mark]
    text = "text-dark" if style == "warning" else ""
    return format_html(
        '<span class="badge text-bg-{} {}"><i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        style,
        text,
        icon,
        mark.get_mark_display(),
    )


STATUS_LABELS = dict(Enrollment.Status.choices)
ACTIONS = {
    "created": "Cohort created",
    "edited": "Cohort edited",
    "placed": "Placed",
    "carried": "Carried over from an earlier cohort",
    "moved-in": "Moved in from another cohort",
    "reordered": "Waitlist reordered",
    "attendance": "Attendance taken",
}


@register.simple_tag
def history_label(event: AuditEvent, names: dict[int, str]) -> str:
    who = names.get(event.target_id, "") if event.target_type.model == "enrollment" else ""
    if event.action == "status":
        label = STATUS_LABELS.get(event.to_status) or event.to_status.replace("_", " ").capitalize()
        if event.target_type.model == "cohort":
            label = f"Cohort: {dict(_cohort_statuses()).get(event.to_status, label)}"
    else:
        label = ACTIONS.get(event.action, event.action.capitalize())
        if event.action == "placed":
            label = f"Placed ({STATUS_LABELS.get(event.to_status, event.to_status).lower()})"
        elif event.action == "reordered":
            data = event.data or {}
            label = f"Waitlist: from {data.get('from_position')} to {data.get('to_position')}"
        elif event.action == "attendance":
            label = f"Attendance taken for Day {(event.data or {}).get('day')}"
        elif event.action == "edited":
            label = "Cohort edited: " + ", ".join(sorted((event.data or {}).keys()))
    return f"{who}: {label}" if who else label


def _cohort_statuses() -> list[tuple[str, str]]:
    from cohorts.models import Cohort

    return Cohort.Status.choices


@register.simple_tag
def placement_options(application: Application) -> dict[str, Any]:
    """What the analyst's placement form needs: cohorts (preferred first) and any current place."""
    return {
        "cohorts": selectors.placement_options(application=application),
        "current": selectors.application_enrollment(application=application),
    }


@register.simple_tag
def placement_choices(cohorts: Iterable[Any]) -> SafeString:
    """A radio button per cohort of `placement_options`, the first chosen, each described by its
    Day 1, status and seats. Written in one go: an analyst may choose among dozens."""
    return mark_safe(  # noqa: S308 (names and statuses are escaped)
        "".join(_placement_choice(cohort, first=index == 0) for index, cohort in enumerate(cohorts))
    )


def _placement_choice(cohort: Any, *, first: bool) -> str:
    # Ids, dates and counts need no escaping; the name and status do.
    pk = cohort.pk
    if cohort.seats_left:
        seats = f"{cohort.seats_left} of {cohort.capacity} seats left"
    else:
        seats = (
            '<strong class="text-danger-emphasis">Full: the trainee will be waitlisted '
            f"(position {cohort.waiting + 1})</strong>"
        )
    preferred = (
        ' <span class="badge text-bg-primary">Trainee can attend</span>' if cohort.preferred else ""
    )
    return (
        '<div class="form-check mb-2">'
        f'<input class="form-check-input" type="radio" name="cohort" id="place-{pk}" '
        f'value="{pk}" required{" checked" if first else ""} aria-describedby="place-{pk}-help">'
        f'<label class="form-check-label" for="place-{pk}"><strong>{escape(cohort.name)}</strong>'
        f"{preferred}</label>"
        f'<div class="small text-body-secondary" id="place-{pk}-help">'
        f"Day 1 {date_format(cohort.day1, 'D j M')} · {escape(cohort.get_status_display())} · "
        f"{seats}{f' · {cohort.waiting} waiting' if cohort.waiting else ''}</div></div>"
    )


@register.simple_tag
def holds_cohort_place(application: Application) -> bool:
    """Whether the application has a seat or a place on a cohort's waitlist."""
    return application.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES).exists()


@register.simple_tag
def cohort_options(cohorts: Iterable[selectors.CohortChoice], chosen: Any) -> SafeString:
    """“Spring cohort (Feb 2026)” for each of `cohort_choices()`, `chosen` (an id, or a
    collection of ids) selected."""
    return option_tags(((c.pk, f"{c.name} ({month_year(c.day1)})") for c in cohorts), chosen)
