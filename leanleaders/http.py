"""Small helpers shared by the views of every app."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from leanleaders.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a signed-in-only view receives (behind `login_required` or one of our role
    decorators): its `user` is a `User`, never the anonymous one. For the type checker only;
    Django passes its own HttpRequest."""

    user: User


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


def _as_id(value: str) -> int | None:
    # Length first: int() refuses strings of more than 4,300 digits with a ValueError.
    if value.isascii() and value.isdigit() and len(value) <= len(str(LARGEST_ID)):
        number = int(value)
        if 0 < number <= LARGEST_ID:
            return number
    return None


def id_param(params: Mapping[str, str], name: str) -> int | None:
    """The id in query parameter `name`, or None when it is missing or not an id."""
    return _as_id(params.get(name) or "")


def ids_param(params: QueryDict, name: str) -> tuple[int, ...]:
    """The ids given in repeated query parameter `name`, sorted, without what is not an id."""
    return tuple(sorted({i for i in map(_as_id, params.getlist(name)) if i is not None}))


def choice_param(params: Mapping[str, str], name: str, choices: Collection[str]) -> str | None:
    """Query parameter `name` if it is one of `choices`, else None (an unknown filter is none)."""
    value = params.get(name)
    return value if value in choices else None


class RefuseUnreadableQueryStrings:
    """Answers 400 to a query string holding a NUL character: no filter or page number has
    one, PostgreSQL refuses it in any text it is asked to compare, and turning it away here
    keeps every view from having to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key + "".join(values) for key, values in request.GET.lists()):
            raise BadRequest("NUL in the query string")
        return self.get_response(request)
