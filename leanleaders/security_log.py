"""Security events (sign-ins, failed sign-ins, lockouts, denied access) go to the
`leanleaders.security` log, each with the request id (see observability.py).

Records carry the account's id (never the email address typed), the client address, which the
lockout is keyed on and which operations need to block an attacker, and the time; never a
password, token or session key.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from leanleaders.observability import loggable_path, signed_in_user_id

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


def account_id(username: object) -> int | None:
    """The id of the account a typed email address names, if there is one."""
    return (
        get_user_model()
        .objects.filter(email__iexact=str(username or "")[:254])
        .values_list("pk", flat=True)
        .first()
    )


@receiver(user_login_failed)
def log_failed_login(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user_id = account_id(credentials.get("username"))
    logger.warning("login_failed user_id=%s ip=%s", user_id, client_ip(request))


@receiver(user_locked_out)
def log_lockout(
    sender: Any, request: HttpRequest | None = None, username: str = "", **kwargs: Any
) -> None:
    logger.warning("lockout user_id=%s ip=%s", account_id(username), client_ip(request))


@receiver(user_logged_in)
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login user_id=%s ip=%s", user.pk, client_ip(request))


def log_denied(request: HttpRequest, reason: str) -> None:
    logger.warning(
        "access_denied user_id=%s ip=%s path=%s reason=%s",
        signed_in_user_id(request),
        client_ip(request),
        loggable_path(request),
        reason,
    )
