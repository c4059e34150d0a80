"""Emptying every cache the app keeps between requests."""

from django.core.cache import caches

from projects.selectors import forget_outcomes


def empty_caches() -> None:
    for cache in caches.all():
        cache.clear()
    forget_outcomes()
