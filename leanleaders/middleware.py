"""Request middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
