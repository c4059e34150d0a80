"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(error.messages)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` target if it stays on this site, else `default` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# The largest id a PostgreSQL integer column holds; a longer number in an address is no id.
LARGEST_ID = 2**31 - 1


def id_param(params: Mapping[str, str], name: str) -> int | None:
    """The id in query parameter `name`, or None when it is missing or not an id."""
    value = params.get(name) or ""
    if value.isascii() and value.isdigit() and 0 < int(value) <= LARGEST_ID:
        return int(value)
    return None
