from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

if TYPE_CHECKING:
    from leanleaders.models import User


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Confirms a trainee's email address; the link stops working once the account is active."""

    key_salt = "leanleaders.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


account_activation_token = AccountActivationTokenGenerator()


class WelcomeTokenGenerator(PasswordResetTokenGenerator):
    """The set-password link in a new account's welcome email. Like a reset link it works once
    (it hashes the password, which choosing one changes), but it lasts
    LEANLEADERS_WELCOME_LINK_DAYS rather than a day: people added by an analyst may not read
    their email that day."""

    key_salt = "leanleaders.tokens.WelcomeTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        # Django's check_token holds every token to PASSWORD_RESET_TIMEOUT; this one has its own.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - timestamp
        if not 0 <= age <= settings.LEANLEADERS_WELCOME_LINK_DAYS * 24 * 3600:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


welcome_token = WelcomeTokenGenerator()
