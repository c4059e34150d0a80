"""Mail fan-out: one Celery worker delivering 10,000 outbox emails, against raw smtplib.

Run by hand (PostgreSQL and Redis on loopback; nothing leaves this machine):

    .venv/bin/python bench/mail.py --emails 10000

It builds its own database (`leanleaders_bench_mail`) under the production settings, queues
`--emails` outbox rows, publishes their send tasks (100 messages each) on a queue of its own,
and starts one worker (2 processes, as in production) that delivers them to a local aiosmtpd
server. It then sends the same messages with raw `smtplib` over one connection, the ceiling.
It counts every message the server received by its outbox key, so a lost or a duplicate email
shows, and prints a markdown table. The run stops after `--timeout` seconds whatever happens.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker import deliver_with_worker, raw_smtplib_seconds, recreate_database  # noqa: E402

DB_NAME = "leanleaders_bench_mail"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = f"bench-mail-{uuid.uuid4().hex[:8]}"

# The production settings (bench.settings), so the worker keeps its database connection between
# tasks as it does in production.
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench.settings",
    DATABASE_URL=f"{PG}/{DB_NAME}",
    REDIS_URL=REDIS_URL,
)


def queue_rows(count: int) -> list[int]:
    """`count` outbox rows, one per trainee, with a real message's subject and bodies."""
    from leanleaders.mail import email_render
    from leanleaders.models import OutboxEmail

    subject, text, html = email_render(
        "leanleaders/emails/account_exists",
        {"user": {"full_name": "Pat"}, "reset_url": "http://testserver/x", "reason": "a bench"},
    )
    rows = OutboxEmail.objects.bulk_create(
        OutboxEmail(
            dedupe_key=f"bench:{n}",
            to=[f"t{n}@bench.test"],
            subject=subject,
            body_text=text,
            body_html=html,
        )
        for n in range(count)
    )
    return [row.pk for row in rows]


def publish(outbox_ids: list[int]) -> float:
    """In tasks of up to 100 messages, as a reminder rule's run or a request publishes."""
    from leanleaders.mail import outbox_publish

    started = time.perf_counter()
    published = outbox_publish(outbox_ids)
    if published != len(outbox_ids):
        raise SystemExit(f"Only {published} of {len(outbox_ids)} tasks published: is Redis up?")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=600, help="give up after (seconds)")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    recreate_database(f"{PG}/postgres", DB_NAME)
    import django

    django.setup()
    from django.core.management import call_command

    from leanleaders.celery import app
    from leanleaders.models import OutboxEmail
    from tests.support.smtp import SmtpServer

    app.conf.task_default_queue = QUEUE

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)

    outbox_ids = queue_rows(args.emails)
    publish_seconds = publish(outbox_ids)
    with SmtpServer() as server:
        worker_seconds = deliver_with_worker(
            queue=QUEUE,
            smtp_port=server.port,
            expected=args.emails,
            deadline=deadline,
            log_name="mail-worker.log",
        )
        received = Counter(m["X-LeanLeaders-Key"] for m in server.handler.messages)
        connections = len(set(server.handler.peers))
    with SmtpServer() as server:
        ceiling_seconds, ceiling_count = raw_smtplib_seconds(server.port)

    sent_rows = OutboxEmail.objects.filter(status="sent").count()
    delivered = sum(received.values())
    lost = args.emails - len(received)
    duplicates = delivered - len(received)
    worker_rate = delivered / worker_seconds
    ceiling_rate = ceiling_count / ceiling_seconds
    print(f"\n{args.emails:,} emails; queue {QUEUE}\n")
    print("| step | emails | seconds | emails/s |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| publish to Redis (tasks of 100) | {len(outbox_ids):,} | {publish_seconds:.1f} | "
        f"{len(outbox_ids) / publish_seconds:.0f} |"
    )
    print(
        f"| one worker (2 processes, {connections} SMTP connections) delivers | {delivered:,} | "
        f"{worker_seconds:.1f} | {worker_rate:.0f} |"
    )
    print(
        f"| ceiling: raw smtplib, one connection, one loop | {ceiling_count:,} | "
        f"{ceiling_seconds:.1f} | {ceiling_rate:.0f} |"
    )
    print(
        f"\nworker / ceiling: {worker_rate / ceiling_rate:.0%}; rows sent: {sent_rows:,}; "
        f"lost: {lost}; duplicates: {duplicates}"
    )


if __name__ == "__main__":
    main()
