"""Security events (failed sign-ins, denied access) go to the `leanleaders.security` log.

Records carry the account identifier, the client address and the time, never a password or a
session key.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("leanleaders.security")


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, for the log and for the sign-in lock, or None if unknown. Behind
    the proxy it is the last X-Forwarded-For entry, the one the proxy added; earlier entries
    are whatever the client sent, so trusting them would let anyone pick a fresh address for
    each guess."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.LEANLEADERS_BEHIND_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def client_ip(request: HttpRequest | None) -> str:
    return client_address(request) or "-"


@receiver(user_login_failed)
def log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username", ""))[:254]
    logger.warning("login_failed user=%r ip=%s", username, client_ip(request))


@receiver(user_logged_in)
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login user_id=%s ip=%s", user.pk, client_ip(request))


def log_denied(request: HttpRequest, reason: str) -> None:
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    logger.warning(
        "access_denied user_id=%s ip=%s path=%s reason=%s",
        user_id,
        client_ip(request),
        request.path,
        reason,
    )
