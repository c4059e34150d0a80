"""/metrics: latency by view, the outbox, reminder runs and the queue, for a token or an address."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
import time_machine
from django.urls import reverse

from leanleaders.reminders import rule_run
from tests.leanleaders.test_mail_trouble import WORKING_HOUR, stuck_email
from tests.support.smtp import free_port

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scrape(client, settings):
    settings.METRICS_TOKEN = TOKEN

    def get() -> str:
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    return get


def value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.MULTILINE)
    assert match, f"{series} not in metrics"
    return float(match.group(1))


def test_nobody_without_the_token_or_an_allowed_address(client, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_an_allowed_address_but_only_straight_not_through_the_proxy(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get("/metrics").status_code == 200
    # Through nginx every request comes from 127.0.0.1; the proxy's header gives it away.
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403


def test_outbox_pending_failed_and_oldest_age(scrape):
    with time_machine.travel(WORKING_HOUR, tick=False):
        stuck_email(key="a", minutes=20)
        stuck_email(key="b", minutes=5)
        stuck_email(key="c", status="failed")
        text = scrape()
    assert value(text, "leanleaders_outbox_emails_pending") == 2
    assert value(text, "leanleaders_outbox_emails_failed") == 1
    assert value(text, "leanleaders_outbox_oldest_pending_seconds") == 20 * 60


def test_request_latency_by_view(client_for, trainee, scrape):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        pytest.skip("latency is read from the gunicorn workers' files")
    series = 'leanleaders_request_duration_seconds_count{method="GET",view="home"}'
    text = scrape()
    before = value(text, series) if series in text else 0
    client_for(trainee).get(reverse("home"))
    client_for(trainee).get(reverse("home"))
    assert value(scrape(), series) == before + 2


def test_reminder_runs_and_what_each_queued(analyst, scrape):
    with time_machine.travel(WORKING_HOUR, tick=False):
        stuck_email(status="failed")
        rule_run(key="mail-trouble")
        rule_run(key="mail-trouble")  # already told today: queues nothing
    text = scrape()
    assert value(text, 'leanleaders_reminder_rule_runs_total{rule="mail-trouble"}') == 2
    assert value(text, 'leanleaders_reminder_emails_queued_total{rule="mail-trouble"}') == 1
    assert value(text, 'leanleaders_reminder_last_run_queued{rule="mail-trouble"}') == 0


def test_a_dry_run_is_not_counted(scrape):
    with time_machine.travel(WORKING_HOUR + dt.timedelta(hours=1), tick=False):
        rule_run(key="mail-trouble", dry_run=True)
    assert 'rule="mail-trouble"' not in scrape()


def test_queue_length_and_broker_down(scrape, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    text = scrape()
    assert value(text, "leanleaders_broker_up") == 0
    assert "leanleaders_celery_queue_length" not in text


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI always sets it)")
def test_queue_length_counts_waiting_tasks(scrape, settings):
    import redis

    queue = f"metrics-test-{os.getpid()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        client.rpush(queue, "a", "b", "c")
        text = scrape()
    finally:
        client.delete(queue)
    assert value(text, "leanleaders_broker_up") == 1
    assert value(text, "leanleaders_celery_queue_length") == 3
