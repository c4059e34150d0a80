"""Making and revoking API tokens, and recording each call made with one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api import policies
from api.models import ApiCall, ApiToken
from leanleaders.audit import audit_record
from leanleaders.models import User

# Tokens say what they are, so a secret scanner (or a person) spots one pasted where it
# should not be.
TOKEN_PREFIX = "ll_"  # noqa: S105 - a label, not a secret
NAME_MAX = 100


def token_hash(token: str) -> str:
    """SHA-256 is enough here: the token is 256 random bits, not a password to guess."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, by: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """An analyst makes a token for themselves. Returns the row and the token, which is never
    stored and cannot be shown again. Records an audit event."""
    policies.ensure_can_manage_tokens(by)
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError(_("Give the token a name of at most 100 characters."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        name=name,
        owner=by,
        prefix=token[:10],
        key_hash=token_hash(token),
        expires_at=expires_at,
    )
    audit_record(target=row, action="api-token-created", by=by, data={"name": name})
    return row, token


@transaction.atomic
def api_token_revoke(*, token_id: int, by: User) -> ApiToken:
    """An analyst revokes one of their tokens; it stops working on the next call. Locks the row
    so that two clicks record one revocation."""
    row = policies.visible_tokens(by).select_for_update().get(pk=token_id)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(target=row, action="api-token-revoked", by=by, data={"name": row.name})
    return row


def api_call_record(*, token: ApiToken, method: str, path: str, limit: int) -> bool:
    """Logs a call made with the token and says whether it is within the limit of calls per
    minute. Counting the logged rows keeps the limit exact across every web process without a
    shared cache; refused calls are logged too, so a client that keeps hammering stays out."""
    now = timezone.now()
    recent = ApiCall.objects.filter(token=token, created_at__gt=now - dt.timedelta(minutes=1))
    allowed = recent.count() < limit
    ApiCall.objects.create(token=token, method=method, path=path[:500], created_at=now)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return allowed
