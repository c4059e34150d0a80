"""Thin Celery tasks for the shared outbox."""

from __future__ import annotations

import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from leanleaders.mail import (
    SEND_BATCH_TASK,
    outbox_claim_cutoff,
    outbox_mark_failed,
    outbox_new_claim,
    outbox_publish,
    outbox_send,
    outbox_send_batch,
)
from leanleaders.models import OutboxEmail
from leanleaders.reminders import all_rules, rule_run
from leanleaders.services import READ_ORG_IMPORT_TASK, org_import_preview

MAX_SEND_ATTEMPTS = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_SEND_ATTEMPTS - 1)
def send_outbox_email_task(self, outbox_id: int) -> bool:
    claim = outbox_new_claim()
    try:
        return outbox_send(outbox_id=outbox_id, claim=claim)
    except (smtplib.SMTPException, OSError) as exc:
        final = self.request.retries >= self.max_retries
        outbox_mark_failed(outbox_id=outbox_id, claim=claim, error=repr(exc), final=final)
        if final:
            return False
        base = settings.LEANLEADERS_SMTP_RETRY_BASE_SECONDS
        raise self.retry(exc=exc, countdown=min(base * 2**self.request.retries, 900)) from exc


@shared_task(name=SEND_BATCH_TASK, acks_late=True)
def send_outbox_emails_task(outbox_ids: list[int]) -> int:
    """Send a batch over this process's kept SMTP connection under one claim
    (`outbox_send_batch`). A message the server refuses goes on to `send_outbox_email_task`,
    which retries it with backoff; the rest of the batch carries on. Returns how many this task
    sent."""
    claim = outbox_new_claim()
    sent, refused = outbox_send_batch(outbox_ids=outbox_ids, claim=claim)
    for failure in refused:
        outbox_mark_failed(
            outbox_id=failure.outbox_id, claim=claim, error=repr(failure.error), final=False
        )
        send_outbox_email_task.apply_async(
            (failure.outbox_id,), countdown=settings.LEANLEADERS_SMTP_RETRY_BASE_SECONDS
        )
    return sent


@shared_task(acks_late=True)
def sweep_outbox_task(older_than_seconds: int = 60) -> int:
    """Re-enqueue messages still pending after a while (queued while Redis was down, or their
    task was lost with a killed worker) and those whose sender died mid-send (a claim older
    than `LEANLEADERS_OUTBOX_CLAIM_SECONDS`). Returns how many were published."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    waiting = OutboxEmail.objects.filter(
        Q(status=OutboxEmail.Status.PENDING, created_at__lte=cutoff)
        | Q(status=OutboxEmail.Status.SENDING, claimed_at__lt=outbox_claim_cutoff())
    ).values_list("pk", flat=True)[:500]
    return outbox_publish(list(waiting))


@shared_task(acks_late=True)
def run_all_reminders_task() -> int:
    """Hourly: run every rule. Each queues only what is newly due, so repeats are harmless."""
    return sum(rule_run(key=key).queued for key in all_rules())


@shared_task(name=READ_ORG_IMPORT_TASK, acks_late=True)
def read_org_import_task(import_id: int) -> str:
    """Read an uploaded HR export and store its preview (idempotent: a read import is left)."""
    return org_import_preview(import_id=import_id).status
