"""Thin Celery tasks for cohorts (scheduled with beat; never with a far-future ETA)."""

from __future__ import annotations

from celery import shared_task

from cohorts.services import enrollment_offers_expire


@shared_task(acks_late=True)
def expire_waitlist_offers_task() -> int:
    """Lapse seat offers past their deadline and pass each seat to the next person waiting."""
    return enrollment_offers_expire()
