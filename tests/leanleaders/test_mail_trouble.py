"""Analysts are told when mail is stuck or failing: a warning on their home, one email a day."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leanleaders.mail import email_queue
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run

pytestmark = pytest.mark.django_db

# Tuesday 10:00 in the city: inside the reminders' working hours.
WORKING_HOUR = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def stuck_email(*, key: str = "stuck", minutes: int = 20, status: str = "pending") -> OutboxEmail:
    outbox = email_queue(
        to=["pat@sfgov.org"],
        template="leanleaders/emails/account_exists",
        context={"user": {"full_name": "Pat"}, "reset_url": "x"},
        dedupe_key=key,
    )
    OutboxEmail.objects.filter(pk=outbox.pk).update(
        status=status, created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )
    return outbox


@pytest.fixture(autouse=True)
def _working_hour():
    with time_machine.travel(WORKING_HOUR, tick=False):
        yield


def test_analyst_home_warns_when_an_email_waits_over_15_minutes(client_for, analyst):
    stuck_email(minutes=16)
    page = client_for(analyst).get(reverse("home")).content.decode()
    assert 'id="mail-trouble"' in page
    assert "1 email has waited more than 15 minutes to send (the oldest for 16 minutes)" in page
    assert f'href="{reverse("outbox")}"' in page


def test_analyst_home_warns_when_emails_failed_and_links_to_the_failures(client_for, analyst):
    stuck_email(key="a", minutes=1, status="failed")
    stuck_email(key="b", minutes=1, status="failed")
    page = client_for(analyst).get(reverse("home")).content.decode()
    assert "2 emails failed every retry and were not sent." in page
    assert f'href="{reverse("outbox")}?status=failed"' in page


def test_no_warning_while_mail_flows_and_it_goes_when_the_mail_does(client_for, analyst):
    outbox = stuck_email(minutes=14)
    client = client_for(analyst)
    assert 'id="mail-trouble"' not in client.get(reverse("home")).content.decode()
    OutboxEmail.objects.filter(pk=outbox.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert 'id="mail-trouble"' in client.get(reverse("home")).content.decode()
    OutboxEmail.objects.filter(pk=outbox.pk).update(status="sent")
    assert 'id="mail-trouble"' not in client.get(reverse("home")).content.decode()


def test_only_analysts_see_the_warning(client_for, manager, trainee):
    stuck_email(status="failed")
    for person in (manager, trainee):
        assert 'id="mail-trouble"' not in client_for(person).get(reverse("home")).content.decode()


def test_analysts_get_one_email_a_day_through_the_outbox(
    analyst, mailoutbox, django_capture_on_commit_callbacks
):
    stuck_email(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        assert rule_run(key="mail-trouble").queued == 1
    with time_machine.travel(WORKING_HOUR + dt.timedelta(hours=3), tick=False):
        assert rule_run(key="mail-trouble").queued == 0  # later the same day: already told
    alert = OutboxEmail.objects.get(to=[analyst.email])
    assert alert.dedupe_key == f"reminder:mail-trouble:{analyst.pk}:2026-12-01"
    assert "1 email failed every retry and was not sent." in alert.body_text
    assert "http://testserver/outbox/" in alert.body_text
    assert [m.subject for m in mailoutbox] == ["Lean Leaders emails are not going out"]
    with time_machine.travel(WORKING_HOUR + dt.timedelta(days=1), tick=False):
        assert rule_run(key="mail-trouble").queued == 1  # still broken the next day


def test_no_email_while_mail_flows(analyst):
    stuck_email(minutes=5)
    assert rule_run(key="mail-trouble").queued == 0
    assert not OutboxEmail.objects.filter(to=[analyst.email]).exists()
