from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from api.services import NAME_MAX
from leanleaders.fields import DateField


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What will use it, e.g. “Performance scorecard”."),
    )
    expires = DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Leave empty for a token that works until it is revoked."),
    )
