"""Queue and send email through the outbox.

`email_queue` renders a message from its three templates (`<name>.subject.txt`, `<name>.txt`,
`<name>.html`), stores it as an `OutboxEmail` row in the caller's transaction and asks Celery to
send it once that transaction commits (with the rest of the request's sends, in tasks of up to
100). The row's unique `dedupe_key` makes a repeated call a no-op, and a broker outage only
delays the send: the sweeper picks up rows that are still pending. A worker claims a batch's
rows in one update before it talks to SMTP, sends them over one kept connection and marks each
sent as the server accepts it (`outbox_send_batch`; `outbox_send` for a single retry).
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from leanleaders.models import OutboxEmail, User
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


def _render_plain_text(name: str, context: dict[str, Any]) -> str:
    """A template rendered without HTML escaping: a subject is a header, not HTML, and
    “&quot;” would reach the reader as typed."""
    backend = cast(DjangoTemplates, engines["django"])  # the only engine in settings.TEMPLATES
    return backend.engine.get_template(name).render(Context(context, autoescape=False))


def email_render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    context = {
        "program_name": settings.LEANLEADERS_PROGRAM_NAME,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute_url(reverse("notification-preferences")),
        **context,
    }
    subject = " ".join(_render_plain_text(f"{template}.subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    return subject, text, html


def recipient_languages(addresses: Sequence[str]) -> dict[str, list[str]]:
    """The addresses grouped by the language each person reads: their saved choice, else the
    site's language (also for an address that is nobody's account). The site's group first."""
    chosen = dict(
        User.objects.filter(email__in=addresses)
        .exclude(language="")
        .values_list("email", "language")
    )
    groups: dict[str, list[str]] = {settings.LANGUAGE_CODE: []}
    for address in addresses:
        groups.setdefault(chosen.get(address, settings.LANGUAGE_CODE), []).append(address)
    return {language: group for language, group in groups.items() if group}


def email_queue(
    *,
    to: Iterable[str],
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    reason: str | Promise = "",
    attachments: Sequence[Attachment] = (),
) -> OutboxEmail | None:
    """Store one message in the outbox and send it after commit. Returns None for a repeat key.

    Each recipient reads it in their own language (`User.language`): recipients who read
    different languages get one message per language, the first under `dedupe_key` and the
    others under `<dedupe_key>:<language>`; the first stored is returned."""
    recipients = sorted({_single_line(address) for address in to if address})
    if not recipients:
        return None
    queued: list[OutboxEmail] = []
    for index, (language, group) in enumerate(recipient_languages(recipients).items()):
        with translation.override(language):
            outbox = _outbox_store(
                to=group,
                template=template,
                # A reason given lazily (gettext_lazy) is stored in the recipient's language.
                context={"reason": reason, **context},
                dedupe_key=dedupe_key if index == 0 else f"{dedupe_key}:{language}",
                reason=str(reason),
                attachments=attachments,
            )
        if outbox is not None:
            queued.append(outbox)
    return queued[0] if queued else None


