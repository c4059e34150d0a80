"""Delivering the outbox: a claim before SMTP (one per batch, renewed as it goes), one kept SMTP
connection, the sweeper's rule."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as sent_mail
from django.utils import timezone

from leanleaders.mail import email_queue, outbox_new_claim, outbox_send
from leanleaders.models import OutboxEmail
from leanleaders.tasks import send_outbox_email_task, send_outbox_emails_task, sweep_outbox_task
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.django_db

S = OutboxEmail.Status


def queue(key: str, to: str = "pat@sfgov.org") -> OutboxEmail:
    outbox = email_queue(
        to=[to],
        template="leanleaders/emails/account_exists",
        context={"user": {"full_name": "Pat"}, "reset_url": "http://testserver/x"},
        dedupe_key=key,
        reason="a test",
    )
    assert outbox is not None
    return outbox


def claimed(outbox: OutboxEmail, *, seconds_ago: float) -> OutboxEmail:
    OutboxEmail.objects.filter(pk=outbox.pk).update(
        status=S.SENDING,
        claimed_by="elsewhere/1/abc",
        claimed_at=timezone.now() - dt.timedelta(seconds=seconds_ago),
    )
    return outbox


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        yield server


def test_a_send_records_its_claim_and_the_time_on_the_row():
    outbox = queue("claim")
    claim = outbox_new_claim()
    assert outbox_send(outbox_id=outbox.pk, claim=claim) is True
    outbox.refresh_from_db()
    assert (outbox.status, outbox.claimed_by, outbox.attempts) == (S.SENT, claim, 1)
    assert outbox.claimed_at <= outbox.sent_at


def test_a_message_someone_is_sending_is_not_sent_again_until_their_claim_is_stale(settings):
    settings.LEANLEADERS_OUTBOX_CLAIM_SECONDS = 100
    outbox = claimed(queue("in-flight"), seconds_ago=99)
    # A redelivered task, or a second worker, finds the row being sent and leaves it.
    assert outbox_send(outbox_id=outbox.pk, claim=outbox_new_claim()) is False
    assert sent_mail.outbox == []
    claimed(outbox, seconds_ago=101)
    assert outbox_send(outbox_id=outbox.pk, claim=outbox_new_claim()) is True
    assert len(sent_mail.outbox) == 1


def test_the_sweeper_resends_pending_rows_and_dead_claims_but_not_live_ones(settings):
    settings.LEANLEADERS_OUTBOX_CLAIM_SECONDS = 100
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    queue("waiting", to="waiting@sfgov.org")
    dead, live = queue("dead", to="dead@sfgov.org"), queue("live", to="live@sfgov.org")
    OutboxEmail.objects.update(created_at=long_ago)
    claimed(dead, seconds_ago=101)
    claimed(live, seconds_ago=5)
    assert sweep_outbox_task(older_than_seconds=60) == 2  # eager here: each is sent at once
    assert sorted(m.to[0] for m in sent_mail.outbox) == ["dead@sfgov.org", "waiting@sfgov.org"]
    statuses = dict(OutboxEmail.objects.values_list("dedupe_key", "status"))
    assert statuses == {"waiting": S.SENT, "dead": S.SENT, "live": S.SENDING}


def test_a_fan_out_goes_through_one_smtp_connection(smtp):
    rows = [queue(f"fan-out:{n}", to=f"person{n}@sfgov.org") for n in range(5)]
    assert send_outbox_emails_task([row.pk for row in rows[:3]]) == 3
    assert send_outbox_emails_task([row.pk for row in rows[3:]]) == 2
    received = smtp.handler.wait_for(5)
    assert sorted(m["To"] for m in received) == [f"person{n}@sfgov.org" for n in range(5)]
    assert len(set(smtp.handler.peers)) == 1
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_kept_connection_the_server_dropped_is_replaced_without_losing_the_message(smtp):
    first, second = queue("before-restart"), queue("after-restart", to="sam@sfgov.org")
    assert send_outbox_email_task(first.pk) is True
    smtp.restart()
    assert send_outbox_email_task(second.pk) is True
    received = smtp.handler.wait_for(2)
    assert [m["To"] for m in received] == ["pat@sfgov.org", "sam@sfgov.org"]
    assert len(set(smtp.handler.peers)) == 2
    second.refresh_from_db()
    assert (second.status, second.attempts) == (S.SENT, 1)


def test_a_refused_send_is_retried_and_each_attempt_counts_once(settings):
    with SmtpServer(fail_first=1) as flaky:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = flaky.port
        outbox = queue("refused")
        send_outbox_email_task.apply(args=[outbox.pk])  # eager: the retry runs at once
        received = flaky.handler.wait_for(1)
    assert len(received) == 1
    assert flaky.handler.attempts == 2
    outbox.refresh_from_db()
    assert (outbox.status, outbox.attempts, outbox.last_error) == (S.SENT, 2, "")


def test_a_refused_message_in_a_batch_is_retried_alone_and_the_rest_go_out(settings):
    with SmtpServer(fail_first=1) as flaky:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = flaky.port
        rows = [queue(f"batch:{n}", to=f"person{n}@sfgov.org") for n in range(3)]
        # Eager here, so the refused message's retry runs at once rather than after its wait.
        assert send_outbox_emails_task([row.pk for row in rows]) == 2
        received = flaky.handler.wait_for(3)
    assert sorted(m["To"] for m in received) == [f"person{n}@sfgov.org" for n in range(3)]
    attempts = dict(OutboxEmail.objects.values_list("dedupe_key", "attempts"))
    assert attempts == {"batch:0": 2, "batch:1": 1, "batch:2": 1}
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {S.SENT}


@pytest.mark.django_db(transaction=True)
def test_the_25_emails_of_a_cancelled_cohort_are_published_as_one_task(
    client_for, analyst, department
):
    from celery.signals import before_task_publish
    from django.urls import reverse

    from cohorts import services as cohort_services
    from leanleaders.celery import app as celery_app
    from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
    from tests.factories import TraineeFactory
    from tests.support.broker import reconnect

    cohort = CohortFactory(capacity=25)
    for _ in range(25):
        application = ApprovedApplicationFactory(trainee=TraineeFactory(department=department))
        cohort_services.enrollment_place(
            application_id=application.pk, cohort_id=cohort.pk, by=analyst
        )
    published: list[tuple[str, list[int]]] = []

    def record(sender: str, body: tuple, **kwargs: object) -> None:
        published.append((sender, sorted(body[0][0])))

    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    # A real broker in memory that nothing consumes: what is published stays there.
    reconnect(task_always_eager=False, broker_url="memory://")
    before_task_publish.connect(record)
    try:
        response = client_for(analyst).post(
            reverse("cohorts:cohort-status", args=[cohort.pk]),
            {"action": "cancel", "reason": "The trainer is ill."},
        )
    finally:
        before_task_publish.disconnect(record)
        reconnect(**saved)
    assert response.status_code == 302
    cancelled = OutboxEmail.objects.filter(dedupe_key__contains="cancelled")
    assert cancelled.count() == 25
    assert published == [
        (
            "leanleaders.tasks.send_outbox_emails_task",
            sorted(cancelled.values_list("pk", flat=True)),
        )
    ]


def test_a_batch_is_claimed_at_once_and_costs_one_query_more_per_message():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int, prefix: str) -> int:
        rows = [queue(f"{prefix}:{n}", to=f"{prefix}{n}@sfgov.org") for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            assert send_outbox_emails_task([row.pk for row in rows]) == count
        return len(captured.captured_queries)

    # The claim (one UPDATE and one SELECT for the whole batch), then one UPDATE per message.
    assert queries_for(8, "eight") - queries_for(3, "three") == 5
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {S.SENT}


def test_a_batch_skips_what_someone_else_is_sending_and_what_is_sent():
    sent, live, waiting = queue("done"), queue("live", to="live@sfgov.org"), queue("waiting")
    OutboxEmail.objects.filter(pk=sent.pk).update(status=S.SENT)
    claimed(live, seconds_ago=5)
    assert send_outbox_emails_task([sent.pk, live.pk, waiting.pk]) == 1
    assert [m.to for m in sent_mail.outbox] == [["pat@sfgov.org"]]
    live.refresh_from_db()
    assert (live.status, live.claimed_by) == (S.SENDING, "elsewhere/1/abc")


def test_a_long_batch_renews_its_claims_and_leaves_what_it_lost(settings, monkeypatch):
    from leanleaders import mail

    # Every claim counts as old: the batch renews before each message.
    settings.EMAIL_TIMEOUT = 0
    rows = [queue(f"long:{n}", to=f"person{n}@sfgov.org") for n in range(4)]
    delivered = mail._smtp_deliver
    renewed_at: list[dt.datetime] = []

    def deliver(message):
        renewed_at.append(OutboxEmail.objects.get(pk=rows[-1].pk).claimed_at)
        if len(renewed_at) == 2:  # meanwhile, a sweep handed the third message to another worker
            claimed(rows[2], seconds_ago=0)
        delivered(message)

    monkeypatch.setattr(mail, "_smtp_deliver", deliver)
    assert send_outbox_emails_task([row.pk for row in rows]) == 3
    assert [m.to[0] for m in sent_mail.outbox] == [
        "person0@sfgov.org",
        "person1@sfgov.org",
        "person3@sfgov.org",
    ]
    assert renewed_at == sorted(renewed_at)
    assert len(set(renewed_at)) == 3
    statuses = dict(OutboxEmail.objects.values_list("dedupe_key", "status"))
    assert statuses == {"long:0": S.SENT, "long:1": S.SENT, "long:2": S.SENDING, "long:3": S.SENT}
