from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import Attendance, Cohort
from cohorts.services import CAPACITY_TOO_SMALL, schedule_errors
from leanleaders.fields import DateField, LongTextField
from leanleaders.models import Department

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CohortForm(forms.ModelForm):
    """Name, dates, times, place, seats and whom it is for. Day 2 and Day 3 are proposed from
    Day 1 when left empty (and filled in as you type by static/js/cohorts.js)."""

    ALL, RESERVED = "all", "reserved"

    open_to = forms.ChoiceField(
        label=_("Who can be placed in it"),
        choices=[
            (ALL, _("Open to all departments")),
            (RESERVED, _("Reserved for departments (by special arrangement)")),
        ],
        initial=ALL,
        # Left out of a request, it follows the departments: none ticked is open to all.
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Cohort
        fields = [
            "name",
            "day1",
            "day2",
            "day3",
            "start_time",
            "end_time",
            "location",
            "capacity",
            "open_to",
            "departments",
            "preparation",
        ]
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "preparation": forms.Textarea(attrs={"rows": 4}),
            "departments": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "day1": DateField,
            "day2": DateField,
            "day3": DateField,
            "preparation": LongTextField,
        }
        labels = {"name": _("Name"), "location": _("Location"), "capacity": _("Capacity")}
        help_texts = {
            "name": _("e.g. “Spring 2026 cohort A”."),
            "day1": _("A working day (not a weekend or public holiday)."),
            "day2": _("Usually the next working day after Day 1. Leave empty to use the proposal."),
            "day3": _(
                "About a month after Day 1, at least three weeks after Day 2. "
                "Leave empty to use the proposal."
            ),
            "capacity": _("Seats. People accepted once it is full join the waitlist."),
            "location": _("Building, room and address."),
            "departments": _(
                "With “Reserved for departments”: only applicants of the departments ticked "
                "here can be placed in it."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day2"].required = False
        self.fields["day3"].required = False
        self.fields["capacity"].validators.append(MinValueValidator(1, CAPACITY_TOO_SMALL))
        self.fields["capacity"].widget.attrs["min"] = 1
        for name in ("day1", "day2", "day3"):
            self.fields[name].widget.attrs["data-schedule"] = name
        departments = cast(forms.ModelMultipleChoiceField, self.fields["departments"])
        departments.queryset = Department.objects.order_by("name")
        departments.label = _("Departments it is reserved for")
        departments.error_messages["invalid_choice"] = _(
            "A department you chose no longer exists. Choose again."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["open_to"] = (
                self.RESERVED if self.instance.reserved_departments else self.ALL
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The service's schedule rules, on the fields they are about. Checked here as well, since
        # the form checks the model's constraints before the service runs, and a constraint's
        # message only gives its name; a field with an error is left out of those checks.
        dates = {day: cleaned.get(day) for day in ("day1", "day2", "day3")}
        for day, message in schedule_errors(**dates).items():
            if day not in self.errors:
                self.add_error(day, message)
        if not cleaned.get("open_to"):
            cleaned["open_to"] = self.RESERVED if cleaned.get("departments") else self.ALL
        if cleaned["open_to"] == self.ALL:
            # Ticked boxes left behind when switching back to "open to all" mean nothing.
            cleaned["departments"] = []
        elif (
            cleaned["open_to"] == self.RESERVED
            and not cleaned.get("departments")
            and "departments" not in self.errors
        ):
            self.add_error(
                "departments",
                _("Tick at least one department, or choose “Open to all departments”."),
            )
        return cleaned


class PlacementForm(forms.Form):
    GONE = _("That cohort no longer exists. Choose another.")

    cohort = forms.IntegerField(
        label=_("Cohort"), error_messages={"required": _("Choose a cohort to accept them into.")}
    )
    comment = forms.CharField(label=_("Note for the trainee"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The ids the placement template gives its fields, so the error summary links to them.
        kwargs["auto_id"] = "place-%s"
        super().__init__(*args, **kwargs)


class MoveForm(forms.Form):
    """Where to move someone: any cohort still taking people, other than their own."""

    cohort = forms.TypedChoiceField(
        label=_("To cohort"),
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("That cohort is no longer taking people: choose another.")
        },
    )
    reason = forms.CharField(
        label=_("Reason (optional, sent to the trainee)"), required=False, max_length=500
    )

    def __init__(self, *args: Any, cohorts: list[Cohort], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", gettext("Choose a cohort"))]
        for cohort in cohorts:
            taken = cohort.seats_taken  # type: ignore[attr-defined]  # annotated by the selector
            codes = ", ".join(d.code for d in cohort.reserved_departments)
            params = {
                "name": cohort.name,
                "day1": date_format(cohort.day1, "SHORT_DATE_FORMAT"),
                "taken": taken,
                "capacity": cohort.capacity,
                "codes": codes,
            }
            full = taken >= cohort.capacity
            if codes:
                label = (
                    gettext(
                        "%(name)s (Day 1 %(day1)s, %(taken)s/%(capacity)s seats, full: waitlist, "
                        "reserved for %(codes)s)"
                    )
                    if full
                    else gettext(
                        "%(name)s (Day 1 %(day1)s, %(taken)s/%(capacity)s seats, "
                        "reserved for %(codes)s)"
                    )
                )
            else:
                label = (
                    gettext(
                        "%(name)s (Day 1 %(day1)s, %(taken)s/%(capacity)s seats, full: waitlist)"
                    )
                    if full
                    else gettext("%(name)s (Day 1 %(day1)s, %(taken)s/%(capacity)s seats)")
                )
            choices.append((cohort.pk, label % params))
        cast(forms.ChoiceField, self.fields["cohort"]).choices = choices


class ReorderForm(forms.Form):
    position = forms.IntegerField(label=_("New position"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, enrollment_id: int, **kwargs: Any) -> None:
        # One form per waitlist row: the ids the template gives that row's fields.
        kwargs["auto_id"] = f"%s-{enrollment_id}"
        super().__init__(*args, **kwargs)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class WithdrawForm(forms.Form):
    comment = LongTextField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


MARKS = Attendance.Mark.choices


class ApplicationWithdrawForm(WithdrawForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
