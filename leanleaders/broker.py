"""Short questions to the Celery broker (Redis) for the readiness check and the metrics.

Each question gets half a second: a probe must answer fast when Redis is down, not hang.
"""

from __future__ import annotations

import redis
from django.conf import settings

TIMEOUT_SECONDS = 0.5
# kombu's Redis transport keeps one list per priority step; unprioritised tasks use the first.
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)


def _client() -> redis.Redis | None:
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )


def ping() -> str:
    """ "ok", "not used" (the demo runs tasks in-process), or why the broker did not answer."""
    client = _client()
    if client is None:
        return "not used"
    try:
        client.ping()
    except redis.RedisError as error:
        return f"unreachable: {type(error).__name__}"
    finally:
        client.close()
    return "ok"


def queue_length() -> int | None:
    """Tasks waiting in the default queue, or None when there is no broker to ask."""
    client = _client()
    if client is None:
        return None
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    names = [queue, *(f"{queue}{PRIORITY_SEPARATOR}{step}" for step in PRIORITY_STEPS[1:])]
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.llen(name)
            return sum(pipe.execute())
    except redis.RedisError:
        return None
    finally:
        client.close()
