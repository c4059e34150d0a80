"""Queue and send email through the outbox.

`email_queue` renders a message from its three templates (`<name>.subject.txt`, `<name>.txt`,
`<name>.html`), stores it as an `OutboxEmail` row in the caller's transaction and asks Celery to
send it once that transaction commits. The row's unique `dedupe_key` makes a repeated call a no-op,
and a broker outage only delays the send: the sweeper picks up rows that are still pending.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leanleaders.models import OutboxEmail
from leanleaders.observability import REQUEST_ID_HEADER, current_request_id

logger = logging.getLogger(__name__)


class HeaderInjectionError(ValueError):
    pass


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _single_line(value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjectionError("Email header values may not contain line breaks.")
    return value


def email_render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {
        "program_name": settings.LEANLEADERS_PROGRAM_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute_url(reverse("notification-preferences")),
        **context,
    }
    subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    reason: str = "",
    attachments: Sequence[Attachment] = (),
) -> OutboxEmail | None:
    """Store one message in the outbox and send it after commit. Returns None for a repeat key."""
    recipients = sorted({_single_line(address) for address in to if address})
    if not recipients:
        return None
    subject, text, html = email_render(template, {"reason": reason, **context})
    _single_line(subject)
    try:
        with transaction.atomic():
            outbox = OutboxEmail.objects.create(
                dedupe_key=dedupe_key,
                to=recipients,
                subject=subject[:255],
                body_text=text,
                body_html=html,
                reason=reason,
                request_id=current_request_id(),
                attachments=[a.__dict__ for a in attachments],
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: outbox_enqueue(outbox.pk), robust=True)
    return outbox


def outbox_enqueue(outbox_id: int) -> None:
    """Hand a message to Celery. A broker failure is logged and left to the sweeper."""
    from leanleaders.tasks import send_outbox_email_task

    try:
        send_outbox_email_task.delay(outbox_id)
    except Exception:  # the broker being down must never fail the request
        logger.warning("Could not enqueue outbox email %s; the sweeper will retry.", outbox_id)


def outbox_build_message(outbox: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outbox.subject,
        body=outbox.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=outbox.to,
        headers={
            "X-LeanLeaders-Key": outbox.dedupe_key[:200],
            **({REQUEST_ID_HEADER: outbox.request_id} if outbox.request_id else {}),
        },
    )
    if outbox.body_html:
        message.attach_alternative(outbox.body_html, "text/html")
    for attachment in outbox.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def outbox_mark_failed(*, outbox_id: int, error: str, final: bool) -> None:
    with transaction.atomic():
        outbox = OutboxEmail.objects.select_for_update().get(pk=outbox_id)
        if outbox.status == OutboxEmail.Status.SENT:
            return
        # The failed attempt's own increment was rolled back with its transaction.
        outbox.attempts += 1
        outbox.last_error = error[:2000]
        if final:
            outbox.status = OutboxEmail.Status.FAILED
        outbox.save(update_fields=["attempts", "last_error", "status"])


def outbox_send(*, outbox_id: int) -> bool:
    """Send one outbox message unless it was already sent. Returns True if this call sent it.

    Locks the row for the duration of the SMTP exchange so two workers holding the same job send
    it once. A crash between the SMTP server's answer and the commit can still repeat a message;
    nothing narrower is possible without the server's cooperation.
    """
    with transaction.atomic():
        outbox = OutboxEmail.objects.select_for_update().filter(pk=outbox_id).first()
        if outbox is None or outbox.status == OutboxEmail.Status.SENT:
            return False
        outbox.attempts += 1
        outbox_build_message(outbox).send(fail_silently=False)
        outbox.status = OutboxEmail.Status.SENT
        outbox.sent_at = timezone.now()
        outbox.last_error = ""
        outbox.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_resend(*, outbox_id: int, by: object) -> OutboxEmail:
    """An analyst sends a failed message again; the failure history stays in the audit log."""
    from leanleaders.audit import audit_record
    from leanleaders.policies import ensure_can_manage_people

    ensure_can_manage_people(by)  # type: ignore[arg-type]
    with transaction.atomic():
        outbox = OutboxEmail.objects.select_for_update().get(pk=outbox_id)
        if outbox.status != OutboxEmail.Status.FAILED:
            from django.core.exceptions import ValidationError

            raise ValidationError("Only a failed email can be sent again.")
        audit_record(target=outbox, action="resend", by=by, data={"error": outbox.last_error})  # type: ignore[arg-type]
        outbox.status = OutboxEmail.Status.PENDING
        outbox.save(update_fields=["status"])
        transaction.on_commit(lambda: outbox_enqueue(outbox.pk), robust=True)
    return outbox
