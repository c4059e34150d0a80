from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coaching.models import Conversation, NextStep
from leanleaders.fields import DateField, LongTextField
from leanleaders.models import User
from projects.models import LeanTool

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise

STEP_ROWS = 3


def _text(label: str | StrOrPromise, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return LongTextField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class ConversationForm(forms.Form):
    date = DateField(label=_("Date"))
    format = forms.ChoiceField(
        label=_("Where you met"), choices=Conversation.Format.choices, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    what_we_see = _text(
        _("What do you see?"), help_text=_("What the trainee observed, in their words.")
    )
    whats_in_the_way = _text(_("What's getting in the way?"))
    experiment_to_try = _text(_("What experiment could we try?"))
    tools = forms.MultipleChoiceField(
        label=_("Lean tools discussed"),
        choices=LeanTool.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    obstacle = forms.CharField(label=_("Obstacle being worked on"), required=False, max_length=300)
    private_notes = _text(
        _("Private coach notes"),
        rows=2,
        help_text=_(
            "Only City Performance analysts see these: never the trainee or their "
            "manager, and never in emails."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        self.fields["format"].initial = Conversation.Format.GEMBA
        self.fields["duration_minutes"].initial = 30
        self.fields["duration_minutes"].widget.attrs.update(inputmode="numeric")

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("That date is in the future."))
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            (data.get(name) or "").strip()
            for name in ("what_we_see", "whats_in_the_way", "experiment_to_try")
        ):
            raise forms.ValidationError(
                _(
                    "Write down at least one answer: what you see, what's in the way, or what "
                    "experiment to try."
                )
            )
        return data


# Who may own a step from an analyst's conversation, and from a leader's touchpoint.
ANALYST_STEP_OWNERS = [(v, label) for v, label in NextStep.Owner.choices if v != "leader"]
LEADER_STEP_OWNERS = [
    (NextStep.Owner.TRAINEE, _("Trainee")),
    (NextStep.Owner.LEADER, _("Me (the leader)")),
]


class NextStepForm(forms.Form):
    """One next-step row. A row without a description is left out."""

    description = forms.CharField(label=_("What"), required=False, max_length=300)
    owner_role = forms.ChoiceField(
        label=pgettext_lazy("next step owner", "Who"),
        choices=NextStep.Owner.choices,
        initial=NextStep.Owner.TRAINEE,
    )
    due_date = DateField(label=_("By when"), required=False)

    def __init__(
        self,
        *args: Any,
        require_description: bool = False,
        owner_choices: Sequence[tuple[str, Any]] = ANALYST_STEP_OWNERS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner_role"]).choices = owner_choices
        self.require_description = require_description
        self.fields["description"].required = require_description
        self.fields["due_date"].initial = timezone.localdate() + dt.timedelta(days=7)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("description") or "").strip() and not data.get("due_date"):
            self.add_error("due_date", _("Say by when."))
        return data

    @property
    def filled(self) -> bool:
        return bool((self.cleaned_data.get("description") or "").strip())


NextStepFormSet = formset_factory(NextStepForm, extra=STEP_ROWS, max_num=10, absolute_max=10)


class StepCompleteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class ReflectionForm(forms.Form):
    text = LongTextField(
        label=_("Your reflection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What did you take away? What will you do differently?"),
    )


class RequestForm(forms.Form):
    note = LongTextField(
        label=_("What would you like to talk about?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("e.g. “I'm stuck on the root cause” or “Can we look at my run chart?”"),
    )


class LeaderNoteForm(forms.Form):
    body = LongTextField(
        label=_("Note on this leader"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For City Performance only: the leader, their people and managers never see it."
        ),
        error_messages={"required": _("Write the note before saving it.")},
    )


class LeaderNoteVersionForm(forms.Form):
    """The note as the edit or delete page showed it: its `edited_at`, blank if not edited yet.

    The pages write the hidden input from the note itself (`note.edited_at|date:"c"`, ISO 8601
    to the microsecond), not from this form's bound data, so a page shown again after a refusal
    carries the version whose text it now shows."""

    edited_at = forms.DateTimeField(required=False)

    def expected_edited_at(self) -> dt.datetime | None:
        # A missing or mangled value reads as "not edited yet": it can be refused, never
        # overwrite an edit.
        return self.cleaned_data.get("edited_at") if self.is_valid() else None


class AssignForm(forms.Form):
    coach = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Coach"), empty_label=_("Choose an analyst")
    )
    projects = forms.MultipleChoiceField(label=_("Projects"), required=False, choices=())
    everyone = forms.BooleanField(label=_("All projects in this cohort"), required=False)

    def __init__(self, *args: Any, coaches: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["coach"]).queryset = coaches
        self.project_ids = [p.pk for p in projects]
        cast(forms.ChoiceField, self.fields["projects"]).choices = [
            (p.pk, p.title) for p in projects
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = (
            self.project_ids if data.get("everyone") else [int(p) for p in data.get("projects", [])]
        )
        if not chosen:
            raise forms.ValidationError(_("Tick the projects to assign, or choose all of them."))
        data["project_ids"] = chosen
        return data


class TouchpointForm(forms.Form):
    """A leader's gemba walk, huddle or problem-solving coaching: the same three questions."""

    routine = forms.ChoiceField(
        label=_("Routine"),
        choices=[(r.value, r.label) for r in Conversation.LEADER_ROUTINES],
        initial=Conversation.Routine.GEMBA_WALK,
        widget=forms.RadioSelect,
    )
    date = DateField(label=_("Date"))
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=15
    )
    what_we_see = _text(_("What do you see?"), help_text=_("What they showed you, in their words."))
    whats_in_the_way = _text(_("What's getting in the way?"))
    experiment_to_try = _text(_("What experiment could we try?"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("That date is in the future."))
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(
            (data.get(name) or "").strip()
            for name in ("what_we_see", "whats_in_the_way", "experiment_to_try")
        ):
            raise forms.ValidationError(
                _(
                    "Write down at least one answer: what you see, what's in the way, or what "
                    "experiment to try."
                )
            )
        return data


class CadenceForm(forms.Form):
    every_days = forms.IntegerField(
        label=_("Hold a touchpoint every how many days"),
        min_value=1,
        max_value=90,
        initial=14,
        help_text=_("For example 7 for weekly, 14 for every two weeks."),
    )
