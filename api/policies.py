"""Who may manage API tokens: analysts, each their own."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from api.models import ApiToken
from leanleaders.models import User
from leanleaders.roles import is_analyst

Actor = User | AnonymousUser


def visible_tokens(user: Actor) -> QuerySet[ApiToken]:
    if not is_analyst(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(owner=user)


def can_manage_tokens(user: Actor) -> bool:
    return is_analyst(user)


def ensure_can_manage_tokens(user: Actor) -> None:
    if not can_manage_tokens(user):
        raise PermissionDenied
