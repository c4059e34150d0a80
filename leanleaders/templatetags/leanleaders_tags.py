"""Presentation helpers shared by every page."""

from __future__ import annotations

import datetime as dt

from django import forms, template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


def _as_local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def relative_days(value: dt.date | dt.datetime, *, overdue: bool = False) -> str:
    days = (_as_local_date(value) - timezone.localdate()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "overdue by 1 day" if overdue else "yesterday"
    if days > 0:
        return f"in {days} days"
    return f"overdue by {-days} days" if overdue else f"{-days} days ago"


@register.simple_tag
def reldate(value: dt.date | dt.datetime | None, overdue: bool = False, exact: bool = True) -> str:
    """A relative date ("in 3 days", "5 minutes ago") followed by the exact date in the city's
    time zone, in brackets. Where the page already prints the exact date beside it, pass
    exact=False: the exact date is then only in the tooltip and for screen readers."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        exact_text = date_format(timezone.localtime(value), "DATETIME_FORMAT")
        recent = abs(timezone.now() - value) < dt.timedelta(hours=12)
        relative = naturaltime(value) if recent else relative_days(value, overdue=overdue)
    else:
        exact_text = date_format(value, "DATE_FORMAT")
        relative = relative_days(value, overdue=overdue)
    return format_html(
        '<time datetime="{}" title="{}">{}<span class="{}"> ({})</span></time>',
        value.isoformat(),
        exact_text,
        relative,
        "reldate-exact" if exact else "visually-hidden",
        exact_text,
    )


STATUS_STYLES = {
    "draft": "secondary",
    "submitted": "info",
    "changes_requested": "warning",
    "manager_approved": "primary",
    "accepted": "success",
    "waitlisted": "warning",
    "declined": "danger",
    "manager_declined": "danger",
    "withdrawn": "secondary",
}


@register.simple_tag
def status_badge(obj: object) -> str:
    status = getattr(obj, "status", "")
    label = getattr(obj, "get_status_display", lambda: status)()
    style = STATUS_STYLES.get(status, "secondary")
    text = "text-dark" if style in {"warning", "info"} else ""
    return format_html('<span class="badge text-bg-{} {}">{}</span>', style, text, label)


@register.filter
def has_required_fields(form: forms.BaseForm) -> bool:
    """Whether the "Fields marked * are required" note applies: not on a form of choices only."""
    return any(field.required for field in form.fields.values())
