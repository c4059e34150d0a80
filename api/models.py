"""API tokens and the log of every call made with one."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanleaders.models import User


class ApiToken(models.Model):
    """A bearer token an analyst made for a dashboard or a script. Only its SHA-256 is kept: the
    token itself is shown once, when it is made. It reads what its owner may read."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    # The first characters of the token, so the page can say which one is which.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiCall(models.Model):
    """One request made with a token: who, what, when. The rate limit counts these rows."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="calls")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["token", "created_at"], name="api_call_token_time_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"
