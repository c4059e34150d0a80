"""The Prometheus endpoint: request latency by view, the outbox, reminder runs, the Celery queue.

We use prometheus-client rather than django-prometheus: we need one histogram and a handful of
numbers read from the database at scrape time, and django-prometheus would wrap every database
and cache backend and add two middlewares to export dozens of series nobody graphs.

Request latency is counted in each web process. Under gunicorn, `PROMETHEUS_MULTIPROC_DIR` makes
every worker write to files in that folder, and a scrape adds them up (see deploy/gunicorn.conf.py).
The outbox, reminder and queue numbers are read when scraped, so every process reports the same.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from leanleaders import broker
from leanleaders.models import OutboxEmail, ReminderRuleStat

REQUEST_SECONDS = Histogram(
    "leanleaders_request_duration_seconds",
    "Time to answer a request, by view and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def observe_request(*, view: str, method: str, seconds: float) -> None:
    REQUEST_SECONDS.labels(view=view, method=method).observe(seconds)


class StoredStateCollector(Collector):
    """Numbers read from the database and the broker each time Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        # With the database down the scrape still answers: latency, the queue and this gauge.
        try:
            stored = list(self._stored())
        except DatabaseError:
            stored = []
        yield GaugeMetricFamily(
            "leanleaders_database_up", "1 if the database answered.", int(bool(stored))
        )
        yield from stored

        length = broker.queue_length()
        yield GaugeMetricFamily(
            "leanleaders_broker_up", "1 if the Celery broker answered.", int(length is not None)
        )
        if length is not None:
            yield GaugeMetricFamily(
                "leanleaders_celery_queue_length", "Tasks waiting in the Celery queue.", length
            )

    def _stored(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        outbox = OutboxEmail.objects.aggregate(
            pending=Count("pk", filter=Q(status=OutboxEmail.Status.PENDING)),
            failed=Count("pk", filter=Q(status=OutboxEmail.Status.FAILED)),
            oldest=Min("created_at", filter=Q(status=OutboxEmail.Status.PENDING)),
        )
        yield GaugeMetricFamily(
            "leanleaders_outbox_emails_pending", "Emails waiting to send.", outbox["pending"]
        )
        yield GaugeMetricFamily(
            "leanleaders_outbox_emails_failed",
            "Emails that failed every retry and wait for an analyst to send them again.",
            outbox["failed"],
        )
        oldest = outbox["oldest"]
        yield GaugeMetricFamily(
            "leanleaders_outbox_oldest_pending_seconds",
            "Age of the oldest email waiting to send (0 when none waits).",
            (timezone.now() - oldest).total_seconds() if oldest else 0,
        )

        runs = CounterMetricFamily(
            "leanleaders_reminder_rule_runs", "Times each reminder rule has run.", labels=["rule"]
        )
        queued = CounterMetricFamily(
            "leanleaders_reminder_emails_queued",
            "Emails each reminder rule has queued, over all its runs.",
            labels=["rule"],
        )
        last = GaugeMetricFamily(
            "leanleaders_reminder_last_run_queued",
            "Emails each reminder rule queued on its latest run.",
            labels=["rule"],
        )
        for stat in ReminderRuleStat.objects.order_by("rule"):
            runs.add_metric([stat.rule], stat.runs)
            queued.add_metric([stat.rule], stat.queued_total)
            last.add_metric([stat.rule], stat.last_queued)
        yield from (runs, queued, last)


def registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(StoredStateCollector())
    return registry


def scrape_allowed(request: HttpRequest) -> bool:
    """A bearer token, or a configured peer address. A request that came through the proxy
    carries X-Forwarded-For and its peer is the proxy itself, so only the token lets it in."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponseForbidden("Metrics need a token or an allowed address.\n")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
