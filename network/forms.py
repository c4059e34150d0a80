from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leanleaders.fields import DateField, LongTextField
from network.models import HELP_MAX, MESSAGE_MAX, STORY_MAX


class ProfileForm(forms.Form):
    story = LongTextField(
        label=_("Your story"),
        required=False,
        max_length=STORY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences: what you changed, and what you would tell a new trainee."),
    )
    offers_peer_coaching = forms.BooleanField(
        label=_("I offer to be a peer coach"),
        required=False,
        help_text=_(
            "Trainees may ask you, through the app, for a conversation about their project."
        ),
    )
    hidden = forms.BooleanField(
        label=_("Hide me from the directory"),
        required=False,
        help_text=_("You will not be listed, suggested or offered as a peer coach."),
    )


class PeerRequestForm(forms.Form):
    message = LongTextField(
        label=_("What would you like to talk about?"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("e.g. “How did you get your team to keep the 5S standard?”"),
    )


class HelpForm(forms.Form):
    help_date = DateField(label=_("Date of the conversation"))
    help_note = LongTextField(
        label=_("How the conversation helped"),
        max_length=HELP_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Briefly: what you talked about and what you will try."),
    )