def _outbox_store(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    reason: str,
    attachments: Sequence[Attachment],
) -> OutboxEmail | None:
    subject, text, html = email_render(template, context)
    _single_line(subject)
    try:
        with transaction.atomic():
            outbox = OutboxEmail.objects.create(
                dedupe_key=dedupe_key,
                to=to,
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


# After a failed publish this process stops publishing for a while. Each attempt against a hung
# broker costs its socket timeout, which every following request (and every batch of a reminder
# run) would otherwise pay again; the rows are safe in the outbox and the sweeper sends them once
# the broker answers.
PUBLISH_PAUSE_SECONDS = 30.0
_publish_paused_until = 0.0

# Messages per send task. A task's own cost (the broker round trips, handing it to a pool
# process, the acknowledgement) was most of a fan-out's time when each message had one.
PUBLISH_BATCH_SIZE = 100
# The task that sends a batch (`leanleaders.tasks`), enqueued by its name: the tasks module is the
# layer above this one (it imports what it runs from here), so this one does not import it.
SEND_BATCH_TASK = "leanleaders.tasks.send_outbox_emails_task"


class _PublishBatch(threading.local):
    outbox_ids: list[int] | None = None


_batch = _PublishBatch()


@contextmanager
def outbox_publishing_batched() -> Iterator[None]:
    """Publish the sends committed inside this block together, in tasks of up to
    `PUBLISH_BATCH_SIZE` messages, as each batch fills and when the block ends. Every request
    runs inside one (`leanleaders.middleware.outbox_publishing`), and so does each reminder
    rule's run and the sweeper. Nested blocks join the outer one."""
    if _batch.outbox_ids is not None:
        yield
        return
    _batch.outbox_ids = []
    try:
        yield
    finally:
        outbox_ids, _batch.outbox_ids = _batch.outbox_ids, None
        outbox_publish(outbox_ids)


def outbox_enqueue(outbox_id: int) -> None:
    """Have a committed message sent: now, or with the batch this block is collecting."""
    if _batch.outbox_ids is None:
        outbox_publish([outbox_id])
        return
    _batch.outbox_ids.append(outbox_id)
    if len(_batch.outbox_ids) >= PUBLISH_BATCH_SIZE:
        outbox_publish(_batch.outbox_ids)
        _batch.outbox_ids = []


def outbox_publish(outbox_ids: Sequence[int]) -> int:
    """Hand messages to Celery in tasks of up to `PUBLISH_BATCH_SIZE`; returns how many were
    published. A broker failure is logged, publishing pauses for `PUBLISH_PAUSE_SECONDS`, and
    the rest is left to the sweeper."""
    global _publish_paused_until
    published = 0
    for start in range(0, len(outbox_ids), PUBLISH_BATCH_SIZE):
        if time.monotonic() < _publish_paused_until:
            break
        chunk = list(outbox_ids[start : start + PUBLISH_BATCH_SIZE])
        try:
            current_app.signature(SEND_BATCH_TASK, args=(chunk,)).apply_async()
        except Exception:  # the broker being down must never fail the request
            _publish_paused_until = time.monotonic() + PUBLISH_PAUSE_SECONDS
            logger.warning(
                "Could not publish %d outbox emails; publishing pauses for %.0f s and the "
                "sweeper will send what waits.",
                len(outbox_ids) - published,
                PUBLISH_PAUSE_SECONDS,
            )
            break
        published += len(chunk)
    return published


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


def outbox_new_claim() -> str:
    """Names the host, the process and this attempt, so a late answer from an older attempt
    never marks a newer one's claim."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:12]}"[-100:]


def outbox_claim_cutoff() -> datetime:
    """Claims made before this are dead: the sender was killed or lost mid-send."""
    return timezone.now() - timedelta(seconds=settings.LEANLEADERS_OUTBOX_CLAIM_SECONDS)


@contextmanager
def _sender_write() -> Iterator[None]:
    """A transaction for the sender's own status updates (claim, sent, failed) that does not wait
    for PostgreSQL to flush its log to disk. Other sessions see the update at once, so claims
    work across workers as ever; only a crash of PostgreSQL itself can lose its last fraction of
    a second of these updates, and then those messages are sent again. Waiting for the flush
    twice per message was most of a fan-out's time."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def _claimable() -> Q:
    return Q(status=OutboxEmail.Status.PENDING) | Q(
        status=OutboxEmail.Status.SENDING, claimed_at__lt=outbox_claim_cutoff()
    )


def outbox_claim_batch(*, outbox_ids: Sequence[int], claim: str) -> list[OutboxEmail]:
    """Mark the claimable messages among `outbox_ids` as being sent under `claim`, committed
    before any SMTP traffic, and return them in the order asked.

    A message is claimable while pending, or while sending under a claim older than
    `LEANLEADERS_OUTBOX_CLAIM_SECONDS`. One conditional UPDATE decides for the whole batch, so
    of two workers holding the same job (a redelivery, a sweep) exactly one sends each message;
    what this caller lost, or what is sent, failed or gone, is left out.
    """
    with _sender_write():
        won = OutboxEmail.objects.filter(_claimable(), pk__in=outbox_ids).update(
            status=OutboxEmail.Status.SENDING,
            claimed_by=claim,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    if not won:
        return []
    claimed = OutboxEmail.objects.filter(
        pk__in=outbox_ids, status=OutboxEmail.Status.SENDING, claimed_by=claim
    ).in_bulk()
    return [claimed[pk] for pk in dict.fromkeys(outbox_ids) if pk in claimed]


def outbox_claim(*, outbox_id: int, claim: str) -> OutboxEmail | None:
    """`outbox_claim_batch` for one message: None if this caller lost, or the message is sent,
    failed or gone."""
    claimed = outbox_claim_batch(outbox_ids=[outbox_id], claim=claim)
    return claimed[0] if claimed else None


def _outbox_claim_renew(*, outbox_ids: Sequence[int], claim: str) -> set[int]:
    """Restart the clock on a batch's unsent claims, so that its last messages are not taken
    for lost while the first ones go out; returns the ids still held."""
    with _sender_write():
        renewed = OutboxEmail.objects.filter(
            pk__in=outbox_ids, status=OutboxEmail.Status.SENDING, claimed_by=claim
        ).update(claimed_at=timezone.now())
    if renewed == len(outbox_ids):
        return set(outbox_ids)
    # Fewer than asked: this process stalled past its claim and someone else took over some.
    return set(
        OutboxEmail.objects.filter(
            pk__in=outbox_ids, status=OutboxEmail.Status.SENDING, claimed_by=claim
        ).values_list("pk", flat=True)
    )


def outbox_mark_failed(*, outbox_id: int, claim: str, error: str, final: bool) -> None:
    """The send under `claim` failed: back to pending for the retry, or failed for good."""
    with _sender_write():
        OutboxEmail.objects.filter(
            pk=outbox_id, status=OutboxEmail.Status.SENDING, claimed_by=claim
        ).update(
            status=OutboxEmail.Status.FAILED if final else OutboxEmail.Status.PENDING,
            last_error=error[:2000],
        )


# Mail servers commonly drop a connection idle for a minute or more; close ours before that.
SMTP_IDLE_SECONDS = 30.0


class _ThreadConnection(threading.local):
    backend: BaseEmailBackend | None = None
    used_at: float = 0.0


_smtp = _ThreadConnection()


def smtp_connection_close() -> None:
    """Close this thread's kept SMTP connection, if any (a worker process shutting down)."""
    if _smtp.backend is not None:
        _smtp.backend.close()
        _smtp.backend = None


def _smtp_backend() -> tuple[BaseEmailBackend, bool]:
    """This thread's open connection and whether it was used before. A worker process sends
    a fan-out through one connection instead of one per message (the handshake was most of the
    cost); one idle longer than `SMTP_IDLE_SECONDS` is closed first, as servers drop those."""
    if _smtp.backend is not None and time.monotonic() - _smtp.used_at > SMTP_IDLE_SECONDS:
        smtp_connection_close()
    reused = _smtp.backend is not None
    if _smtp.backend is None:
        _smtp.backend = get_connection(fail_silently=False)
        _smtp.backend.open()
    _smtp.used_at = time.monotonic()
    return _smtp.backend, reused


def _smtp_deliver(message: EmailMultiAlternatives) -> None:
    backend, reused = _smtp_backend()
    try:
        try:
            backend.send_messages([message])
        except smtplib.SMTPServerDisconnected:
            if not reused:
                raise
            # The server dropped the kept connection (it restarted, or timed it out sooner than
            # we expected) before taking the message: send it on a new one.
            smtp_connection_close()
            backend, _ = _smtp_backend()
            backend.send_messages([message])
    except BaseException:
        smtp_connection_close()  # the connection's state is unknown now
        raise


@contextmanager
def _sender_session() -> Iterator[None]:
    """The `_sender_write` trade for a whole batch's "sent" updates: each is then one
    autocommitted UPDATE, one round trip, with no transaction around it. The setting is put
    back when the batch ends; a connection that broke meanwhile is closed by Django anyway."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _outbox_mark_sent(*, outbox_id: int, claim: str) -> None:
    """The one statement a fan-out runs per message. It is written out because building and
    compiling it through the ORM took four times the statement's own time, every message."""
    table = connection.ops.quote_name(OutboxEmail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, last_error = '' "  # noqa: S608 (the table name is the model's; every value is a parameter)
            "WHERE id = %s AND claimed_by = %s",
            [
                OutboxEmail.Status.SENT,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                outbox_id,
                claim,
            ],
        )


@dataclass(frozen=True)
class OutboxRefused:
    """A message of a batch the server (or the network) refused, with why."""

    outbox_id: int
    error: BaseException


def outbox_send_batch(*, outbox_ids: Sequence[int], claim: str) -> tuple[int, list[OutboxRefused]]:
    """Send a batch of outbox messages over this thread's kept SMTP connection, in the order
    given, skipping those sent or being sent elsewhere. Returns how many this call sent and the
    messages refused (each left *sending* under `claim`, for the caller to retry).

    The whole batch is claimed in one UPDATE, committed before any SMTP traffic
    (`outbox_claim_batch`); each message is marked sent as soon as the server accepts it. The
    claims of the messages still waiting are renewed whenever they are older than one
    `EMAIL_TIMEOUT`, so every message starts its exchange under a claim as fresh as a single
    send's. If the process dies, the message in flight is the only one that can go out twice;
    the batch's unsent rest waits for the sweeper (`LEANLEADERS_OUTBOX_CLAIM_SECONDS`).
    """
    claimed = outbox_claim_batch(outbox_ids=outbox_ids, claim=claim)
    renew_after = float(settings.EMAIL_TIMEOUT)
    claimed_at = time.monotonic()
    sent = 0
    refused: list[OutboxRefused] = []
    held = {outbox.pk for outbox in claimed}
    with _sender_session():
        for index, outbox in enumerate(claimed):
            if time.monotonic() - claimed_at > renew_after:
                claimed_at = time.monotonic()
                waiting = [o.pk for o in claimed[index:] if o.pk in held]
                held = _outbox_claim_renew(outbox_ids=waiting, claim=claim)
            if outbox.pk not in held:
                continue
            try:
                _smtp_deliver(outbox_build_message(outbox))
            except (smtplib.SMTPException, OSError) as exc:
                refused.append(OutboxRefused(outbox_id=outbox.pk, error=exc))
                continue
            _outbox_mark_sent(outbox_id=outbox.pk, claim=claim)
            sent += 1
    return sent, refused


def outbox_send(*, outbox_id: int, claim: str) -> bool:
    """Send one outbox message unless it is sent or someone else is sending it. Returns True if
    this call sent it.

    The claim is committed first (`outbox_claim`), then the message goes over this thread's kept
    SMTP connection, then the row is marked sent. No row lock is held while SMTP talks. If the
    process dies between the server's acceptance and that last update, the sweeper sends the
    message again once the claim is older than `LEANLEADERS_OUTBOX_CLAIM_SECONDS`: a kill costs at
    most the one message in flight; nothing narrower is possible without the server's help.
    """
    outbox = outbox_claim(outbox_id=outbox_id, claim=claim)
    if outbox is None:
        return False
    _smtp_deliver(outbox_build_message(outbox))
    with _sender_write():
        _outbox_mark_sent(outbox_id=outbox_id, claim=claim)
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

            raise ValidationError(translation.gettext("Only a failed email can be sent again."))
        audit_record(target=outbox, action="resend", by=by, data={"error": outbox.last_error})  # type: ignore[arg-type]
        outbox.status = OutboxEmail.Status.PENDING
        outbox.save(update_fields=["status"])
        transaction.on_commit(lambda: outbox_enqueue(outbox.pk), robust=True)
    return outbox
