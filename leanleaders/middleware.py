"""Request middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from leanleaders.mail import outbox_publishing_batched


def outbox_publishing(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """The emails a request queues are published together when it ends: one task for the 25
    emails of a cancelled cohort, and one bounded attempt when the broker is unwell."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with outbox_publishing_batched():
            return get_response(request)

    return middleware


def user_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A signed-in person's saved language wins over the cookie and the browser's
    Accept-Language that LocaleMiddleware read, so their choice follows them to every device.
    The user is loaded by every page already (the navigation context), so this costs no query
    there."""

    def middleware(request: HttpRequest) -> HttpResponse:
        language = getattr(request.user, "language", "")  # AnonymousUser has none
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware
