from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from applications.services import EDITABLE_FIELDS, REQUIRED_TO_SUBMIT, default_manager_for
from leanleaders.fields import DecimalField, LongTextField
from leanleaders.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HELP = {
    "title": _("A few words naming the process and the gap, e.g. “Permit renewals take too long”."),
    "process_today": _(
        "Walk through the process as it really runs: where it starts, who does "
        "what, where it ends. Describe what happens, not what should happen."
    ),
    "problem": _(
        "What goes wrong, for whom (staff, residents, customers) and how often. "
        "A Lean problem statement describes the gap, not a solution: “Renewals take 21 days; "
        "residents call twice to chase them” rather than “We need a new system”."
    ),
    "evidence": _(
        "Current data or what you have observed yourself: counts, times, complaints, "
        "rework. Rough numbers are fine."
    ),
    "measure_name": _(
        "One thing you will count or time to show change, e.g. “days from "
        "request to renewal” or “forms returned for missing information per week”."
    ),
    "measure_unit": _("e.g. days, minutes, errors per week, percent complete on first pass."),
    "measure_direction": _("Does the process get better when this number goes down or up?"),
    "baseline_estimate": _(
        "Your best guess of the current value, if you know it. "
        "You will measure it properly during the program."
    ),
    "why_it_matters": _("What changes for your department, staff or residents if this improves."),
    "role_and_team": _("Your job and the team that runs this process."),
    "manager": _(
        "Who signs off on your project: your supervisor, or another manager of your department."
    ),
    "next_available_cohort": _("Leave ticked if any cohort suits you."),
}


LONG_ANSWERS = ("process_today", "problem", "evidence", "why_it_matters")


class ApplicationForm(forms.ModelForm):
    """The trainee's application. Saving a draft needs only a title; submitting needs the rest."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Application
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "process_today": forms.Textarea(attrs={"rows": 4}),
            "problem": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3}),
            "measure_direction": forms.RadioSelect,
        }
        help_texts = HELP
        labels = {"manager": _("Manager who signs off")}
        field_classes = {
            **dict.fromkeys(LONG_ANSWERS, LongTextField),
            "baseline_estimate": DecimalField,
        }

    def __init__(self, *args: Any, trainee: User, for_submission: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.trainee = trainee
        self.default_manager = default_manager_for(trainee)
        department = trainee.department
        # The supervisor (from the org data) and the department's managers and alternate; never
        # the applicant, nor someone who reports to them.
        choices = Q(pk=self.default_manager.pk) if self.default_manager else Q(pk__in=[])
        if department is not None:
            choices |= Q(managed_departments=department) | Q(alternate_for_departments=department)
        managers = (
            User.objects.filter(choices, is_active=True)
            .exclude(role=User.Role.ANALYST)
            .exclude(pk=trainee.pk)
            .exclude(supervisor=trainee)
            .distinct()
        )
        manager_field = cast(forms.ModelChoiceField, self.fields["manager"])
        manager_field.queryset = managers.order_by("full_name")
        manager_field.empty_label = str(_("Choose who signs off"))
        if not self.instance.pk and self.default_manager is not None:
            self.fields["manager"].initial = self.default_manager.pk
        self.fields["baseline_estimate"].widget.attrs.update(step="any")
        # A blank form marks what submitting needs; a draft is saved with just a title.
        if for_submission or not self.is_bound:
            for name in (*REQUIRED_TO_SUBMIT, "manager"):
                self.fields[name].required = True
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def refused_as_stale(self, saved: Application) -> list[tuple[StrOrPromise, str]]:
        """After a save was refused because the application changed meanwhile: what was typed
        stays in the form, the next save is checked against the version saved now (the page
        shows it), and each field whose saved value differs from the typed one is returned as
        (label, saved value), so the person sees what they would overwrite."""
        data = cast(QueryDict, self.data).copy()
        data["expected_version"] = str(saved.version)
        self.data = data
        shown = ApplicationForm(instance=saved, trainee=self.trainee)
        return [
            (self.fields[name].label or name, _saved_display(saved, name))
            for name in EDITABLE_FIELDS
            if self.fields[name].has_changed(shown[name].initial, self[name].data)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        manager = cleaned.get("manager")
        reason = (cleaned.get("manager_change_reason") or "").strip()
        supervisor = self.trainee.supervisor
        if (
            manager is not None
            and supervisor is not None
            and manager.pk != supervisor.pk
            and self.default_manager is not None
            and self.default_manager.pk == supervisor.pk
            and not reason
        ):
            self.add_error(
                "manager_change_reason",
                _("Say why %(manager)s signs off rather than your supervisor, %(supervisor)s.")
                % {"manager": manager.full_name, "supervisor": supervisor.full_name},
            )
        if manager is None or self.default_manager is None or manager.pk == self.default_manager.pk:
            cleaned["manager_change_reason"] = ""
        return cleaned

    def clean_baseline_estimate(self) -> Any:
        value = self.cleaned_data.get("baseline_estimate")
        if value is not None and (value.is_nan() or value.is_infinite()):
            raise forms.ValidationError(_("Enter a number."))
        return value


def _saved_display(saved: Application, name: str) -> str:
    value = getattr(saved, name)
    if cast(models.Field, Application._meta.get_field(name)).choices:
        return str(getattr(saved, f"get_{name}_display")())
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return "" if value is None else str(value)


class VersionForm(forms.Form):
    """Carries the version the page showed, so a stale page is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(VersionForm):
    """A decision (from a button's value) with an optional comment the trainee sees."""

    DECISIONS: list[tuple[str, StrOrPromise]] = []

    decision = forms.ChoiceField(widget=forms.HiddenInput)
    comment = LongTextField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = self.DECISIONS


class ManagerDecisionForm(DecisionForm):
    DECISIONS = [
        ("approve", _("Approve")),
        ("request_changes", _("Request changes")),
        ("decline", _("Decline")),
    ]


class AnalystDecisionForm(DecisionForm):
    DECISIONS = [
        ("waitlist", _("Waitlist")),
        ("request_changes", _("Request changes")),
        ("decline", _("Decline")),
    ]


class OfflineSignoffForm(forms.Form):
    how = forms.CharField(
        label=_("How the sign-off was received"),
        max_length=200,
        help_text=_("e.g. “Email from Morgan Chen, 3 March”."),
    )
    comment = LongTextField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WithdrawForm(VersionForm):
    comment = LongTextField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
