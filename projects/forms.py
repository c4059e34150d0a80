from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from leanleaders.fields import DateField, DecimalField, LongTextField
from projects import csv_import
from projects.models import LeanTool, Measure, PdcaStage, Project, ProjectMember
from projects.services import NARRATIVE_FIELDS, NO_RESULT_REASON_MAX


def _finite(value: Decimal | None) -> Decimal | None:
    if value is not None and not value.is_finite():
        raise forms.ValidationError(_("Enter a number."))
    return value


LONG_FIELDS = tuple(name for name in NARRATIVE_FIELDS if name != "title")


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = list(NARRATIVE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in LONG_FIELDS}
        field_classes = dict.fromkeys(LONG_FIELDS, LongTextField)


class MeasureForm(forms.ModelForm):
    baseline_points_text = forms.CharField(
        label=_("Baseline data points (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-01-05,21\n2026-01-12,19"}),
        help_text=_(
            "One “date,value” per line, from before you changed anything. When you give "
            "data points, the baseline is their median and the value above is ignored."
        ),
    )
    reason = LongTextField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the project history; the trainee sees it."),
    )

    class Meta:
        model = Measure
        fields = [
            "name",
            "unit",
            "direction",
            "scale",
            "collection_method",
            "baseline_value",
            "baseline_period",
            "baseline_method",
            "target_value",
            "target_date",
        ]
        widgets = {
            "direction": forms.RadioSelect,
            "scale": forms.RadioSelect,
            "collection_method": forms.Textarea(attrs={"rows": 2}),
            "baseline_method": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {
            "collection_method": LongTextField,
            "baseline_method": LongTextField,
            "baseline_value": DecimalField,
            "target_value": DecimalField,
            "target_date": DateField,
        }

    def __init__(self, *args: Any, needs_reason: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.needs_reason = needs_reason
        for name in ("baseline_value", "target_value"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")
        if needs_reason:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]
        if self.instance.pk and not self.is_bound:
            self.initial["baseline_points_text"] = "\n".join(
                f"{p.date.isoformat()},{p.value.normalize():f}"
                for p in self.instance.baseline_points.all()
            )

    def clean_baseline_value(self) -> Decimal | None:
        return _finite(self.cleaned_data.get("baseline_value"))

    def clean_target_value(self) -> Decimal | None:
        return _finite(self.cleaned_data.get("target_value"))

    def clean_baseline_points_text(self) -> list[csv_import.Row]:
        text = self.cleaned_data.get("baseline_points_text", "")
        if not text.strip():
            return []
        parsed = csv_import.parse(text, today=timezone.localdate())
        if parsed.refused:
            raise forms.ValidationError(parsed.refused)
        if parsed.errors:
            raise forms.ValidationError(
                [
                    _("Line %(line)s: %(reason)s.") % {"line": line, "reason": reason}
                    for line, reason in parsed.errors[:20]
                ]
            )
        return parsed.rows


class MeasurementForm(forms.Form):
    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.none(), empty_label=None
    )
    date = DateField(label=_("Date"))
    value = DecimalField(label=_("Value"), max_digits=16, decimal_places=4)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["measure"]).queryset = measures
        if len(measures) < 2:
            self.fields["measure"].widget = forms.HiddenInput()
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["value"].widget.attrs.update(step="any", inputmode="decimal", autofocus=True)
        self.fields["note"].help_text = _("Optional: anything unusual about this value.")

    def clean_value(self) -> Decimal | None:
        return _finite(self.cleaned_data.get("value"))

    def clean_date(self) -> Any:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("That date is in the future."))
        return date


class FollowUpForm(forms.Form):
    """The primary measure's value at a follow-up after Day 3; the same number rules as a
    measurement (the scale's range is checked by the service, against the measure)."""

    value = DecimalField(max_digits=16, decimal_places=4)

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        field.label = f"{measure.name} ({measure.unit})" if measure.unit else measure.name
        field.help_text = _("The value today, counted the way the baseline was.")
        field.widget.attrs.update(step="any", inputmode="decimal", autofocus=True)

    def clean_value(self) -> Decimal | None:
        return _finite(self.cleaned_data.get("value"))


class ImportForm(forms.Form):
    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.none(), empty_label=None
    )
    pasted = forms.CharField(
        label=_("Paste rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2026-03-02,14\n2026-03-09,12"}),
        help_text=_(
            "One “date,value” per line (a note may follow as a third column). You can copy "
            "two columns straight from a spreadsheet."
        ),
    )
    file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=format_lazy(
            _("UTF-8 CSV, up to {kb} KB and {rows} rows."),
            kb=f"{csv_import.MAX_BYTES // 1024:,}",
            rows=f"{csv_import.MAX_ROWS:,}",
        ),
    )

    def __init__(self, *args: Any, measures: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["measure"]).queryset = measures
        if len(measures) < 2:
            self.fields["measure"].widget = forms.HiddenInput()
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,text/csv,text/plain"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if not upload and not (data.get("pasted") or "").strip():
            raise forms.ValidationError(_("Paste some rows or choose a CSV file."))
        if upload and upload.size > csv_import.MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "That file is %(size)s KB; the limit is %(limit)s KB. "
                    "Split it into smaller files."
                )
                % {"size": f"{upload.size // 1024:,}", "limit": f"{csv_import.MAX_BYTES // 1024:,}"}
            )
        return data

    def source(self) -> str | bytes:
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read(csv_import.MAX_BYTES + 1)
        return self.cleaned_data["pasted"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.gif,.webp,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProgressEntryForm(forms.Form):
    date = DateField(label=_("Date"))
    did = LongTextField(
        label=_("What I did"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    learned = LongTextField(
        label=_("What I learned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_steps = LongTextField(
        label=_("What's next"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tools = forms.MultipleChoiceField(
        label=_("Lean tools used"),
        choices=LeanTool.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pdca_stage = forms.ChoiceField(
        label=_("PDCA stage"),
        choices=PdcaStage.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Plan: understand the problem. Do: try a change. Check: measure it. "
            "Act: keep what works."
        ),
    )
    files = MultipleFileField(  # type: ignore[assignment]  # a declared field, popped off the class by Django
        label=_("Photos or PDFs (optional)"),
        required=False,
        help_text=_("e.g. a photo of your process map or fishbone. JPEG, PNG, GIF, WebP or PDF."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class ReviewForm(forms.Form):
    comment = LongTextField(
        label=_("Comment for the trainee"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    no_result_reason = LongTextField(
        label=_("No measurable result: why?"),
        required=False,
        max_length=NO_RESULT_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a person by name or email"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class TeamMemberForm(forms.ModelForm):
    """A member's role and whether they may log."""

    class Meta:
        model = ProjectMember
        fields = ["role", "may_log"]


class TeamAddForm(TeamMemberForm):
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta(TeamMemberForm.Meta):
        fields = ["person", "role", "may_log"]


class TeamInviteForm(TeamMemberForm):
    email = forms.EmailField(
        label=_("Or invite by email"),
        max_length=254,
        help_text=_("A city address. Someone without an account is emailed how to sign up."),
    )

    class Meta(TeamMemberForm.Meta):
        fields = ["email", "role", "may_log"]


class SponsorForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
