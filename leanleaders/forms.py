from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from leanleaders import org_import
from leanleaders.models import Department, User
from leanleaders.services import email_domain_allowed, user_send_password_reset

# Far longer than any passphrase or password manager's output; a megabyte "password" would
# only make the server hash a megabyte.
PASSWORD_MAX_LENGTH = 4096


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "That email and password don't match an active account. "
            "Check both and try again, or reset your password."
        ),
        "inactive": _("This account is not active yet. Open the link in the email we sent you."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class TraineeSignupForm(forms.Form):
    full_name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(
        label=_("City email address"),
        help_text=_("We send a confirmation link to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        empty_label=_("Choose your department"),
        help_text=_("Your department manager will sign off on your project."),
    )
    job_title = forms.CharField(max_length=150, required=False, label=_("Job title"))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if not email_domain_allowed(email):
            from django.conf import settings

            domains = ", ".join(f"@{d}" for d in settings.LEANLEADERS_ALLOWED_EMAIL_DOMAINS)
            raise forms.ValidationError(
                _(
                    "Use your city email address (ending in %(domains)s). "
                    "Lean Leaders is open to city staff only."
                ),
                params={"domains": domains},
            )
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords don't match."))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset link through the outbox like every other message."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            user_send_password_reset(user=user)


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, label=_("Full name"))
    job_title = forms.CharField(max_length=150, required=False, label=_("Job title"))


class StaffCreateForm(forms.Form):
    full_name = forms.CharField(max_length=150, label=_("Full name"))
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices, initial=User.Role.MANAGER)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("name"),
        required=False,
        help_text=_(
            "For a manager, the department they manage (they see its people at once); "
            "for a trainee, the department they work in."
        ),
    )


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=_("HR export"),
        help_text=format_lazy(
            _(
                "CSV or XLSX, up to {mb} MB, with a header row: email, full name, employee id, "
                "department code and name, job title, and the supervisor's email or employee id."
            ),
            mb=org_import.MAX_BYTES // 2**20,
        ),
    )
    deactivate_missing = forms.BooleanField(
        required=False,
        label=_("Deactivate people no longer in the file"),
        help_text=_(
            "Only people an earlier import listed (or who have an employee id) are counted. "
            "The preview lists them before anything changes."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > org_import.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": org_import.MAX_BYTES // 2**20}
            )
        self.filename: str = upload.name or "upload"
        content: bytes = upload.read()
        if not content.strip():
            raise forms.ValidationError(_("The file is empty."))
        return content


class OrgImportApplyForm(forms.Form):
    skip_rejected = forms.BooleanField(
        required=False,
        label=_("Apply only the valid rows and leave the refused rows out"),
    )
