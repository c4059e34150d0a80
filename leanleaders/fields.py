"""Form fields and parsers every app's forms share, so one rule holds for one kind of input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# The program's dates all fall well inside this range. Outside it a date is a typing slip, and
# the working-day calendar (holidays per year, day-by-day stepping) stops being meaningful:
# year 9999 overflows it.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Enter a date between 1 January 2000 and 31 December 2100.")


def date_in_range(value: dt.date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def parse_date(text: str) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) in the sane range, else None."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if date_in_range(value) else None


class DateInput(forms.DateInput):
    """The browser's date picker, bounded to the sane range."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        bounds = {"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}
        super().__init__(attrs={**bounds, **(attrs or {})}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date between `EARLIEST_DATE` and `LATEST_DATE`, refused with one clear message."""

    widget = DateInput
    default_validators = [
        MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
        MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
    ]
