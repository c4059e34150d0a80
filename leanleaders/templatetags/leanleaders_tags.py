"""Presentation helpers shared by every page. Each picks what to show and renders a template
that writes it; they are plain functions, so Python that assembles a page can call them too."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms, template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from leanleaders import org_import

register = template.Library()


def _as_local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def relative_days(value: dt.date | dt.datetime, *, overdue: bool = False) -> str:
    days = (_as_local_date(value) - timezone.localdate()).days
    if days == 0:
        return gettext("today")
    if days == 1:
        return gettext("tomorrow")
    if days > 0:
        return ngettext("in %(days)d day", "in %(days)d days", days) % {"days": days}
    if overdue:
        return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {
            "days": -days
        }
    if days == -1:
        return gettext("yesterday")
    return ngettext("%(days)d day ago", "%(days)d days ago", -days) % {"days": -days}


@register.simple_tag
def reldate(value: dt.date | dt.datetime | None, overdue: bool = False, exact: bool = True) -> str:
    """A relative date ("in 3 days", "5 minutes ago") followed by the exact date in the city's
    time zone, in brackets. Where the page already prints the exact date beside it, pass
    exact=False: the exact date is then only in the tooltip and for screen readers."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        recent = abs(timezone.now() - value) < dt.timedelta(hours=12)
        relative = naturaltime(value) if recent else relative_days(value, overdue=overdue)
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        exact_date = date_format(local, "SHORT_DATETIME_FORMAT")
    else:
        relative = relative_days(value, overdue=overdue)
        exact_date = date_format(value, "SHORT_DATE_FORMAT")
    # The exact date formatted here rather than with |date in the template: lists print many.
    context = {
        "datetime": value.isoformat(),
        "exact": exact_date,
        "relative": relative,
        "show_exact": exact,
    }
    return render_to_string("includes/reldate.html", context)


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


def badge(*, style: str, label: str, icon: str = "", classes: str = "") -> str:
    """A Bootstrap badge in colour `style`, with an optional Bootstrap Icons `icon`."""
    return render_to_string(
        "includes/badge.html", {"style": style, "label": label, "icon": icon, "classes": classes}
    )


@register.filter
def choice_label(obj: models.Model, field_name: str) -> str:
    """`{{ application|choice_label:"status" }}`: the label of the field's value, as
    `get_status_display()` gives it. Django's method builds a dict of every choice, each made
    hashable, on each call (40 µs for nine); a list calls it on every row. Here the field's
    choices are only walked until the value's: every model of the app has plain strings as
    values, so nothing needs making hashable."""
    value = getattr(obj, field_name)
    # A column of the model with choices, never a relation.
    field = cast("models.Field[Any, Any]", obj._meta.get_field(field_name))
    for choice, label in field.flatchoices:
        if choice == value:
            return str(label)
    return value


@register.simple_tag
def status_badge(obj: models.Model) -> str:
    status = getattr(obj, "status", "")
    return badge(style=STATUS_STYLES.get(status, "secondary"), label=choice_label(obj, "status"))


@register.filter
def has_required_fields(form: forms.BaseForm) -> bool:
    """Whether the "Fields marked * are required" note applies: not on a form of choices only."""
    return any(field.required for field in form.fields.values())


@register.filter
def refusal_reason(reason: org_import.Reason | str) -> str:
    """An org import's refused-row reason in the reader's language."""
    return org_import.reason_text(reason)
