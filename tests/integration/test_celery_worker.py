"""A real Celery worker on the real Redis, sending to a real SMTP server on loopback.

Needs PostgreSQL (the worker is another process and must see the test's committed rows) and
REDIS_URL; CI provides both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from leanleaders import mail
from leanleaders.celery import app as celery_app
from leanleaders.mail import email_queue, outbox_publish
from leanleaders.models import OutboxEmail
from leanleaders.observability import request_id_bound
from leanleaders.tasks import send_outbox_email_task, sweep_outbox_task
from tests.support.broker import reconnect
from tests.support.concurrency import run_concurrently
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.celery_integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI always sets it)"),
]


def _database_url() -> str:
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


class Worker:
    def __init__(self, smtp_port: int, queue: str, claim_seconds: int = 100) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "leanleaders.test_settings",
            "LEANLEADERS_TEST_WORKER": "1",
            "LEANLEADERS_TEST_QUEUE": queue,
            "DATABASE_URL": _database_url(),
            "REDIS_URL": REDIS_URL,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "LEANLEADERS_SMTP_RETRY_BASE_SECONDS": "1",
            "LEANLEADERS_OUTBOX_CLAIM_SECONDS": str(claim_seconds),
        }
        self.log = ROOT / "test-artifacts" / f"worker-{queue}.log"
        self.log.parent.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "leanleaders",
                "worker",
                "-Q",
                queue,
                "--concurrency",
                "2",
                "--pool",
                "prefork",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the pool too
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in self.log.read_text():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("Celery worker did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: no warm shutdown, no acknowledgement."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(15)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def broker_queue():
    """Point this process's Celery app at the real Redis, on a queue of this test's own."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    saved = {
        k: celery_app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")
    }
    reconnect(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=queue)
    yield queue
    reconnect(**saved)


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def worker(smtp, broker_queue):
    running = Worker(smtp.port, broker_queue)
    yield running
    running.stop()


def queue_message(key: str, to: str = "pat@sfgov.org") -> OutboxEmail | None:
    with transaction.atomic():
        return email_queue(
            to=[to],
            template="leanleaders/emails/account_exists",
            context={"user": {"full_name": "Pat"}, "reset_url": "http://testserver/x"},
            dedupe_key=key,
            reason="an integration test",
        )


def wait_until_sent(count: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboxEmail.objects.filter(status="sent").count() >= count:
            return
        time.sleep(0.2)


def test_worker_delivers_queued_mail_through_smtp(worker, smtp):
    for n in range(5):
        queue_message(f"integration:{n}", to=f"person{n}@sfgov.org")
    received = smtp.handler.wait_for(5)
    assert sorted(m["To"] for m in received) == [f"person{n}@sfgov.org" for n in range(5)]
    assert all("already have" in m["Subject"] for m in received)
    wait_until_sent(5)
    assert OutboxEmail.objects.filter(status="sent").count() == 5


def test_the_same_message_enqueued_many_times_at_once_is_sent_once(worker, smtp):
    outbox = queue_message("integration:dupe")
    run_concurrently([lambda: send_outbox_email_task.delay(outbox.pk)] * 6)
    smtp.handler.wait_for(1)
    time.sleep(3)  # give the duplicates every chance to arrive
    assert len(smtp.handler.messages) == 1
    assert queue_message("integration:dupe") is None  # the key is taken: nothing queued


def test_a_failing_smtp_server_is_retried_then_delivered(broker_queue):
    with SmtpServer(fail_first=2) as flaky:
        running = Worker(flaky.port, broker_queue)
        try:
            outbox = queue_message("integration:flaky")
            received = flaky.handler.wait_for(1, timeout=45)
        finally:
            running.stop()
    assert len(received) == 1
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.SENT
    assert outbox.attempts == 3
    assert flaky.handler.attempts == 3


def test_broker_down_request_succeeds_fast_and_mail_goes_out_when_it_returns(
    smtp, broker_queue, monkeypatch
):
    # An address where nothing listens stands for Redis being down.
    reconnect(broker_url="redis://127.0.0.1:1/0")
    started = time.monotonic()
    outbox = queue_message("integration:broker-down")
    elapsed = time.monotonic() - started
    assert elapsed < 2, f"queueing took {elapsed:.1f}s with the broker down"
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.PENDING

    reconnect(broker_url=REDIS_URL)
    monkeypatch.setattr(mail, "_publish_paused_until", 0.0)  # the pause after the failure ends
    running = Worker(smtp.port, broker_queue)
    try:
        sweep_outbox_task(older_than_seconds=0)
        sweep_outbox_task(older_than_seconds=0)  # a second sweep must not send it again
        received = smtp.handler.wait_for(1)
        time.sleep(2)
    finally:
        running.stop()
    assert len(received) == 1
    assert len(smtp.handler.messages) == 1
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.SENT


def test_outbox_publish_never_raises_when_the_broker_is_unreachable(broker_queue):
    reconnect(broker_url="redis://127.0.0.1:1/0")
    started = time.monotonic()
    assert outbox_publish([123456]) == 0
    assert time.monotonic() - started < 2


def test_a_worker_killed_mid_send_costs_one_claim_window_and_no_duplicate(broker_queue, settings):
    claim_seconds = 15
    settings.LEANLEADERS_OUTBOX_CLAIM_SECONDS = claim_seconds  # the sweeper runs in this process
    with SmtpServer(hold_first=1) as smtp:
        first = Worker(smtp.port, broker_queue, claim_seconds=claim_seconds)
        outbox = queue_message("integration:killed")
        deadline = time.monotonic() + 20
        while smtp.handler.held == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        # The worker is inside the SMTP exchange, and its claim is already committed.
        outbox.refresh_from_db()
        assert outbox.status == OutboxEmail.Status.SENDING
        assert outbox.claimed_by
        first.kill()
        smtp.release_held()  # the server drops the dead client's half-sent message

        second = Worker(smtp.port, broker_queue, claim_seconds=claim_seconds)
        try:
            # While the claim is fresh nobody sends it again: not the sweeper, not a
            # redelivered task.
            assert sweep_outbox_task(older_than_seconds=0) == 0
            send_outbox_email_task.delay(outbox.pk)
            time.sleep(2)
            assert smtp.handler.messages == []
            # Once the claim is older than the window, the sweeper hands it to the live worker.
            time.sleep(max(0.0, outbox.claimed_at.timestamp() + claim_seconds - time.time()))
            assert sweep_outbox_task(older_than_seconds=0) == 1
            received = smtp.handler.wait_for(1)
            time.sleep(2)
        finally:
            second.stop()
    assert len(received) == 1
    assert len(smtp.handler.messages) == 1
    outbox.refresh_from_db()
    assert outbox.status == OutboxEmail.Status.SENT
    assert outbox.attempts == 2


def test_the_request_id_travels_with_the_task_into_the_worker_and_the_email(worker, smtp):
    with request_id_bound("click-0123456789"):
        queue_message("integration:traced")
    (received,) = smtp.handler.wait_for(1)
    assert received["X-Request-ID"] == "click-0123456789"
    wait_until_sent(1)
    # The worker's own log line for the send (a batch task, as every publish is) names the click.
    assert "[click-0123456789] Task leanleaders.tasks.send_outbox_emails_task" in (
        worker.log.read_text()
    )
