"""Reminder throughput: evaluate every rule for 5,000 trainees, then deliver with one worker.

Run by hand (PostgreSQL and Redis on loopback; nothing leaves this machine):

    .venv/bin/python bench/reminders.py --trainees 5000

It builds its own database (`leanleaders_bench_reminders`), so it never touches the test or demo
data, and prints a markdown table:
- rules: time to evaluate every reminder rule and queue the emails (outbox rows + broker);
- worker: emails per second that one Celery worker delivers to a local SMTP server (aiosmtpd);
- ceiling: emails per second that raw `smtplib` sends of the same messages in one loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.worker import deliver_with_worker, raw_smtplib_seconds, recreate_database  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "support"))

DB_NAME = "leanleaders_bench_reminders"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
QUEUE = f"bench-{uuid.uuid4().hex[:8]}"

os.environ.update(
    DJANGO_SETTINGS_MODULE="leanleaders.test_settings",
    DATABASE_URL=f"{PG}/{DB_NAME}",
    LEANLEADERS_TEST_WORKER="1",
    LEANLEADERS_TEST_QUEUE=QUEUE,
    REDIS_URL=REDIS_URL,
)


def build(trainees: int) -> None:
    """Cohorts under way with `trainees` enrolled, each with a quiet project."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from applications.models import Application
    from cohorts.models import Cohort, Enrollment
    from leanleaders.models import Department, User
    from projects.models import Measure, Project

    today = timezone.localdate()
    password = make_password("bench-password")
    departments = Department.objects.bulk_create(
        Department(name=f"Department {n}", code=f"D{n}") for n in range(50)
    )
    User.objects.create(
        email="analyst@bench.test", full_name="Analyst", role="analyst", password=password
    )
    users = User.objects.bulk_create(
        User(
            email=f"t{n}@bench.test",
            full_name=f"Trainee {n}",
            role="trainee",
            department=departments[n % 50],
            password=password,
        )
        for n in range(trainees)
    )
    per_cohort = 25
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            name=f"Cohort {n}",
            status=Cohort.Status.IN_PROGRESS,
            location="City Hall",
            capacity=per_cohort,
            day1=today - dt.timedelta(days=20),
            day2=today - dt.timedelta(days=19),
            day3=today + dt.timedelta(days=1),
        )
        for n in range(trainees // per_cohort + 1)
    )
    applications = Application.objects.bulk_create(
        Application(
            trainee=u,
            department=u.department,
            program_year=today.year,
            status="accepted",
            title=f"Process {u.pk}",
        )
        for u in users
    )
    Enrollment.objects.bulk_create(
        Enrollment(
            cohort=cohorts[i // per_cohort], application=a, trainee=a.trainee, status="enrolled"
        )
        for i, a in enumerate(applications)
    )
    long_ago = timezone.now() - dt.timedelta(days=30)
    projects = Project.objects.bulk_create(
        Project(
            application=a,
            trainee=a.trainee,
            department=a.department,
            title=a.title,
            created_at=long_ago,
        )
        for a in applications
    )
    Measure.objects.bulk_create(
        Measure(project=p, is_primary=True, name="Days", unit="days") for p in projects
    )


def evaluate_rules() -> tuple[float, int]:
    from django.utils import timezone

    from leanleaders.reminders import all_rules, rule_run
    from leanleaders.tasks import send_outbox_email_task

    send_outbox_email_task.app.conf.task_default_queue = QUEUE
    started = time.perf_counter()
    queued = sum(rule_run(key=key, now=timezone.now(), force=True).queued for key in all_rules())
    return time.perf_counter() - started, queued


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trainees", type=int, default=5000)
    args = parser.parse_args()

    recreate_database(f"{PG}/postgres", DB_NAME)
    import django

    django.setup()
    import logging

    from django.core.management import call_command
    from smtp import SmtpServer

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    build(args.trainees)
    build_seconds = time.perf_counter() - started

    rules_seconds, queued = evaluate_rules()
    with SmtpServer() as server:
        worker_seconds = deliver_with_worker(
            queue=QUEUE,
            smtp_port=server.port,
            expected=queued,
            deadline=time.monotonic() + 600,
            log_name="reminders-worker.log",
        )
        delivered = len(server.handler.messages)
    with SmtpServer() as server:
        ceiling_seconds, ceiling_count = raw_smtplib_seconds(server.port)

    print(f"\nDataset: {args.trainees} trainees built in {build_seconds:.1f} s\n")
    print("| step | emails | seconds | emails/s |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| evaluate all rules and queue (outbox + Redis) | {queued} | {rules_seconds:.1f} "
        f"| {queued / rules_seconds:.0f} |"
    )
    print(
        f"| one worker (2 processes) delivers to local SMTP | {delivered} | "
        f"{worker_seconds:.1f} | {delivered / worker_seconds:.0f} |"
    )
    print(
        f"| ceiling: raw smtplib, one connection, one loop | {ceiling_count} | "
        f"{ceiling_seconds:.1f} | {ceiling_count / ceiling_seconds:.0f} |"
    )


if __name__ == "__main__":
    main()
