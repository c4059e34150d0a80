"""Emptying every cache the app keeps between requests."""

from django.core.cache import caches


def empty_caches() -> None:
    for cache in caches.all():
        cache.clear()
