"""Form fields and parsers every app's forms share, so one rule holds for one kind of input."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise

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


# The longest a free-text answer may be: several pages of prose, far more than any answer needs,
# and small enough that a pasted megabyte is refused before it reaches a page or an export.
MAX_TEXT = 5000


class LongTextField(forms.CharField):
    """A text area with a limit the server enforces and the form states under the field
    ("Up to 5,000 characters."), so the limit is never a surprise."""

    widget = forms.Textarea

    def __init__(
        self, *, max_length: int | None = None, help_text: StrOrPromise = "", **kwargs: Any
    ) -> None:
        # A model's TextField hands over max_length=None: the app-wide limit then applies.
        limit = max_length or MAX_TEXT
        stated = format_lazy(_("Up to {limit} characters."), limit=f"{limit:,}")
        super().__init__(
            max_length=limit,
            help_text=format_lazy("{} {}", help_text, stated) if help_text else stated,
            **kwargs,
        )


class DecimalField(forms.DecimalField):
    """A number typed with the digits 0 to 9. Python would read other scripts' digits (Arabic-
    Indic, full-width) as numbers without a word; we refuse them, so what is stored is always
    what the person meant to type and what every export and chart shows back."""

    default_error_messages = {
        "not_ascii": _("Type the number with the digits 0 to 9."),
    }

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(self.error_messages["not_ascii"], code="not_ascii")
        return super().to_python(value)
