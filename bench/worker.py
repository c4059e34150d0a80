"""One Celery worker (2 processes) delivering to a local SMTP server: the mail and reminder runs
both time it."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_smtp_worker(*, queue: str, smtp_port: int, log_name: str) -> subprocess.Popen:
    """A worker on `queue` that sends through the SMTP server on 127.0.0.1:`smtp_port`, in a
    session of its own (stop it with `os.killpg`), logging to bench/out/`log_name`."""
    env = {
        **os.environ,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    log = ROOT / "bench" / "out" / log_name
    log.parent.mkdir(exist_ok=True)
    return subprocess.Popen(
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
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def deliver_with_worker(
    *, queue: str, smtp_port: int, expected: int, deadline: float, log_name: str
) -> float:
    """Start a worker, wait (until the `time.monotonic()` deadline) for `expected` emails to be
    sent, stop it. Seconds from the first claim to the last send, so worker start-up is not
    counted (NaN when nothing was sent)."""
    from django.db.models import Max, Min

    from leanleaders.models import OutboxEmail

    worker = start_smtp_worker(queue=queue, smtp_port=smtp_port, log_name=log_name)
    try:
        while time.monotonic() < deadline:
            if OutboxEmail.objects.filter(status="sent").count() >= expected:
                break
            time.sleep(0.5)
        window = OutboxEmail.objects.filter(status="sent").aggregate(
            first=Min("claimed_at"), last=Max("sent_at")
        )
        if window["first"] is None:
            return float("nan")
        return max((window["last"] - window["first"]).total_seconds(), 0.001)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)


def recreate_database(server_url: str, name: str) -> None:
    """An empty database `name` on the PostgreSQL server at `server_url` (its `postgres` db)."""
    import psycopg2

    conn = psycopg2.connect(server_url)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    conn.close()


def raw_smtplib_seconds(smtp_port: int) -> tuple[float, int]:
    """The ceiling: seconds raw `smtplib` takes to send every outbox row's message over one
    connection, in one loop, and how many it sent."""
    from leanleaders.mail import outbox_build_message
    from leanleaders.models import OutboxEmail

    messages = [outbox_build_message(o).message() for o in OutboxEmail.objects.all()]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", smtp_port) as client:
        for message in messages:
            client.sendmail(
                "leanleaders@example.org", message["To"], message.as_bytes(linesep="\r\n")
            )
    return time.perf_counter() - started, len(messages)
