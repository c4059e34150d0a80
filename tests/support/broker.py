"""Pointing this process's Celery app at another broker for one test."""

from __future__ import annotations

from leanleaders.celery import app as celery_app


def reconnect(**conf: object) -> None:
    """Apply broker settings to this process's Celery app, dropping what it cached from earlier
    tests (connection and producer pools, the queue router)."""
    celery_app.conf.update(conf)
    celery_app._pool = None
    amqp = celery_app.amqp
    amqp._producer_pool = None
    for cached in ("queues", "router", "_rtable", "default_queue"):
        amqp.__dict__.pop(cached, None)
