"""Rendered page fragments and read models, cached per person under the data generation (see
`freshness.py`).

A fragment's key names the fragment, the person it was rendered for, the local date (cards say
"overdue" and "today") and the generation, so any write makes a new key and nothing is served
stale. Forms inside a fragment keep working: the fragment is rendered with a placeholder for the
CSRF token, and each request puts its own token in its place.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from leanleaders import freshness

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Long enough to serve a week's repeat visits between writes; short enough that an entry no
# key reaches any more leaves the cache soon.
FRAGMENT_SECONDS = 10 * 60

# Letters only, so escaping never changes it and the token can replace it verbatim.
CSRF_PLACEHOLDER = "csrftokenplaceholderforcachedfragments"


def cached(*, name: str, person: Any, compute: Callable[[], T], vary_on: str = "") -> T:
    """`compute()`, kept for this person until the data, the date or `vary_on` changes.

    `compute` must depend only on the person, the data, the date and `vary_on`. Its value must
    pickle. Without the cache (unreachable), it is computed each time.
    """
    generation = freshness.current()
    if generation is None:
        return compute()
    variant = hashlib.blake2b(vary_on.encode(), digest_size=8).hexdigest() if vary_on else ""
    key = f"fragment:{name}:{variant}:{person.pk}:{timezone.localdate().isoformat()}:{generation}"
    cache = caches[freshness.CACHE_ALIAS]
    try:
        value = cache.get(key)
    except freshness.CACHE_ERRORS:
        logger.warning("fragments cache unreachable: computing %s", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, FRAGMENT_SECONDS)
        except freshness.CACHE_ERRORS:
            logger.warning("fragments cache unreachable: not keeping %s", name, exc_info=True)
    return value


def cached_html(
    request: HttpRequest,
    *,
    name: str,
    render: Callable[[dict[str, Any]], str],
    vary_on: str = "",
) -> SafeString:
    """`render(extra_context)`'s HTML for this person, from the cache when nothing has changed.

    `render` must depend only on the signed-in person, the data, the date and `vary_on` (say,
    the path with its query string): not on the session or the messages.
    """
    html = cached(
        name=name,
        person=request.user,
        vary_on=vary_on,
        compute=lambda: str(render({"csrf_token": CSRF_PLACEHOLDER})),
    )
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - a template's own output, escaped when it was rendered


def render_with_cached_body(
    request: HttpRequest,
    *,
    name: str,
    body_template: str,
    body_context: Callable[[], dict[str, Any]],
    template: str | None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """`template` around `body_template`'s HTML (as `body`), the body kept for this person and
    this path with its query string until the data or the date changes. Without `template`,
    the body is the whole response (a fragment fetched by htmx).

    Checks of who may see the page belong before this call: only the rendering is skipped.
    """

    def render_body(extra_context: dict[str, Any]) -> str:
        return render_to_string(body_template, {**body_context(), **extra_context}, request)

    body = cached_html(request, name=name, vary_on=request.get_full_path(), render=render_body)
    if template is None:
        return HttpResponse(body)
    return render(request, template, {**(context or {}), "body": body})
