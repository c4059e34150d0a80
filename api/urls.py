from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.urls import URLPattern, URLResolver, include, path
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.decorators import decorator_from_middleware

from api import views
from api.api import api

View = Callable[..., HttpResponseBase]
conditional = decorator_from_middleware(ConditionalGetMiddleware)


def polled(view: View) -> View:
    """An ETag on every answer and 304 to a poll whose If-None-Match still matches, so a
    dashboard that asks every minute downloads a figure only when it changed. The answer
    depends on the token, so shared caches keep none of it and clients always revalidate."""

    @conditional
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Authorization",))
        return response

    return cast(View, wrapper)  # decorator_from_middleware is typed loosely


def _polled(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = polled(pattern.callback)
    return patterns


v1_patterns, v1_app, v1_namespace = api.urls
tokens = [
    path("", views.token_list, name="token-list"),
    path("<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

urlpatterns = [
    path("v1/", include((_polled(v1_patterns), v1_app), namespace=v1_namespace)),
    path("tokens/", include((tokens, "api"), namespace="api")),
]
