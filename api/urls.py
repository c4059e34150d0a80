from django.middleware.http import ConditionalGetMiddleware
from django.urls import URLPattern, URLResolver, include, path
from django.utils.decorators import decorator_from_middleware

from api import views
from api.api import api

# ETag on every answer, and 304 to a poll whose If-None-Match still matches: a dashboard that
# asks every minute downloads a figure only when it changed.
conditional = decorator_from_middleware(ConditionalGetMiddleware)


def _conditional(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = conditional(pattern.callback)
    return patterns


v1_patterns, v1_app, v1_namespace = api.urls
tokens = [
    path("", views.token_list, name="token-list"),
    path("<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

urlpatterns = [
    path("v1/", include((_conditional(v1_patterns), v1_app), namespace=v1_namespace)),
    path("tokens/", include((tokens, "api"), namespace="api")),
]
