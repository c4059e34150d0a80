from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """Confirms a trainee's email address; the link stops working once the account is active."""

    key_salt = "leanleaders.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


account_activation_token = AccountActivationTokenGenerator()
