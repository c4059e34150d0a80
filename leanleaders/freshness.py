"""The data generation: a number that moves whenever data the pages show is written.

Rendered fragments are cached under it (see `fragments.py`), so no fragment is read again after
a write that could change it, whichever path wrote: a service, `update()`, `bulk_create`, raw
SQL, the admin, a Celery worker, a management command. Each database connection gets an execute
wrapper that looks at every statement. A write to any table but the few that no page shows
moves the generation twice:

- at once, so that the rest of the same request or transaction misses the cache;
- again once the transaction commits, because a page rendered by another request between the
  first move and the commit read the data from before the commit and cached it under the new
  number. The second move leaves that fragment unreachable.

The generation lives in the `fragments` cache, which is Redis whenever REDIS_URL is set, so every
gunicorn and Celery process moves and reads the same number. If that cache is unreachable the
generation is unknown and pages render without it (see `current`).
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

CACHE_ALIAS = "fragments"
GENERATION_KEY = "data-generation"

# Written on every request or sign-in attempt, or twice per email sent, and shown on no cached
# page.
UNWATCHED_TABLE_PREFIXES = ("django_session", "axes_", "leanleaders_outboxemail")

_WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.IGNORECASE)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)


def _cache_errors() -> tuple[type[Exception], ...]:
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis comes with celery[redis]
        return ()
    return (RedisError,)


CACHE_ERRORS = _cache_errors()


def is_watched_write(sql: str) -> bool:
    """Whether a statement writes data that some page shows."""
    match = _WRITE.match(sql)
    if match is not None:
        return not match.group(1).startswith(UNWATCHED_TABLE_PREFIXES)
    return _TRUNCATE.match(sql) is not None


def current() -> int | None:
    """The generation now, or None when the cache cannot be reached."""
    cache = caches[CACHE_ALIAS]
    try:
        generation = cache.get(GENERATION_KEY)
        if generation is None:
            # A number never used before, even if the cache was emptied after many moves.
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            generation = cache.get(GENERATION_KEY)
    except CACHE_ERRORS:
        logger.warning("fragments cache unreachable: rendering without it", exc_info=True)
        return None
    return generation


def advance() -> None:
    cache = caches[CACHE_ALIAS]
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not there: any fresh number is new
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    except CACHE_ERRORS:
        logger.warning("fragments cache unreachable: generation not moved", exc_info=True)


def _advance_after_commit_pending(connection: BaseDatabaseWrapper) -> bool:
    return any(callback is advance for _, callback, _ in connection.run_on_commit)


def watch_writes(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if is_watched_write(sql):
        connection = context["connection"]
        advance()
        if connection.in_atomic_block and not _advance_after_commit_pending(connection):
            transaction.on_commit(advance, using=connection.alias)
    return result


def watch_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: the wrapper stays on the connection's list for its life."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
