"""Redis accepting connections but never answering must not hold a request.

A fake server on a loopback port stands in for the hung broker. Publishing each send on commit
is bounded by the broker's socket timeouts, and after the first failure the process stops
trying for a while: the rows wait for the sweeper.
"""

from __future__ import annotations

import contextlib
import time

import pytest
from django.urls import reverse

from applications.models import Application
from cohorts import services as cohort_services
from cohorts.models import Cohort
from leanleaders.celery import app as celery_app
from leanleaders.models import OutboxEmail
from tests.applications.factories import COMPLETE, ApplicationFactory
from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
from tests.factories import TraineeFactory
from tests.support.broker import reconnect
from tests.support.hung_server import HungServer

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit must run, as in production

LIMIT_SECONDS = 1.0


@contextlib.contextmanager
def broker_hung():
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    with HungServer() as hung:
        reconnect(task_always_eager=False, broker_url=hung.url)
        try:
            yield hung
        finally:
            reconnect(**saved)


def timed_post(client, url, data):
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def test_submitting_an_application_returns_at_once_and_leaves_the_email_pending(
    client_for, trainee, manager
):
    with broker_hung() as hung:
        response, elapsed = timed_post(
            client_for(trainee),
            reverse("applications:application-create"),
            {**COMPLETE, "manager": manager.pk, "submit": "1"},
        )
    assert response.status_code == 302
    assert elapsed < LIMIT_SECONDS, f"the request took {elapsed:.2f}s with Redis hung"
    assert Application.objects.get().status == Application.Status.SUBMITTED
    assert hung.accepted >= 1  # it did try the broker
    email = OutboxEmail.objects.get()
    assert email.to == [manager.email]
    assert email.status == OutboxEmail.Status.PENDING


def test_a_manager_sign_off_returns_at_once(client_for, trainee, manager):
    application = ApplicationFactory(
        trainee=trainee, manager=manager, status=Application.Status.SUBMITTED
    )
    with broker_hung():
        response, elapsed = timed_post(
            client_for(manager),
            reverse("applications:application-sign-off", args=[application.pk]),
            {"decision": "approve", "comment": "", "expected_version": application.version},
        )
    assert response.status_code == 302
    assert elapsed < LIMIT_SECONDS, f"the request took {elapsed:.2f}s with Redis hung"
    application.refresh_from_db()
    assert application.status == Application.Status.MANAGER_APPROVED


def cohort_of_25(analyst, department) -> Cohort:
    cohort = CohortFactory(capacity=25)
    for _ in range(25):
        application = ApprovedApplicationFactory(trainee=TraineeFactory(department=department))
        cohort_services.enrollment_place(
            application_id=application.pk, cohort_id=cohort.pk, by=analyst
        )
    return cohort


def cancel(client, cohort: Cohort):
    return timed_post(
        client,
        reverse("cohorts:cohort-status", args=[cohort.pk]),
        {"action": "cancel", "reason": "The trainer is ill."},
    )


def test_cancelling_a_cohort_of_25_returns_at_once_and_every_email_waits_for_the_sweeper(
    client_for, analyst, department
):
    client = client_for(analyst)
    # The same cancellation with a broker that answers (in memory, nothing consumes), for scale:
    # rendering 25 emails takes a few hundred milliseconds, more when the machine is busy.
    healthy = cohort_of_25(analyst, department)
    saved = {k: celery_app.conf[k] for k in ("task_always_eager", "broker_url")}
    reconnect(task_always_eager=False, broker_url="memory://")
    try:
        _, healthy_elapsed = cancel(client, healthy)
    finally:
        reconnect(**saved)

    cohort = cohort_of_25(analyst, department)
    before = set(OutboxEmail.objects.values_list("pk", flat=True))
    with broker_hung() as hung:
        response, elapsed = cancel(client, cohort)
    assert response.status_code == 302
    # Under a second. On a machine so busy that the healthy run alone takes half of that, the
    # healthy run plus a second: one bounded publish (0.3 s) fits, 25 unbounded ones (50 s) and
    # even two (0.6 s each, with their connects) do not.
    limit = max(LIMIT_SECONDS, healthy_elapsed + LIMIT_SECONDS)
    assert elapsed < limit, f"{elapsed:.2f}s with Redis hung, {healthy_elapsed:.2f}s with it well"
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CANCELLED
    cancelled = OutboxEmail.objects.exclude(pk__in=before)
    assert cancelled.count() == 25
    assert set(cancelled.values_list("status", flat=True)) == {OutboxEmail.Status.PENDING}
    assert hung.accepted == 1  # one publish tried; the other 24 were skipped


def test_a_second_request_while_publishing_is_paused_does_not_touch_the_broker(
    client_for, trainee, manager
):
    with broker_hung() as hung:
        first, _ = timed_post(
            client_for(trainee),
            reverse("applications:application-create"),
            {**COMPLETE, "manager": manager.pk, "submit": "1"},
        )
        application = Application.objects.get()
        second, _ = timed_post(
            client_for(manager),
            reverse("applications:application-sign-off", args=[application.pk]),
            {"decision": "approve", "comment": "", "expected_version": application.version},
        )
    assert (first.status_code, second.status_code) == (302, 302)
    assert hung.accepted == 1  # the sign-off's email waits for the sweeper untried
