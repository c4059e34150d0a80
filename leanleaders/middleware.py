"""Request middleware of our own."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

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
    """A signed-in person's saved language goes into the language cookie LocaleMiddleware reads,
    so it follows them to every browser they sign in on (the sign-in's redirect carries it).

    Looked at only when the request loaded the user anyway (every page does), so it never costs
    a query: a health check, the JavaScript catalog or a failing request stay as they were. A
    cookie the response already sets (the switcher's) wins."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]  # not loaded: leave it so
            return response
        language = getattr(user, "language", "")  # AnonymousUser has none
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and request.COOKIES.get(cookie) != language and cookie not in response.cookies:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

    return middleware
