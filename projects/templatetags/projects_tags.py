"""Numbers and verdicts as the project pages show them."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from django import template
from django.db import models
from django.utils.translation import gettext

from leanleaders.templatetags.leanleaders_tags import badge
from projects.models import FollowUp
from projects.results import Result, Verdict

register = template.Library()

VERDICT_STYLES = {
    Verdict.IMPROVED: ("success", "arrow-up-right-circle-fill"),
    Verdict.NO_CHANGE: ("secondary", "dash-circle-fill"),
    Verdict.WORSE: ("danger", "arrow-down-right-circle-fill"),
    Verdict.NOT_ENOUGH_DATA: ("light", "hourglass-split"),
}


@register.filter
def num(value: Any, places: int = 2) -> str:
    """A decimal without trailing zeros, rounded to `places`: 12.5000 -> 12.5, 3.14159 -> 3.14."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    rounded = value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    text = f"{rounded:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


@register.filter
def follow_up_state(follow_up: FollowUp, today: dt.date) -> str:
    """logged, missed, due or upcoming (`FollowUp.state`), for a template."""
    return follow_up.state(today)


@register.simple_tag
def verdict_badge(verdict: str, large: bool = False) -> str:
    verdict = Verdict(verdict)
    style, icon = VERDICT_STYLES[verdict]
    classes = ["text-dark border"] if style == "light" else []
    if large:
        classes.append("fs-6")
    classes.append(f"verdict verdict-{verdict.value}")
    return badge(style=style, icon=icon, label=verdict.label, classes=" ".join(classes))


def unit_for(amount: Decimal, unit: str) -> str:
    """A measure's unit as typed ("days") agreeing with an amount of one: "1 day", "1 minute".
    Units are free text in English, so only a plain plural "s" is dropped (not "ss")."""
    if amount == 1 and unit.endswith("s") and not unit.endswith("ss"):
        return unit[:-1]
    return unit


@register.simple_tag
def change_text(result: Result, unit: str = "") -> str:
    """“Down 5 days (25%) from the baseline”, or "" when there is nothing to compare."""
    if result.change is None:
        return ""
    suffix = f" {unit_for(abs(result.change), unit)}" if unit else ""
    if result.change == 0:
        return gettext("Same as the baseline")
    amount = f"{num(abs(result.change))}{suffix}"
    if result.change_percent is None:
        if result.change < 0:
            return gettext("Down %(amount)s from the baseline") % {"amount": amount}
        return gettext("Up %(amount)s from the baseline") % {"amount": amount}
    values = {"amount": amount, "percent": num(abs(result.change_percent), 1)}
    if result.change < 0:
        return gettext("Down %(amount)s (%(percent)s%%) from the baseline") % values
    return gettext("Up %(amount)s (%(percent)s%%) from the baseline") % values


@register.simple_tag
def gain_text(result: Result) -> str:
    """The change signed in the better direction: “25% better” or “10% worse”."""
    if result.gain is None:
        return ""
    if result.gain_percent is not None:
        amount = f"{num(abs(result.gain_percent), 1)}%"
    else:
        amount = num(abs(result.gain))
    if result.gain == 0:
        return gettext("no change")
    if result.gain > 0:
        return gettext("%(amount)s better") % {"amount": amount}
    return gettext("%(amount)s worse") % {"amount": amount}


@register.filter
def measure_field_label(name: str) -> str:
    from projects.models import Measure

    if name == "baseline_points":
        return gettext("Baseline data points")
    try:
        return str(cast(models.Field, Measure._meta.get_field(name)).verbose_name).capitalize()
    except Exception:
        return name.replace("_", " ").capitalize()
