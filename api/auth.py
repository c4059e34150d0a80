"""How the API knows the caller: a bearer token, or (for the aggregate figures, when the city
publishes them as open data) nobody at all."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import HttpBearer

from api.models import ApiToken
from api.services import api_call_record, token_hash

OPEN_DATA = "open-data"


class BearerToken(HttpBearer):
    """`Authorization: Bearer ll_…`. A revoked or expired token, or one whose owner's account is
    closed, is refused like an unknown one. Every accepted call is logged and counted."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        row = ApiToken.objects.select_related("owner").filter(key_hash=token_hash(token)).first()
        if row is None or not row.is_usable(timezone.now()) or not row.owner.is_active:
            return None
        allowed = api_call_record(
            token=row,
            method=request.method or "",
            path=request.get_full_path(),
            limit=settings.LEANLEADERS_API_CALLS_PER_MINUTE,
        )
        if not allowed:
            raise Throttled(wait=60)
        return row


def open_data(request: HttpRequest) -> str | None:
    """Lets anyone read the aggregate figures when the city turns open data on."""
    return OPEN_DATA if settings.LEANLEADERS_API_OPEN_DATA else None
