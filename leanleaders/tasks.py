"""Thin Celery tasks for the shared outbox."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from leanleaders.mail import outbox_enqueue, outbox_mark_failed, outbox_send
from leanleaders.models import OutboxEmail

MAX_SEND_ATTEMPTS = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def send_outbox_email_task(self, outbox_id: int) -> bool:
    try:
        return outbox_send(outbox_id=outbox_id)
    except (smtplib.SMTPException, OSError) as exc:
        final = self.request.retries >= self.max_retries
        outbox_mark_failed(outbox_id=outbox_id, error=repr(exc), final=final)
        if final:
            return False
        base = settings.LEANLEADERS_SMTP_RETRY_BASE_SECONDS
        raise self.retry(exc=exc, countdown=min(base * 2**self.request.retries, 900)) from exc


@shared_task(acks_late=True)
def sweep_outbox_task(older_than_seconds: int = 60) -> int:
    """Re-enqueue messages still pending after a while (e.g. queued while Redis was down)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)[:500]
    count = 0
    for outbox_id in pending:
        outbox_enqueue(outbox_id)
        count += 1
    return count


@shared_task(acks_late=True)
def run_all_reminders_task() -> int:
    """Hourly: run every rule. Each queues only what is newly due, so repeats are harmless."""
    from leanleaders.reminders import all_rules, rule_run

    return sum(rule_run(key=key).queued for key in all_rules())
